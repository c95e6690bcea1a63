import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'libsql';
import { Generated, Kysely, SqliteDialect } from 'kysely';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../../src/event-store/event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { describeEventStoreContract, events, readEverything, streamName } from './event-store.contract';

const tempDirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-store-'));
  tempDirs.push(dir);
  return path.join(dir, 'nested', 'dir', 'events.db'); // the store creates the directories
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describeEventStoreContract(
  'SQLite :memory:',
  async () => {
    const store = new SqliteEventStore(':memory:');
    return { store, cleanup: () => store.close() };
  },
  { gaplessPositions: true },
);

// A file is written by the store's writer thread by default; `writerThread: false` writes on
// the store's own connection, in its thread (as ':memory:' always does). Both pass the contract.
describe.each([
  ['SQLite file (writer thread)', true],
  ['SQLite file (written in this thread)', false],
])('%s', (name, writerThread) => {
  describeEventStoreContract(
    name,
    async () => {
      const file = tempFile();
      let store = new SqliteEventStore({ file, writerThread });
      expect(store.writer !== undefined).toBe(writerThread);
      return {
        store,
        reopen: async () => {
          await store.close();
          store = new SqliteEventStore({ file, writerThread });
          return store;
        },
        cleanup: () => store.close(),
      };
    },
    { gaplessPositions: true },
  );
});

