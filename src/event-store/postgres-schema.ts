// The PostgreSQL event store's tables and their versioned migrations.

import { Pool } from 'pg';

export interface PostgresTables {
  /** Quoted, schema-qualified names, ready to put into SQL. */
  readonly events: string;
  readonly streams: string;
  readonly migrations: string;
  readonly schema: string;
}

// Lower-case, and short enough that `event_store:<schema>` stays a valid channel name
// (63 bytes). Names are put into SQL text, so nothing else is allowed.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

export function postgresTables(schema: string): PostgresTables {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`PostgreSQL event store: schema name must match ${SCHEMA_NAME}, got "${schema}"`);
  }
  const q = `"${schema}"`;
  return { schema: q, events: `${q}.events`, streams: `${q}.streams`, migrations: `${q}.event_store_migrations` };
}

/** A stable 32-bit key per schema for advisory locks (FNV-1a), so schemas do not block each other. */
export function advisoryKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(schema, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0; // as a signed int4
}

const MIGRATE_LOCK = 0x45530001;

/**
 * The one lock every DDL on a schema takes (event store, key store, access log, read
 * models): `CREATE SCHEMA/TABLE IF NOT EXISTS` run by two sessions at once can fail on
 * PostgreSQL's catalog indexes, so creators of one schema queue here.
 */
export const schemaDdlLockSql = (schema: string) => `SELECT pg_advisory_xact_lock(${MIGRATE_LOCK}, ${advisoryKey(schema)})`;

/**
 * Each entry upgrades the schema by one version; never edit one that has shipped.
 * data and metadata are `json`, not `jsonb`: stored as given (key order kept), cheaper to
 * write, and nothing queries inside them (the projections read through readAll).
 */
function migrations(t: PostgresTables): string[] {
  return [
    `CREATE TABLE ${t.events} (
       position BIGINT PRIMARY KEY,
       event_id TEXT NOT NULL UNIQUE,
       stream_id TEXT NOT NULL,
       revision INTEGER NOT NULL,
       type TEXT NOT NULL,
       schema_version INTEGER NOT NULL,
       data JSON NOT NULL,
       metadata JSON NOT NULL,
       recorded_at TIMESTAMPTZ NOT NULL,
       UNIQUE (stream_id, revision)
     );
     CREATE TABLE ${t.streams} (
       stream_id TEXT PRIMARY KEY,
       revision INTEGER NOT NULL
     );`,
  ];
}

/**
 * Bring the schema up to date in one transaction, under an advisory lock: two processes
 * starting at once take turns, and the second finds the work done.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<void> {
  const t = postgresTables(schema);
  const steps = migrations(t);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(schemaDdlLockSql(schema));
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT coalesce(max(version), 0) AS version FROM ${t.migrations}`);
    const current = rows[0].version;
    if (current > steps.length) {
      throw new Error(`PostgreSQL event store: schema ${schema} is at version ${current}, newer than this code (${steps.length})`);
    }
    for (let version = current + 1; version <= steps.length; version++) {
      await client.query(steps[version - 1]);
      await client.query(`INSERT INTO ${t.migrations} (version) VALUES ($1)`, [version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
