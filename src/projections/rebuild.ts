// Rebuild: replay the whole log into fresh tables (`<table>__rebuild`) while the live tables
// keep serving, then swap them in with the checkpoint in one transaction. The fresh tables
// start empty, so the row cache needs no reads until it grows past `maxCachedRows` and is
// written out; secondary indexes are built once, after the bulk load, at the swap.
import type { ReadModelDb } from './read-model-schema';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import { RowSession } from './row-cache';
import { createIndexSqls, createTableSql, dropTableSql, renameTableSqls, run, type SqlTarget } from './sql';
import { withWriteTransaction, writeCheckpoints } from './checkpoints';

export const REBUILD_SUFFIX = '__rebuild';

/** done and total are global positions (the event count, for a gapless log). */
export type RebuildProgress = (done: number, total: number, eventsPerSecond: number, etaSeconds: number) => void;

export interface RebuildOptions {
  /** Events per read (default 5000). */
  readonly batchSize?: number;
  readonly onProgress?: RebuildProgress;
  /** Cached rows (all projections) before they are written out and dropped (default 50,000). */
  readonly maxCachedRows?: number;
  /**
   * Asked after each batch: true writes the cached rows out and drops them early, so the
   * cache gives way when the heap nears its budget (rows holding long texts), whatever
   * their number. See rebuild-in-worker.ts, which runs a rebuild under a heap limit.
   */
  readonly heapPressure?: () => boolean;
}

export interface RebuildResult {
  readonly projections: readonly string[];
  /** The checkpoint the rebuilt projections start live from. */
  readonly position: bigint;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export interface RebuildInput extends RebuildOptions {
  readonly store: EventStore;
  readonly db: ReadModelDb;
  readonly target: SqlTarget;
  readonly projections: readonly Projection[];
  readonly upcast?: (event: RecordedEvent) => RecordedEvent;
  /** Runs the swap exclusively with the live projector's batches. */
  readonly exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
}

export async function rebuildProjections(input: RebuildInput): Promise<RebuildResult> {
  const { store, db, target: t, projections, upcast, onProgress } = input;
  const batchSize = input.batchSize ?? 5000;
  // Decoded rows held before they are written out: with 50,000 a 1M-event rebuild needs about
  // 110 MB of live heap, and flushing more often than that costs speed (docs/benchmarks.md).
  const maxCachedRows = input.maxCachedRows ?? 50_000;
  const exclusive = input.exclusive ?? (<T>(fn: () => Promise<T>) => fn());
  const fresh = (name: string) => name + REBUILD_SUFFIX;

  await withWriteTransaction(db, t, async (trx) => {
    for (const p of projections)
      for (const spec of p.tables) {
        await run(trx, t, dropTableSql(t, fresh(spec.name)));
        await run(trx, t, createTableSql(t, spec, fresh(spec.name)));
      }
  });
  const sessions = projections.map((p) => new RowSession(t, p.tables, fresh, db, true));
  const started = Date.now();
  const total = Number(await store.headPosition());
  let position = 0n;
  let events = 0;

  const applyBatch = async (raw: readonly RecordedEvent[], via: ReadModelDb) => {
    const batch = upcast ? raw.map(upcast) : raw;
    for (let i = 0; i < projections.length; i++) {
      const p = projections[i];
      const mine = batch.filter((e) => p.handles(e.type));
      if (mine.length === 0) continue;
      sessions[i].db = via;
      await p.apply(mine, sessions[i]);
    }
    position = batch[batch.length - 1].position;
    events += batch.length;
  };

  try {
    for await (const batch of store.readAll({ after: 0n, batchSize })) {
      await applyBatch(batch, db);
      const cached = sessions.reduce((n, s) => n + s.cachedRows, 0);
      if (cached > maxCachedRows || (cached > 0 && input.heapPressure?.() === true)) {
        await withWriteTransaction(db, t, async (trx) => {
          for (const s of sessions) await s.flush(trx);
        });
        for (const s of sessions) s.evict();
      }
      if (onProgress) {
        const seconds = (Date.now() - started) / 1000;
        const rate = seconds > 0 ? events / seconds : 0;
        const done = Math.min(Number(position), Math.max(total, Number(position)));
        onProgress(done, Math.max(total, done), rate, rate > 0 ? Math.max(0, total - done) / rate : 0);
      }
    }

    await exclusive(() =>
      withWriteTransaction(db, t, async (trx) => {
        // Events appended while the bulk load ran, then rows, swap and checkpoint at once.
        for await (const batch of store.readAll({ after: position, batchSize })) await applyBatch(batch, trx);
        for (const s of sessions) await s.flush(trx);
        for (const p of projections)
          for (const spec of p.tables) {
            await run(trx, t, dropTableSql(t, spec.name));
            for (const statement of renameTableSqls(t, spec, fresh(spec.name))) await run(trx, t, statement);
            for (const statement of createIndexSqls(t, spec)) await run(trx, t, statement);
          }
        await writeCheckpoints(trx, projections.map((p) => ({ name: p.name, version: p.version, position })));
      }),
    );
  } catch (error) {
    await dropFresh(db, t, projections).catch(() => undefined);
    throw error;
  }
  const seconds = (Date.now() - started) / 1000;
  const final = Math.max(total, Number(position));
  onProgress?.(Number(position), final, seconds > 0 ? events / seconds : 0, 0);
  return { projections: projections.map((p) => p.name), position, events, seconds, eventsPerSecond: seconds > 0 ? events / seconds : 0 };
}

async function dropFresh(db: ReadModelDb, t: SqlTarget, projections: readonly Projection[]): Promise<void> {
  await withWriteTransaction(db, t, async (trx) => {
    for (const p of projections) for (const spec of p.tables) await run(trx, t, dropTableSql(t, spec.name + REBUILD_SUFFIX));
  });
}