describe('SqliteEventStore specifics', () => {
  it('opens a file in WAL mode with synchronous=FULL and records its schema version', async () => {
    const store = new SqliteEventStore({ file: tempFile(), busyTimeoutMs: 1234 });
    const pragma = (name: string) => (store.database.prepare(`PRAGMA ${name}`).all() as Record<string, unknown>[])[0];
    expect(pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(pragma('synchronous')).toEqual({ synchronous: 2 }); // 2 = FULL
    expect(pragma('busy_timeout')).toEqual({ timeout: 1234 });
    expect(store.database.prepare('SELECT version FROM event_store_migrations').all()).toEqual([{ version: 1 }]);
    await store.close();
  });

  it('opens an existing file again without re-running its migrations', async () => {
    const file = tempFile();
    const first = new SqliteEventStore(file);
    await first.appendToStream(streamName(), events(2), { expectedRevision: 'no_stream' });
    await first.close();
    const second = new SqliteEventStore(file);
    expect(second.database.prepare('SELECT count(*) AS n FROM event_store_migrations').all()).toEqual([{ n: 1 }]);
    expect(await second.headPosition()).toBe(2n);
    await second.close();
  });

  it('refuses to open a file whose event-store schema is newer than the code', async () => {
    const file = tempFile();
    const store = new SqliteEventStore(file);
    store.database.exec(`INSERT INTO event_store_migrations (version, applied_at) VALUES (99, 'later')`);
    await store.close();
    expect(() => new SqliteEventStore(file)).toThrow(StoreUnavailableError);
  });

  it('fails with StoreUnavailableError once closed', async () => {
    const store = new SqliteEventStore(':memory:');
    await store.close();
    await expect(store.appendToStream(streamName(), events(1), { expectedRevision: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readStream('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(readEverything(store)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('fails with StoreUnavailableError when another process holds the write lock past the busy timeout', async () => {
    const file = tempFile();
    const store = new SqliteEventStore({ file, busyTimeoutMs: 100 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    await expect(store.appendToStream(streamName(), events(1), { expectedRevision: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);
    other.exec('ROLLBACK');
    await expect(store.appendToStream(streamName(), events(1), { expectedRevision: 'any' })).resolves.toMatchObject({ lastPosition: 1n });
    other.close();
    await store.close();
  });

  it('group-commits appends made in the same tick, each checked on its own', async () => {
    const store = new SqliteEventStore(':memory:');
    const s = streamName();
    const outcomes = await Promise.allSettled([
      store.appendToStream(s, events(1), { expectedRevision: 'no_stream' }),
      store.appendToStream(s, events(1), { expectedRevision: 'no_stream' }), // refused: the first created it
      store.appendToStream(s, events(2), { expectedRevision: 0 }),
      store.appendToStream(streamName(), events(1), { expectedRevision: 'stream_exists' }), // refused
      store.appendToStream(streamName(), events(1), { expectedRevision: 'any' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    const all = await readEverything(store);
    expect(all.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n]);
    expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1, 2]);
    // All commits of one group share one recordedAt: they are one transaction.
    expect(new Set(all.map((e) => e.recordedAt)).size).toBe(1);
    await store.close();
  });

  it.each([
    ['in this thread (:memory:)', () => ':memory:'],
    ['on the writer thread (a file)', tempFile],
  ])('refuses a duplicate event id without failing the other appends of its group, %s', async (_where, file) => {
    const store = new SqliteEventStore(file());
    const [first] = events(1);
    await store.appendToStream(streamName(), [first], { expectedRevision: 'any' });
    const outcomes = await Promise.allSettled([
      store.appendToStream(streamName(), [first], { expectedRevision: 'any' }),
      store.appendToStream(streamName(), events(1), { expectedRevision: 'any' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
    // The constraint refusal as libsql raised it (rebuilt from the writer thread's account), not a store failure.
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ name: 'SqliteError', code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect((outcomes[0] as PromiseRejectedResult).reason).not.toBeInstanceOf(StoreUnavailableError);
    expect(await store.headPosition()).toBe(2n);
    await store.close();
  });

  it('writes none of an append whose later event fails, and leaves the stream as it was', async () => {
    const store = new SqliteEventStore(':memory:');
    const s = streamName();
    const [taken] = events(1);
    await store.appendToStream(streamName(), [taken], { expectedRevision: 'no_stream' });
    await store.appendToStream(s, events(1), { expectedRevision: 'no_stream' });
    // Two fresh events, then one whose id is already in the log: the insert of the third fails.
    const attempt = store.appendToStream(s, [...events(2), taken], { expectedRevision: 0 });
    await expect(attempt).rejects.toThrow();
    expect(await store.headPosition()).toBe(2n);
    expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0]);
    // The stream's revision was not moved either: the next append at revision 0 succeeds.
    await expect(store.appendToStream(s, events(1), { expectedRevision: 0 })).resolves.toMatchObject({ nextExpectedRevision: 1 });
    await store.close();
  });

  it('writes appends still queued when it is closed', async () => {
    const file = tempFile();
    const store = new SqliteEventStore(file);
    const pending = store.appendToStream(streamName(), events(3), { expectedRevision: 'no_stream' });
    await store.close();
    await expect(pending).resolves.toMatchObject({ lastPosition: 3n });
    const reopened = new SqliteEventStore(file);
    expect(await reopened.headPosition()).toBe(3n);
    await reopened.close();
  });

  describe('sharing the connection with Kysely (the projections)', () => {
    interface ReadModel {
      participants: { id: Generated<number>; name: string; position: string };
    }

    it('lets Kysely create, insert and select in the same database', async () => {
      const store = new SqliteEventStore(':memory:');
      const db = new Kysely<ReadModel>({ dialect: new SqliteDialect({ database: store.database }) });
      await db.schema
        .createTable('participants')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('position', 'text', (c) => c.notNull())
        .execute();
      const { lastPosition } = await store.appendToStream(streamName(), events(1), { expectedRevision: 'no_stream' });
      await db.insertInto('participants').values({ name: 'Åsa', position: String(lastPosition) }).execute();
      // Rows are plain: libsql's `_metadata` only appears on Statement.get(), which Kysely never calls.
      expect(await db.selectFrom('participants').selectAll().execute()).toStrictEqual([{ id: 1, name: 'Åsa', position: '1' }]);
      expect(await db.selectFrom('participants').select('name').executeTakeFirst()).toStrictEqual({ name: 'Åsa' });
      const tables = store.database.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all();
      expect(tables).toEqual(expect.arrayContaining([{ name: 'events' }, { name: 'participants' }]));
      await store.close();
    });

    it('waits for a Kysely transaction on the shared connection before appending', async () => {
      const store = new SqliteEventStore(':memory:');
      const db = new Kysely<ReadModel>({ dialect: new SqliteDialect({ database: store.sharedDatabase }) });
      await db.schema
        .createTable('participants')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('name', 'text')
        .addColumn('position', 'text')
        .execute();
      let append: Promise<unknown> | undefined;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('participants').values({ name: 'a', position: '0' }).execute();
        append = store.appendToStream(streamName(), events(1), { expectedRevision: 'any' });
        await new Promise((resolve) => setTimeout(resolve, 20)); // the append must wait, not join or fail
        await trx.insertInto('participants').values({ name: 'b', position: '0' }).execute();
      });
      await expect(append).resolves.toMatchObject({ lastPosition: 1n });
      await db.destroy(); // sharedDatabase ignores close(): the store stays open
      expect(await store.headPosition()).toBe(1n);
      await store.close();
    });
  });
});
