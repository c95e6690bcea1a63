// Properties over random histories made by the real deciders (see history.ts).
import fc from 'fast-check';
import type { ReadModelDb } from '../../src/projections/read-model-schema';
import type { RecordedEvent } from '../../src/event-store/event-store';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { Projector } from '../../src/projections/projector';
import { readModelDbInfo } from '../../src/projections/read-model-db';
import { RowSession } from '../../src/projections/row-cache';
import { withWriteTransaction } from '../../src/projections/checkpoints';
import { queryEpisodeProgress } from '../../src/projections/episode-progress';
import { queryDashboard } from '../../src/projections/dashboard';
import { queryLedger } from '../../src/projections/billing-ledger';
import { queryJournalObligations } from '../../src/projections/journal-obligations';
import { queryMessages } from '../../src/projections/messages';
import { unreadCount } from '../../src/domain/episode/state';
import { BACKENDS, closeSharedPool, dumpTables, setup, type Backend } from './harness';
import { historyArb, play } from './history';
import { UNITS, type World } from './world';

const runs = (backend: Backend, sqlite: number) => (backend.name === 'SQLite' ? sqlite : Math.max(3, sqlite >> 2));

async function readLog(world: World): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const batch of world.store.readAll({ batchSize: 1000 })) out.push(...batch);
  return out;
}

/** The read models against the episodes' own folded state (the domain is the oracle). */
async function agreesWithDomain(db: ReadModelDb, world: World): Promise<void> {
  let started = 0;
  for (const [id, { state, unitId }] of world.episodes) {
    if (state.status === 'none') continue;
    started++;
    const v = await queryEpisodeProgress(db, id);
    expect(v).toMatchObject({
      revision: state.revision,
      status: state.status,
      therapistId: state.therapistId,
      ordinaryTherapistId: state.absentTherapistId,
      accessUntil: state.accessUntil,
      messages: { count: state.messages.length, unread: unreadCount(state) },
      endedAt: state.endedAt,
      warnings: state.warnings,
    });
    expect(new Set(v?.modules.filter((m) => !m.visible).map((m) => m.moduleId))).toEqual(new Set(state.hiddenModules));
    for (const m of v?.modules ?? []) expect(m.partsDone.map((p) => p.partId).sort()).toEqual([...(state.completedParts[m.moduleId] ?? [])].sort());
    expect(v?.activityPlan?.schedule ?? null).toEqual(state.plan?.schedule ?? null);
    expect(v?.activityPlan?.reportedOccasions.map((r) => r.occasion) ?? []).toEqual(Object.keys(state.reports).sort());
    const messages = await queryMessages(db, id);
    expect(messages.conversations.flatMap((c) => c.messages).length).toBe(state.messages.length);
    expect(messages.unread).toBe(unreadCount(state));
    const trail = await queryJournalObligations(db, { episodeId: id });
    expect(Object.fromEntries(trail.map((o) => [o.obligationId, [o.status, o.corrections.count]]))).toEqual(
      Object.fromEntries(Object.entries(state.obligations).map(([k, o]) => [k, [o.recorded ? 'recorded' : 'outstanding', o.corrections]])),
    );
    const dashboard = await queryDashboard(db, { unitId, therapistId: state.therapistId ?? undefined });
    const row = dashboard.episodes.find((e) => e.episodeId === id);
    if (state.status === 'active') expect(row?.unreadMessages.count).toBe(unreadCount(state));
    else expect(row).toBeUndefined();
  }
  // Every assignment has exactly one fee line: charges + exemptions = assignments, per unit and overall.
  const all = await queryLedger(db);
  expect(all.totals.charges + all.totals.exemptions).toBe(started);
  expect(all.reconciliation).toEqual({ assignments: started, feeLines: started, balanced: true });
  for (const unitId of UNITS) expect((await queryLedger(db, { unitId })).reconciliation.balanced).toBe(true);
}

afterAll(closeSharedPool);

for (const backend of BACKENDS) {
  // PostgreSQL runs only when DATABASE_URL names a server (CI starts one); otherwise skipped.
  const suite = backend.available ? describe : describe.skip;
  suite(`projection properties (${backend.name})`, () => {
    // A rebuild from position zero yields exactly the tables built incrementally, batch by batch
    // (of any size, with appends in between), and both agree with the domain's folded state.
    it('rebuild equals the incremental read model, which agrees with the domain and reconciles', async () => {
      await fc.assert(
        fc.asyncProperty(
          historyArb(),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 25 }),
          fc.integer({ min: 1, max: 400 }),
          fc.integer({ min: 0, max: 60 }),
          fc.boolean(),
          async (steps, phases, batchSize, rebuildBatch, maxCachedRows, underPressure) => {
            const s = await setup(backend, { batchSize });
            try {
              const per = Math.ceil(steps.length / phases);
              for (let i = 0; i < steps.length; i += per) {
                await play(s.world, steps.slice(i, i + per));
                await s.projector.catchUp();
              }
              const incremental = await dumpTables(s.db);
              await agreesWithDomain(s.db, s.world);
              // Under heap pressure the row cache is written out and dropped after every batch.
              await s.projector.rebuild('all', { batchSize: rebuildBatch, maxCachedRows, ...(underPressure ? { heapPressure: () => true } : {}) });
              expect(await dumpTables(s.db)).toEqual(incremental);
            } finally {
              await s.close();
            }
          },
        ),
        { numRuns: runs(backend, 40) },
      );
    });

    // Re-applying any stretch of the log that was already applied changes no table: the
    // handlers are idempotent, as a read model beside an EventStoreDB log needs.
    it('every projection is idempotent under re-applied batches', async () => {
      await fc.assert(
        fc.asyncProperty(historyArb(6, 80), fc.integer({ min: 1, max: 30 }), fc.nat(), fc.nat(), async (steps, size, a, b) => {
          const s = await setup(backend);
          try {
            await play(s.world, steps);
            const log = await readLog(s.world);
            const info = readModelDbInfo(s.db);
            const apply = (events: readonly RecordedEvent[]) =>
              withWriteTransaction(s.db, info, async (trx) => {
                for (const p of ALL_PROJECTIONS) {
                  const session = new RowSession(info, p.tables, (n) => n, trx);
                  await p.apply(events.filter((e) => p.handles(e.type)), session);
                  await session.flush(trx);
                }
              });
            for (let i = 0; i < log.length; i += size) await apply(log.slice(i, i + size));
            const once = await dumpTables(s.db);
            const from = log.length ? a % log.length : 0;
            await apply(log.slice(from, from + 1 + (b % Math.max(1, log.length))));
            await apply(log);
            expect(await dumpTables(s.db)).toEqual(once);
            // ...and equals what the projector builds with checkpoints.
            const clean = await setup(backend);
            try {
              await new Projector({ store: s.store, db: clean.db, projections: ALL_PROJECTIONS }).catchUp();
              expect(await dumpTables(clean.db)).toEqual(once);
            } finally {
              await clean.close();
            }
          } finally {
            await s.close();
          }
        }),
        { numRuns: runs(backend, 25) },
      );
    });
  });
}
