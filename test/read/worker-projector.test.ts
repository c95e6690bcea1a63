// The live projector in its worker thread (PROJECTOR_THREAD=worker) against the same projector
// run in this thread over the same store: the same positions, lag and read models, `waitFor`
// across the thread boundary, batches told to the telemetry without event data; and the kill
// the issue asks for: a worker that dies inside a batch transaction (rows and checkpoints
// written, COMMIT not run) is restarted, goes on from the committed checkpoint, and ends with
// read models equal to a clean rebuild, its restart counted. SQLite files always; PostgreSQL
// (fresh schemas) when DATABASE_URL is set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'pg';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { Projector } from '../../src/projections/projector';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { createReadModelDb } from '../../src/projections/read-model-db';
import type { ReadModelDb } from '../../src/projections/read-model-schema';
import { liveProjectorOptions, openReadModelDb } from '../../src/app/read/read-side';
import { WorkerProjector } from '../../src/app/read/worker-projector';
import type { WorkerConfig } from '../../src/app/read/projector-worker-protocol';
import type { RanBatch } from '../../src/app/observability/projector-telemetry';
import { dumpTables } from '../projections/harness';
import { historyArb, play } from '../projections/history';
import { World } from '../projections/world';

const DATABASE_URL = process.env.DATABASE_URL;

interface Site {
  readonly store: EventStore;
  /** Where the worker's store and read models are. */
  readonly config: WorkerConfig;
  /** A read-model database of its own for a projector run here from zero. */
  openReference(): ReadModelDb;
  cleanup(): Promise<void>;
}

