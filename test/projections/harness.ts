// Read-model backends for the projection tests (SQLite always; PostgreSQL when DATABASE_URL
// is set, each read model in a fresh schema), a store + world + projector setup, and table
// dumps for comparing two read models row by row.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import type { EventStore } from '../../src/event-store/event-store';
import type { Projection } from '../../src/projections/projection';
import { createReadModelDb, readModelDbInfo } from '../../src/projections/read-model-db';
import type { ReadModelDb } from '../../src/projections/read-model-schema';
import { Projector, type ProjectorOptions } from '../../src/projections/projector';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { decodeRow } from '../../src/projections/row-cache';
import { qualify, quoteId, run } from '../../src/projections/sql';
import { World } from './world';

export interface ReadModel {
  readonly db: ReadModelDb;
  cleanup(): Promise<void>;
}

export interface Backend {
  readonly name: string;
  readonly available: boolean;
  create(): Promise<ReadModel>;
}

export const sqliteBackend: Backend = {
  name: 'SQLite',
  available: true,
  async create() {
    const db = createReadModelDb({ kind: 'sqlite', file: ':memory:' });
    return { db, cleanup: () => db.destroy() };
  },
};

const DATABASE_URL = process.env.DATABASE_URL;
let sharedPool: Pool | undefined;

/** A fresh schema per read model, dropped at cleanup; the pool is shared by the test file. */
export const postgresBackend: Backend = {
  name: 'PostgreSQL',
  available: Boolean(DATABASE_URL),
  async create() {
    sharedPool ??= new Pool({ connectionString: DATABASE_URL, max: 6 });
    const pool = sharedPool;
    const schema = `proj_test_${randomBytes(5).toString('hex')}`;
    const db = createReadModelDb({ kind: 'postgres', pool, schema });
    return {
      db,
      cleanup: async () => {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await db.destroy();
      },
    };
  },
};

export async function closeSharedPool(): Promise<void> {
  await sharedPool?.end();
  sharedPool = undefined;
}

/** The backends to run: PostgreSQL is listed only when DATABASE_URL names a server. */
export const BACKENDS: readonly Backend[] = [sqliteBackend, postgresBackend];

export interface Setup {
  readonly store: EventStore;
  readonly world: World;
  readonly db: ReadModelDb;
  readonly projector: Projector;
  close(): Promise<void>;
}

export async function setup(backend: Backend, options: Partial<ProjectorOptions> = {}): Promise<Setup> {
  const store = new SqliteEventStore(':memory:');
  const model = await backend.create();
  const projector = new Projector({ store, db: model.db, projections: ALL_PROJECTIONS, pollIntervalMs: 50, ...options });
  await projector.init();
  return {
    store,
    world: new World(store),
    db: model.db,
    projector,
    close: async () => {
      await projector.stop();
      await model.cleanup();
      await store.close();
    },
  };
}

/** Every table of the projections (the app's and a test's own), rows decoded and ordered by key. */
export async function dumpTables(db: ReadModelDb, projections: readonly Projection[] = ALL_PROJECTIONS): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const target = readModelDbInfo(db);
  for (const p of projections)
    for (const spec of p.tables) {
      const rows = await run(db, target, `SELECT * FROM ${qualify(target, spec.name)} ORDER BY ${quoteId(spec.key)}`);
      out[spec.name] = rows.map((r) => decodeRow(spec, r));
    }
  return out;
}
