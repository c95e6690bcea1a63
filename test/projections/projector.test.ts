// The projector: live mode with read-your-writes, checkpoints that survive restarts and
// follow a checkpoint moved elsewhere, upcasting, skipped types, a failing projection that
// does not hold the others back, version bumps, and the rebuild swap.
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store';
import type { Projection } from '../../src/projections/projection';
import type { TableSpec } from '../../src/projections/table-spec';
import { Projector } from '../../src/projections/projector';
import type { RowSession } from '../../src/projections/row-cache';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { dashboardProjection, queryDashboard } from '../../src/projections/dashboard';
import { BACKENDS, closeSharedPool, dumpTables, setup, type Backend, type Setup } from './harness';
import { adminOf, patientOf, start, therapistOf, UNITS } from './world';

const U1 = UNITS[0];
const T1 = therapistOf(U1);

/** Counts events per type; throws on MessageSent while `failing` is set. */
function counting(): Projection & { failing: boolean } {
  const table: TableSpec = { name: 'test_counts', key: 'type', columns: { type: 'text', n: 'int', position: 'bigint' } };
  const p = {
    name: 'counts',
    version: 1,
    tables: [table],
    failing: false,
    handles: (type: string) => type !== 'FeeCharged',
    async apply(batch: readonly RecordedEvent[], session: RowSession) {
      const rows = session.table<{ type: string; n: number; position: number }>('test_counts');
      await rows.load(batch.map((e) => e.type));
      for (const e of batch) {
        if (p.failing && e.type === 'MessageSent') throw new Error('counts: boom');
        const row = rows.get(e.type) ?? { type: e.type, n: 0, position: 0 };
        rows.set(e.type, { ...row, n: row.n + 1, position: Number(e.position) });
      }
    },
  };
  return p;
}

async function someHistory(s: Setup, episodes = 3, prefix = 'E') {
  for (let i = 0; i < episodes; i++) {
    const id = `${prefix}${i}`;
    await s.world.episode(id, start(id), T1);
    await s.world.episode(id, { type: 'SendMessage', data: { messageId: `m${id}`, newConversationId: `c${id}`, text: 'Hej' } }, patientOf(U1));
    s.world.advance(30);
  }
}

afterAll(closeSharedPool);

