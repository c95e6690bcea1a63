// Checkpoints (one row per projection: version and the last global position applied) and
// the write transaction every projector write goes through. The checkpoint is read and
// written inside the same transaction as the rows, so a batch takes effect exactly once:
// a crash before COMMIT loses rows and checkpoint together, and a checkpoint moved by
// someone else (a rebuild in another process) is noticed before anything is applied.
import type { ReadModelDb } from './read-model-schema';
import { qualify, quoteId, run, type SqlTarget } from './sql';

export const CHECKPOINT_TABLE = 'projection_checkpoints';

export interface Checkpoint {
  readonly name: string;
  readonly version: number;
  readonly position: bigint;
}

export async function ensureCheckpointTable(db: ReadModelDb, t: SqlTarget): Promise<void> {
  if (t.dialect === 'postgres' && t.schema) await run(db, t, `CREATE SCHEMA IF NOT EXISTS ${quoteId(t.schema)}`);
  const position = t.dialect === 'postgres' ? 'bigint' : 'INTEGER';
  await run(
    db,
    t,
    `CREATE TABLE IF NOT EXISTS ${qualify(t, CHECKPOINT_TABLE)} (name TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, ` +
      `position ${position} NOT NULL, updated_at TEXT NOT NULL)`,
  );
}

/** Checkpoints of these projections; on PostgreSQL the rows stay locked until the transaction ends. */
export async function readCheckpoints(db: ReadModelDb, t: SqlTarget, names: readonly string[], lock = false): Promise<Map<string, Checkpoint>> {
  const out = new Map<string, Checkpoint>();
  if (names.length === 0) return out;
  let q = db.selectFrom(CHECKPOINT_TABLE).select(['name', 'version', 'position']).where('name', 'in', [...names]);
  // In name order, so that two processes locking the same checkpoints cannot deadlock.
  if (lock && t.dialect === 'postgres') q = q.orderBy('name').forUpdate();
  for (const r of await q.execute()) out.set(r.name, { name: r.name, version: Number(r.version), position: BigInt(r.position) });
  return out;
}

export async function writeCheckpoints(db: ReadModelDb, checkpoints: readonly Checkpoint[]): Promise<void> {
  if (checkpoints.length === 0) return;
  const updatedAt = new Date().toISOString();
  await db
    .insertInto(CHECKPOINT_TABLE)
    .values(checkpoints.map((c) => ({ name: c.name, version: c.version, position: positionParam(c.position), updated_at: updatedAt })))
    .onConflict((oc) =>
      oc.column('name').doUpdateSet((eb) => ({
        version: eb.ref('excluded.version'),
        position: eb.ref('excluded.position'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Positions go to the driver as numbers (exact below 2^53) or, beyond, as decimal text. */
export const positionParam = (p: bigint): number | string => (p <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(p) : p.toString());

/**
 * Run `fn` in a write transaction. On SQLite it is BEGIN IMMEDIATE: the write lock is taken
 * up front, so two writers (the API's projector and a rebuild CLI) queue on busy_timeout
 * instead of failing with SQLITE_BUSY when a deferred transaction tries to upgrade.
 */
export async function withWriteTransaction<T>(db: ReadModelDb, t: SqlTarget, fn: (trx: ReadModelDb) => Promise<T>): Promise<T> {
  if (t.dialect === 'postgres') return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await run(conn, t, 'BEGIN IMMEDIATE');
    try {
      const result = await fn(conn);
      await run(conn, t, 'COMMIT');
      return result;
    } catch (error) {
      try {
        await run(conn, t, 'ROLLBACK');
      } catch {
        // SQLite may already have rolled back (e.g. on SQLITE_FULL): nothing left to undo.
      }
      throw error;
    }
  });
}
