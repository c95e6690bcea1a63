// The SQLite store's writer thread (the default for a file): reads on the store's thread see
// an acknowledged append at once, appends made together still share one transaction, a
// writer that dies mid-batch acknowledges nothing it did not commit and the next append
// starts a new one, and close() waits for the batch being written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'libsql';
import type { AppendResult, GroupCommit, RecordedEvent } from '../../src/event-store/event-store';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../../src/event-store/event-store';
import { SqliteEventStore, type SqliteEventStoreOptions } from '../../src/event-store/sqlite-event-store';
import { events, readEverything, streamName } from './event-store.contract';

jest.setTimeout(60_000);

const tempDirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-writer-'));
  tempDirs.push(dir);
  return path.join(dir, 'events.db');
}
const opened: SqliteEventStore[] = [];
function open(options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore {
  const store = new SqliteEventStore({ file: tempFile(), ...options });
  opened.push(store);
  return store;
}
afterAll(async () => {
  for (const store of opened) await store.close();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SqliteEventStore writer thread', () => {
  it('is used for a file by default, and not for :memory: or writerThread: false', async () => {
    expect(open().writer).toBeDefined();
    expect(open({ writerThread: false }).writer).toBeUndefined();
    const memory = new SqliteEventStore(':memory:');
    expect(memory.writer).toBeUndefined();
    await memory.close();
  });

  it('lets a read right after an acknowledged append see it, on the store thread and on another connection', async () => {
    const store = open();
    const other = new Database(store.file);
    const streams = [streamName(), streamName(), streamName()];
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(streams.map((s) => store.appendToStream(s, events(2), { expectedRevision: round === 0 ? 'no_stream' : round * 2 - 1 })));
      for (const [i, result] of results.entries()) {
        const read = await store.readStream(streams[i]);
        expect(read.at(-1)).toEqual(result.records.at(-1)); // the record equals what a read returns
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: (round + 1) * 2 }, (_, n) => n));
      }
      const last = results.reduce((max, r) => (r.lastPosition > max ? r.lastPosition : max), 0n);
      expect(await store.headPosition()).toBe(last);
      expect((await readEverything(store)).at(-1)!.position).toBe(last);
      expect(other.prepare('SELECT max(position) AS head FROM events').all()).toEqual([{ head: Number(last) }]);
    }
    other.close();
  });

  it('writes appends made together in one transaction, each judged alone, in order', async () => {
    const store = open();
    const groups: GroupCommit[] = [];
    store.onGroupCommitted((g) => groups.push(g));
    await store.appendToStream(streamName(), events(1), { expectedRevision: 'no_stream' });
    const shared = streamName();
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 8 }, () => store.appendToStream(streamName(), events(2), { expectedRevision: 'no_stream' })),
      store.appendToStream(shared, events(1), { expectedRevision: 'no_stream' }),
      store.appendToStream(shared, events(1), { expectedRevision: 'no_stream' }), // refused: the one before took it
      store.appendToStream(shared, events(1), { expectedRevision: 0 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([...Array(9).fill('fulfilled'), 'rejected', 'fulfilled']);
    expect((outcomes[9] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(groups).toEqual([
      { appends: 1, events: 1 },
      { appends: 10, events: 18 },
    ]);
    const written = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value.records : []));
    expect(new Set(written.map((e) => e.recordedAt)).size).toBe(1);
    expect(written.map((e) => e.position)).toEqual(Array.from({ length: 18 }, (_, i) => BigInt(i + 2)));
  });

  it('queues the appends made while a batch is being written and writes them as the next batch', async () => {
    const store = open();
    await store.appendToStream(streamName(), events(1), { expectedRevision: 'no_stream' }); // the writer is up
    const groups: GroupCommit[] = [];
    store.onGroupCommitted((g) => groups.push(g));
    // Eight writers, each appending one after another: after the first batch, every batch is
    // made of the appends that came while the one before was being committed.
    const writer = async (): Promise<RecordedEvent[]> => {
      const s = streamName();
      const written: RecordedEvent[] = [];
      for (let i = 0; i < 10; i++) written.push(...(await store.appendToStream(s, events(1), { expectedRevision: i - 1 })).records);
      return written;
    };
    const written = (await Promise.all(Array.from({ length: 8 }, writer))).flat();
    expect(groups.reduce((n, g) => n + g.appends, 0)).toBe(80);
    expect(groups.length).toBeLessThan(80);
    expect(Math.max(...groups.map((g) => g.appends))).toBeGreaterThan(1);
    const all = await readEverything(store);
    expect(all.slice(1)).toEqual([...written].sort((a, b) => Number(a.position - b.position)));
  });

  it('keeps a multi-stream append all or nothing', async () => {
    const store = open();
    const [a, b] = [streamName(), streamName()];
    await store.appendToStream(b, events(1), { expectedRevision: 'no_stream' });
    await expect(
      store.appendToStreams([
        { streamId: a, events: events(1), expectedRevision: 'no_stream' },
        { streamId: b, events: events(1), expectedRevision: 'no_stream' },
      ]),
    ).rejects.toMatchObject({ streamId: b, actual: 0 });
    expect(await store.readStream(a)).toEqual([]);
    const results = await store.appendToStreams([
      { streamId: a, events: events(2), expectedRevision: 'no_stream' },
      { streamId: b, events: events(1), expectedRevision: 0 },
    ]);
    expect(results.map((r) => [r.nextExpectedRevision, r.lastPosition])).toEqual([
      [1, 3n],
      [1, 4n],
    ]);
  });

  it('rejects the batch of a writer that died before COMMIT as StoreUnavailableError, wrote none of it, and starts a new writer', async () => {
    const store = open({ writerExitInBatch: 'before-commit' });
    const told: bigint[] = [];
    store.onAppended((p) => told.push(p));
    const [s1, s2] = [streamName(), streamName()];
    const first = events(2);
    const second = events(1);
    const outcomes = await Promise.allSettled([
      store.appendToStream(s1, first, { expectedRevision: 'no_stream' }),
      store.appendToStream(s2, second, { expectedRevision: 'no_stream' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    for (const o of outcomes) {
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
      expect(String((o as PromiseRejectedResult).reason)).toMatch(/writer thread ended \(exit code 1\)/);
    }
    expect(await store.headPosition()).toBe(0n);
    expect(await store.readStream(s1)).toEqual([]);
    expect(told).toEqual([]);
    // The next append starts a new writer; the same events (same ids) can be written now.
    const again = await Promise.all([
      store.appendToStream(s1, first, { expectedRevision: 'no_stream' }),
      store.appendToStream(s2, second, { expectedRevision: 'no_stream' }),
    ]);
    expect(again.map((r) => r.lastPosition)).toEqual([2n, 3n]);
    expect(store.writer!.starts).toBe(2);
    expect(told).toEqual([3n]);
    expect((await readEverything(store)).map((e) => e.id)).toEqual([...first, ...second].map((e) => e.id));
  });

  it('answers from the log the appends of a writer that died just after COMMIT, before it answered', async () => {
    const store = open({ writerExitInBatch: 'after-commit' });
    const told: bigint[] = [];
    store.onAppended((p) => told.push(p));
    const s = streamName();
    const outcomes = await Promise.allSettled([
      store.appendToStream(s, events(2), { expectedRevision: 'no_stream' }),
      store.appendToStream(s, events(1), { expectedRevision: 'no_stream' }), // refused in the batch: nothing of it was written
      store.appendToStreams([{ streamId: streamName(), events: events(1), expectedRevision: 'no_stream' }]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    const written = outcomes[0] as PromiseFulfilledResult<AppendResult>;
    expect(written.value).toMatchObject({ nextExpectedRevision: 1, lastPosition: 2n });
    expect(written.value.records).toEqual(await store.readStream(s));
    expect(told).toEqual([3n]);
    await expect(store.appendToStream(s, events(1), { expectedRevision: 1 })).resolves.toMatchObject({ lastPosition: 4n });
    expect(store.writer!.starts).toBe(2);
  });

  it('fails the whole batch with StoreUnavailableError when the writer cannot get the write lock, then recovers', async () => {
    const store = open({ busyTimeoutMs: 100 });
    await store.appendToStream(streamName(), events(1), { expectedRevision: 'no_stream' });
    const other = new Database(store.file);
    other.exec('BEGIN IMMEDIATE');
    const outcomes = await Promise.allSettled([
      store.appendToStream(streamName(), events(1), { expectedRevision: 'any' }),
      store.appendToStream(streamName(), events(1), { expectedRevision: 'any' }),
    ]);
    for (const o of outcomes) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    other.exec('ROLLBACK');
    other.close();
    await expect(store.appendToStream(streamName(), events(1), { expectedRevision: 'any' })).resolves.toMatchObject({ lastPosition: 2n });
    expect(store.writer!.starts).toBe(1); // a failed batch is not a dead writer
  });

  it('close() waits for the batch being written and the ones queued behind it, then ends the writer', async () => {
    const file = tempFile();
    const store = new SqliteEventStore(file);
    const first = store.appendToStream(streamName(), events(3), { expectedRevision: 'no_stream' });
    await tick();
    await tick(); // the first batch is out
    const second = store.appendToStream(streamName(), events(2), { expectedRevision: 'no_stream' });
    const closed = store.close();
    await expect(store.appendToStream(streamName(), events(1), { expectedRevision: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await closed;
    await expect(first).resolves.toMatchObject({ lastPosition: 3n });
    await expect(second).resolves.toMatchObject({ lastPosition: 5n });
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
    const reopened = new SqliteEventStore(file);
    expect(await reopened.headPosition()).toBe(5n);
    await reopened.close();
  });

  it('open() starts the writer before it resolves; a read-only store has none and refuses appends', async () => {
    const file = tempFile();
    const store = await SqliteEventStore.open(file);
    expect(store.writer!.starts).toBe(1);
    await store.appendToStream(streamName(), events(1), { expectedRevision: 'no_stream' });
    const reader = new SqliteEventStore({ file, readOnly: true });
    expect(reader.writer).toBeUndefined();
    expect(await reader.headPosition()).toBe(1n);
    await expect(reader.appendToStream(streamName(), events(1), { expectedRevision: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await reader.close();
    await store.close();
  });
});