for (const backend of BACKENDS) {
  // PostgreSQL runs only when DATABASE_URL names a server (CI starts one); otherwise skipped.
  const suite = backend.available ? describe : describe.skip;
  suite(`projector (${backend.name})`, () => {
    let s: Setup;
    afterEach(() => s.close());

    it('runs live: wakes on appends, and waitFor resolves once the position is applied', async () => {
      s = await setup(backend, { pollIntervalMs: 60_000 }); // only onAppended can wake it in time
      await s.projector.start();
      const outcome = await s.world.episode('A', start('A'), T1);
      const position = outcome.ok ? outcome.records[outcome.records.length - 1].position : -1n;
      expect(await s.projector.waitFor(position, 5000)).toBe(true);
      expect((await queryDashboard(s.db, { unitId: U1 })).episodes.map((e) => e.episodeId)).toEqual(['A']);
      expect(await s.projector.waitFor(position + 1000n, 50)).toBe(false);
      expect(await s.projector.waitFor(position, 10, 'outcomes')).toBe(true);
      expect(s.projector.minPosition()).toBe(position);
      const lag = await s.projector.lag();
      expect(lag).toMatchObject({ headPosition: String(position), maxBehind: '0' });
      expect(lag.projections.map((p) => [p.name, p.status, p.behind])).toContainEqual(['dashboard', 'live', '0']);
    });

    it('with lingerMs, applies a stream of appends in few transactions, yet answers a waiting reader at once', async () => {
      const batches: number[] = [];
      // A linger far longer than the wait below: the reader is answered only if it cuts the linger short.
      s = await setup(backend, { pollIntervalMs: 60_000, lingerMs: 600_000, onBatchCommitted: (b) => void batches.push(b.events) });
      await s.projector.start();
      // Ten appends: the first batch is applied at once, the rest pile up while the projector lingers.
      for (let i = 0; i < 10; i++) await s.world.episode(`L${i}`, start(`L${i}`), T1);
      const head = await s.store.headPosition();
      expect(await s.projector.waitFor(head, 20_000)).toBe(true);
      expect(batches.length).toBeGreaterThanOrEqual(1);
      expect(batches.length).toBeLessThanOrEqual(2);
      expect(batches.reduce((n, b) => n + b, 0)).toBe(Number(head));
      expect((await queryDashboard(s.db, { unitId: U1 })).episodes).toHaveLength(10);
    });

    it('falls back to polling when no signal comes', async () => {
      s = await setup(backend, { pollIntervalMs: 20 });
      const store = s.store;
      const quiet: EventStore = {
        appendToStream: (id, events, options) => store.appendToStream(id, events, options),
        readStream: (id, options) => store.readStream(id, options),
        readAll: (options) => store.readAll(options),
        headPosition: () => store.headPosition(),
        onAppended: () => () => undefined,
        close: async () => undefined,
      };
      const projector = new Projector({ store: quiet, db: s.db, projections: ALL_PROJECTIONS, pollIntervalMs: 20 });
      await projector.start();
      const outcome = await s.world.episode('A', start('A'), T1);
      expect(outcome.ok && (await projector.waitFor(outcome.records[0].position, 3000))).toBe(true);
      await projector.stop();
    });

    it('advances every checkpoint over events a projection does not handle', async () => {
      s = await setup(backend);
      const from = new Date(s.world.now).toISOString();
      const to = new Date(s.world.now + 86_400_000).toISOString();
      await s.world.unit(U1, { type: 'PublishAbsenceNotice', data: { unitId: U1, noticeId: 'n', from, to, text: 'Stängt' } }, adminOf(U1));
      await s.projector.catchUp();
      for (const p of ALL_PROJECTIONS) expect(s.projector.position(p.name)).toBe(1n);
      expect((await dumpTables(s.db, [dashboardProjection])).dashboard_episodes).toEqual([]);
    });

    it('resumes from the stored checkpoint without applying anything twice', async () => {
      s = await setup(backend);
      const counts = counting();
      const first = new Projector({ store: s.store, db: s.db, projections: [counts], batchSize: 2 });
      await someHistory(s);
      await first.catchUp();
      const before = await dumpTables(s.db, [counts]);
      const again = new Projector({ store: s.store, db: s.db, projections: [counts], batchSize: 2 });
      await again.catchUp();
      expect(await dumpTables(s.db, [counts])).toEqual(before);
      // The first projector's memory is stale after `again` moves on: it must follow, not re-apply.
      await someHistory(s, 1, 'F');
      await again.catchUp();
      await first.catchUp();
      const rows = (await dumpTables(s.db, [counts])).test_counts as { type: string; n: number }[];
      expect(Object.fromEntries(rows.map((r) => [r.type, r.n]))).toMatchObject({ AssignmentStarted: 4, MessageSent: 4 });
    });

    it('lifts stored events with the injected upcaster before any projection sees them', async () => {
      s = await setup(backend);
      await s.world.episode('A', start('A'), T1);
      const upcast = (e: RecordedEvent): RecordedEvent =>
        e.type === 'AssignmentStarted' ? { ...e, data: { ...e.data, therapistId: 'SE-UPCAST' } } : e;
      const projector = new Projector({ store: s.store, db: s.db, projections: [dashboardProjection], upcast });
      await projector.catchUp();
      expect((await queryDashboard(s.db, { unitId: U1 })).episodes[0].therapistId).toBe('SE-UPCAST');
    });

    it('keeps the others going while one projection fails, and retries it', async () => {
      s = await setup(backend);
      const counts = counting();
      counts.failing = true;
      const logger = { warn: jest.fn() };
      const projector = new Projector({ store: s.store, db: s.db, projections: [dashboardProjection, counts], retryDelayMs: 10, logger });
      await someHistory(s);
      await projector.catchUp();
      const head = await s.store.headPosition();
      expect(projector.position('dashboard')).toBe(head);
      expect(projector.position('counts')).toBeLessThan(head);
      const lag = await projector.lag();
      expect(lag.projections.find((p) => p.name === 'counts')).toMatchObject({ status: 'failed', lastError: 'counts: boom' });
      expect(logger.warn).toHaveBeenCalled();
      counts.failing = false;
      await new Promise((r) => setTimeout(r, 20));
      await projector.catchUp();
      expect(projector.position('counts')).toBe(head);
      expect((await projector.lag()).projections.every((p) => p.status === 'live')).toBe(true);
    });

    it('starts a projection over from zero when its version changes', async () => {
      s = await setup(backend);
      await someHistory(s);
      await s.projector.catchUp();
      const before = await dumpTables(s.db, [dashboardProjection]);
      const bumped = { ...dashboardProjection, version: dashboardProjection.version + 1 };
      const projector = new Projector({ store: s.store, db: s.db, projections: [bumped] });
      await projector.init();
      expect(projector.position('dashboard')).toBe(0n);
      expect((await dumpTables(s.db, [dashboardProjection])).dashboard_episodes).toEqual([]);
      await projector.catchUp();
      expect(await dumpTables(s.db, [dashboardProjection])).toEqual(before);
    });

    it('rebuilds into fresh tables and swaps them in, with progress, while the live projector runs', async () => {
      s = await setup(backend, { batchSize: 3 });
      await someHistory(s, 5);
      await s.projector.start();
      const progress: [number, number, number, number][] = [];
      const appending = someHistory(s, 2, 'F'); // appends during the rebuild
      const result = await s.projector.rebuild('all', { batchSize: 4, maxCachedRows: 10, onProgress: (...a) => progress.push(a) });
      await appending;
      expect(result.projections).toEqual(ALL_PROJECTIONS.map((p) => p.name));
      expect(progress.length).toBeGreaterThan(1);
      const [done, total, eps, eta] = progress[progress.length - 1];
      expect(done).toBe(total);
      expect(eps).toBeGreaterThan(0);
      expect(eta).toBe(0);
      expect(await s.projector.waitFor(await s.store.headPosition(), 5000)).toBe(true);
      const rebuilt = await dumpTables(s.db);
      await s.projector.stop();

      const clean = await setup(backend as Backend);
      try {
        const copy = new Projector({ store: s.store, db: clean.db, projections: ALL_PROJECTIONS });
        await copy.catchUp();
        expect(rebuilt).toEqual(await dumpTables(clean.db));
      } finally {
        await clean.close();
      }
      await expect(s.projector.rebuild('nope')).rejects.toThrow('no projection nope');
    });
  });
}