async function sqliteSite(): Promise<Site> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-projector-'));
  const config: WorkerConfig = { eventStore: 'sqlite', sqliteFile: path.join(dir, 'events.db'), readModelFile: path.join(dir, 'read-models.db') };
  const store = new SqliteEventStore(config.sqliteFile);
  return {
    store,
    config,
    openReference: () => createReadModelDb({ kind: 'sqlite', file: path.join(dir, 'reference.db') }),
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresSite(): Promise<Site> {
  const schema = `worker_proj_${randomBytes(5).toString('hex')}`;
  const reference = `${schema}_ref`;
  const config: WorkerConfig = { eventStore: 'postgres', databaseUrl: DATABASE_URL, databaseSchema: schema, sqliteFile: '', readModelFile: '' };
  const store = await PostgresEventStore.create({ connectionString: DATABASE_URL, schema });
  return {
    store,
    config,
    openReference: () => createReadModelDb({ kind: 'postgres', connectionString: DATABASE_URL, schema: reference }),
    cleanup: async () => {
      await store.close();
      const admin = new Pool({ connectionString: DATABASE_URL, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.query(`DROP SCHEMA IF EXISTS "${reference}" CASCADE`);
      await admin.end();
    },
  };
}

const SITES: readonly [string, () => Promise<Site>][] = [
  ['SQLite files', sqliteSite],
  ...(DATABASE_URL ? [['PostgreSQL schemas', postgresSite] as [string, () => Promise<Site>]] : []),
];
if (!DATABASE_URL) process.stderr.write('worker-projector: the PostgreSQL cases were NOT run: DATABASE_URL is not set\n');

const fill = async (world: World, seed: number, runs: number) => {
  for (const steps of fc.sample(historyArb(8, 120), { seed, numRuns: runs })) await play(world, steps);
  return world.store.headPosition();
};

/** A projector of this thread, run from zero over the same store into its own database: the expected read models. */
async function cleanRun(site: Site): Promise<{ tables: Record<string, unknown[]>; lag: Awaited<ReturnType<Projector['lag']>> }> {
  const db = site.openReference();
  const projector = new Projector(liveProjectorOptions(site.config, site.store, db, {}));
  try {
    await projector.catchUp();
    return { tables: await dumpTables(db), lag: await projector.lag() };
  } finally {
    await projector.stop();
    await db.destroy();
  }
}

async function tablesOf(site: Site): Promise<Record<string, unknown[]>> {
  const db = openReadModelDb(site.config);
  try {
    return await dumpTables(db);
  } finally {
    await db.destroy();
  }
}

describe.each(SITES)('the projector in a worker thread (%s)', (_name, open) => {
  let site: Site;
  let proxy: WorkerProjector | undefined;
  beforeEach(async () => {
    site = await open();
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
    await site.cleanup();
  });

  it('answers waitFor, lag() and positions as the projector in this thread does', async () => {
    const world = new World(site.store);
    const head = await fill(world, 20260511, 3);
    expect(head).toBeGreaterThan(20n);
    const batches: RanBatch[] = [];
    const warnings: string[] = [];
    // Polls once a minute: only the forwarded append signals and waiting readers wake it here.
    proxy = new WorkerProjector({
      store: site.store,
      projections: ALL_PROJECTIONS,
      worker: { config: site.config, pollIntervalMs: 60_000 },
      recordBatch: (b) => batches.push(b),
      logger: { warn: (message) => warnings.push(message) },
    });
    expect((await proxy.lag()).projections.map((p) => p.status)).toEqual(ALL_PROJECTIONS.map(() => 'starting'));
    await proxy.start();
    expect((await proxy.lag()).worker).toEqual({ state: 'running', restarts: 0, lastExit: null });
    expect(await proxy.waitFor(head, 30_000)).toBe(true);
    expect(() => proxy!.waitFor(head, 10, 'no_such_projection')).toThrow('no projection no_such_projection');
    // Nothing beyond the head: the wait runs out and says so.
    expect(await proxy.waitFor(head + 1n, 50)).toBe(false);

    const expected = await cleanRun(site);
    const { worker, ...lag } = await proxy.lag();
    expect(worker).toEqual({ state: 'running', restarts: 0, lastExit: null });
    expect(lag).toEqual(expected.lag);
    expect(proxy.minPosition()).toBe(head);
    for (const p of ALL_PROJECTIONS) expect(proxy.position(p.name)).toBe(head);
    expect(await tablesOf(site)).toEqual(expected.tables);

    // Appends made here reach the worker (forwarded signal), and one projection can be awaited alone.
    const later = await fill(world, 7, 1);
    expect(later).toBeGreaterThan(head);
    expect(await proxy.waitFor(later, 30_000, 'dashboard')).toBe(true);
    expect(await proxy.waitFor(later, 30_000)).toBe(true);
    expect((await proxy.lag()).maxBehind).toBe('0');

    // Each batch told: positions, times and the events' trace fields only, no event data.
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.failed === undefined && b.endedAt >= b.startedAt)).toBe(true);
    expect(batches[batches.length - 1].position).toBe(later);
    const told = batches.flatMap((b) => b.events);
    expect(told.map((e) => e.position)).toEqual([...Array(Number(later)).keys()].map((i) => BigInt(i + 1)));
    for (const e of told) {
      expect(Object.keys(e).sort()).toEqual(['metadata', 'position', 'recordedAt']);
      expect(Object.keys(e.metadata).sort()).toEqual(['commandId', 'correlationId', 'traceparent']);
    }
    expect(warnings).toEqual([]);

    await proxy.stop();
    expect((await proxy.lag()).worker?.state).toBe('stopped');
  });

  it('restarts a worker killed inside a batch transaction, which goes on from the committed checkpoint to a clean rebuild', async () => {
    const head = await fill(new World(site.store), 20260302, 4);
    expect(head).toBeGreaterThan(60n);
    const batches: RanBatch[] = [];
    const warnings: string[] = [];
    proxy = new WorkerProjector({
      store: site.store,
      projections: ALL_PROJECTIONS,
      // Batches of 7 events; the first worker calls process.exit(1) inside its third batch,
      // after that batch's rows and checkpoints are written and before COMMIT.
      worker: { config: site.config, pollIntervalMs: 50, batchSize: 7, exitInBatch: 3 },
      recordBatch: (b) => batches.push(b),
      logger: { warn: (message) => warnings.push(message) },
      restartDelayMs: { initial: 10, max: 10 },
    });
    await proxy.start();
    // A reader waiting across the crash keeps waiting, and is answered by the next worker.
    expect(await proxy.waitFor(head, 60_000)).toBe(true);
    await proxy.catchUp(); // answered after the new worker said it is ready

    expect((await proxy.lag()).worker).toEqual({ state: 'running', restarts: 1, lastExit: 'exit code 1' });
    expect(warnings).toEqual(['projector worker ended (exit code 1); restart 1 in 10 ms']);
    // The first worker told its two committed batches; the killed third never finished. The
    // next worker's first batch starts every projection at the second batch's end.
    expect(batches[0].position).toBe(7n);
    expect(batches[1].position).toBe(14n);
    expect(batches[2].projections.map((p) => p.from)).toEqual(ALL_PROJECTIONS.map(() => 14n));
    expect(batches[2].events[0].position).toBe(15n);
    expect(batches.every((b) => b.failed === undefined)).toBe(true);

    const expected = await cleanRun(site);
    const { worker: _worker, ...lag } = await proxy.lag();
    expect(lag).toEqual(expected.lag);
    expect(await tablesOf(site)).toEqual(expected.tables);
  });
});

describe('the worker side', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-projector-ro-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("opens the SQLite file read-only: no migration of its own, no appends, and it reads the writer's events", async () => {
    const file = path.join(dir, 'events.db');
    expect(() => new SqliteEventStore({ file, readOnly: true })).toThrow(/needs an existing file/);
    // An existing file nobody migrated yet: refused, and left as it was (no tables created).
    const blank = path.join(dir, 'blank.db');
    fs.writeFileSync(blank, '');
    expect(() => new SqliteEventStore({ file: blank, readOnly: true })).toThrow(/schema version 0, not 1/);
    expect(fs.statSync(blank).size).toBe(0);
    const writer = new SqliteEventStore(file);
    const reader = new SqliteEventStore({ file, readOnly: true });
    try {
      const head = await fill(new World(writer), 11, 1);
      expect(await reader.headPosition()).toBe(head);
      let first: RecordedEvent | undefined;
      for await (const batch of reader.readAll({ batchSize: 1 })) {
        [first] = batch;
        break;
      }
      const { id: _id, streamId, revision: _r, position: _p, recordedAt: _t, ...event } = first!;
      await expect(reader.appendToStream(streamId, [{ ...event, id: randomUUID() }], { expectedRevision: 'any' })).rejects.toThrow(/is open read-only here/);
      expect(await writer.headPosition()).toBe(head);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('refuses to start when its first worker cannot open what it needs, naming the error', async () => {
    const store = new SqliteEventStore(':memory:');
    const proxy = new WorkerProjector({
      store,
      projections: ALL_PROJECTIONS,
      worker: { config: { eventStore: 'sqlite', sqliteFile: path.join(dir, 'missing', 'events.db'), readModelFile: path.join(dir, 'rm.db') }, pollIntervalMs: 50 },
    });
    await expect(proxy.start()).rejects.toThrow(/ended before it was ready \(StoreUnavailableError: SQLite event store: cannot open .*needs an existing file\)/);
    expect((await proxy.lag()).worker).toEqual({ state: 'stopped', restarts: 0, lastExit: null });
    await proxy.stop();
    await store.close();
  });
});
