import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { EventStore, StoreUnavailableError, WrongExpectedRevisionError } from '../../src/event-store/event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { advisoryKey, postgresTables } from '../../src/event-store/postgres-schema';
import { describeEventStoreContract, events, readEverything, streamName, waitFor } from './event-store.contract';

const url = process.env.DATABASE_URL;
// These suites need a PostgreSQL server. Where DATABASE_URL is not set (a machine without
// one) they are skipped rather than failed, and say so once below.
const describeIfPg = url ? describe : describe.skip;
if (!url) {
  console.log('PostgreSQL event-store suites were NOT run: DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test).');
}

const schemas = new Set<string>();
let admin: Pool | undefined;

function freshSchema(): string {
  const schema = `es_test_${randomBytes(6).toString('hex')}`;
  schemas.add(schema);
  return schema;
}

async function dropSchema(schema: string): Promise<void> {
  await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  schemas.delete(schema);
}

function open(schema: string, poolSize = 4): Promise<PostgresEventStore> {
  return PostgresEventStore.create({ connectionString: url as string, schema, poolSize });
}

describeIfPg('PostgreSQL event store', () => {
  beforeAll(() => {
    admin = new Pool({ connectionString: url, max: 2 });
  });
  afterAll(async () => {
    for (const schema of [...schemas]) await dropSchema(schema);
    await admin?.end();
  });

  describeEventStoreContract(
    'PostgreSQL',
    async () => {
      const schema = freshSchema();
      let store = await open(schema);
      return {
        store,
        reopen: async () => {
          await store.close();
          store = await open(schema);
          return store;
        },
        cleanup: async () => {
          await store.close();
          await dropSchema(schema);
        },
      };
    },
    { gaplessPositions: true },
  );

  describe('specifics', () => {
    const opened: EventStore[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    async function openTracked(schema: string): Promise<PostgresEventStore> {
      const store = await open(schema);
      opened.push(store);
      return store;
    }

    // Property: however concurrent writers interleave, a reader that keeps reading from the
    // last position it saw sees every committed event exactly once, at positions last+1.
    it('never lets a reader skip an event: positions are gapless and in commit order under concurrent writers', async () => {
      const schema = freshSchema();
      const writers = await Promise.all([0, 1, 2, 3].map(() => openTracked(schema)));
      const reader = await openTracked(schema);
      const streams = Array.from({ length: 6 }, streamName);
      const written = new Set<string>();
      let writing = true;

      const write = async (store: PostgresEventStore): Promise<void> => {
        for (let i = 0; i < 50; i++) {
          const batch = events(1 + (i % 3));
          await store.appendToStream(streams[(i * 7 + batch.length) % streams.length], batch, { expectedRevision: 'any' });
          for (const e of batch) written.add(e.id);
        }
      };
      const seen = new Set<string>();
      const problems: string[] = [];
      const read = async (): Promise<void> => {
        let last = 0n;
        for (;;) {
          const done = !writing; // decided before reading, so the final pass sees everything
          for await (const batch of reader.readAll({ after: last, batchSize: 25 })) {
            for (const e of batch) {
              if (e.position !== last + 1n) problems.push(`after ${last} came ${e.position}`);
              if (seen.has(e.id)) problems.push(`${e.id} seen twice`);
              seen.add(e.id);
              last = e.position;
            }
          }
          if (done) return;
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const reading = read();
      await Promise.all(writers.map(write));
      writing = false;
      await reading;

      expect(problems).toEqual([]);
      expect(written.size).toBe(4 * 99); // each writer: 17 appends of 1 event, 17 of 2, 16 of 3
      expect(seen).toEqual(written);
      expect(await reader.headPosition()).toBe(BigInt(4 * 99));
    });

    it('lets exactly one of two processes win the same expected revision', async () => {
      const schema = freshSchema();
      const [a, b] = await Promise.all([openTracked(schema), openTracked(schema)]);
      const s = streamName();
      await a.appendToStream(s, events(1), { expectedRevision: 'no_stream' });
      const outcomes = await Promise.allSettled([
        a.appendToStream(s, events(1), { expectedRevision: 0 }),
        b.appendToStream(s, events(1), { expectedRevision: 0 }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(lost?.reason).toMatchObject({ actual: 1 });
    });

    it('migrates once when several processes start on a new schema at the same time', async () => {
      const schema = freshSchema();
      const stores = await Promise.all([1, 2, 3].map(() => openTracked(schema)));
      const { rows } = await stores[0].pool.query(`SELECT version FROM "${schema}".event_store_migrations`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
    });

    it('tells other processes of appends through LISTEN/NOTIFY, and listens again after losing its connection', async () => {
      const schema = freshSchema();
      const listening = await openTracked(schema);
      const writing = await openTracked(schema);
      const heard: bigint[] = [];
      listening.onAppended((p) => heard.push(p));
      const firstPid = await listenerPid(schema, undefined);

      const first = await writing.appendToStream(streamName(), events(2), { expectedRevision: 'no_stream' });
      await waitFor(() => heard.includes(first.lastPosition), 'the first notification');

      await admin?.query('SELECT pg_terminate_backend($1)', [firstPid]);
      const secondPid = await listenerPid(schema, firstPid);
      expect(secondPid).not.toBe(firstPid);
      const second = await writing.appendToStream(streamName(), events(1), { expectedRevision: 'no_stream' });
      await waitFor(() => heard.includes(second.lastPosition), 'a notification after reconnecting');
      expect(heard).toEqual([...heard].sort((x, y) => (x < y ? -1 : 1))); // only ever newer positions
    });

    it('fails with StoreUnavailableError when the server cannot be reached, or once closed', async () => {
      const unreachable = PostgresEventStore.create({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectionTimeoutMs: 1000 });
      await expect(unreachable).rejects.toBeInstanceOf(StoreUnavailableError);

      const store = await open(freshSchema());
      await store.close();
      await expect(store.appendToStream(streamName(), events(1), { expectedRevision: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(readEverything(store)).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
});

// These need no server.
describe('PostgreSQL event store without a server', () => {
  it('refuses a schema name it cannot safely put into SQL', async () => {
    expect(() => postgresTables('Robert"; DROP TABLE x; --')).toThrow(TypeError);
    expect(() => postgresTables('x'.repeat(41))).toThrow(TypeError);
    await expect(PostgresEventStore.create({ connectionString: 'postgres://127.0.0.1:1/x', schema: 'Bad-Name' })).rejects.toThrow(TypeError);
    expect(postgresTables('es_1').events).toBe('"es_1".events');
  });

  it('derives a stable advisory-lock key per schema', () => {
    expect(advisoryKey('public')).toBe(advisoryKey('public'));
    expect(advisoryKey('public')).not.toBe(advisoryKey('tenant_a'));
    expect(Number.isInteger(advisoryKey('x')) && Math.abs(advisoryKey('x')) < 2 ** 31).toBe(true);
  });
});

/** The backend pid of the store's LISTEN connection, once it is listening (and is not `not`). */
async function listenerPid(schema: string, not: number | undefined): Promise<number> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const { rows } = await (admin as Pool).query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
      [`event-store-listener:${schema}`],
    );
    const found = rows.find((r) => r.pid !== not);
    if (found) return found.pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the listener never connected');
}
