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
function migrations(t: PostgresTables, lockKey: number): string[] {
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
    appendFunctionSql(t, lockKey),
  ];
}

/** The lock every append of a schema takes (with advisoryKey(schema)): appends commit one at a time. */
export const APPEND_LOCK = 0x45530002;

/**
 * Version 2: a group of appends in one statement, so one round trip (see postgres-statements.ts).
 * It takes the append lock, reads the streams' revisions and the head, judges each member
 * (one caller's append, of one or several streams) in order against the revisions as the
 * members before it left them, writes the accepted events with gapless positions and the
 * streams' new revisions, NOTIFYs the new head, and answers one row per member's stream
 * (accepted, with its revision before and first position) or per refused member (the first
 * stream not as expected, with its actual revision). Each statement inside sees a fresh
 * snapshot (READ COMMITTED, volatile), so the reads after the lock see the append before.
 */
function appendFunctionSql(t: PostgresTables, lockKey: number): string {
  return `CREATE FUNCTION ${t.schema}.append_group(
      a_member int[], a_stream text[], a_expected text[], a_count int[],
      e_id text[], e_type text[], e_version int[], e_data text[], e_metadata text[], channel text)
    RETURNS TABLE (member int, stream text, accepted boolean, actual int, first_position bigint, recorded_at timestamptz)
    LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      n int := coalesce(array_length(a_member, 1), 0);
      revs jsonb;
      now_ts timestamptz;
      next_pos bigint;
      offs int[] := '{}';
      ins_pos bigint[] := '{}'; ins_event int[] := '{}'; ins_stream text[] := '{}'; ins_rev int[] := '{}';
      touched text[] := '{}';
      i int := 1; j int; k int; e int; cur int; off int := 1; ok boolean; bad int;
    BEGIN
      PERFORM pg_advisory_xact_lock(${APPEND_LOCK}, ${lockKey});
      SELECT coalesce(jsonb_object_agg(s.stream_id, s.revision), '{}'::jsonb) INTO revs
        FROM ${t.streams} s WHERE s.stream_id = ANY(a_stream);
      SELECT coalesce(max(position), 0) + 1 INTO next_pos FROM ${t.events};
      now_ts := date_trunc('milliseconds', clock_timestamp());
      FOR k IN 1..n LOOP
        offs := offs || off;
        off := off + a_count[k];
      END LOOP;
      WHILE i <= n LOOP
        j := i;
        WHILE j < n AND a_member[j + 1] = a_member[i] LOOP j := j + 1; END LOOP;
        ok := true;
        FOR k IN i..j LOOP
          cur := coalesce((revs ->> a_stream[k])::int, -1);
          IF NOT (a_expected[k] = 'any' OR (a_expected[k] = 'no_stream' AND cur = -1)
                  OR (a_expected[k] = 'stream_exists' AND cur >= 0)
                  OR (a_expected[k] ~ '^-?[0-9]+$' AND a_expected[k]::int = cur)) THEN
            ok := false; bad := k; EXIT;
          END IF;
        END LOOP;
        IF ok THEN
          FOR k IN i..j LOOP
            cur := coalesce((revs ->> a_stream[k])::int, -1);
            member := a_member[k]; stream := a_stream[k]; accepted := true; actual := cur;
            first_position := next_pos; recorded_at := now_ts;
            RETURN NEXT;
            FOR e IN 0..a_count[k] - 1 LOOP
              ins_pos := ins_pos || (next_pos + e); ins_event := ins_event || (offs[k] + e);
              ins_stream := ins_stream || a_stream[k]; ins_rev := ins_rev || (cur + 1 + e);
            END LOOP;
            next_pos := next_pos + a_count[k];
            revs := jsonb_set(revs, ARRAY[a_stream[k]], to_jsonb(cur + a_count[k]));
            touched := touched || a_stream[k];
          END LOOP;
        ELSE
          member := a_member[bad]; stream := a_stream[bad]; accepted := false;
          actual := coalesce((revs ->> a_stream[bad])::int, -1); first_position := NULL; recorded_at := now_ts;
          RETURN NEXT;
        END IF;
        i := j + 1;
      END LOOP;
      IF coalesce(array_length(ins_pos, 1), 0) > 0 THEN
        INSERT INTO ${t.events} (position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at)
          SELECT u.p, e_id[u.x], u.s, u.r, e_type[u.x], e_version[u.x], e_data[u.x]::json, e_metadata[u.x]::json, now_ts
          FROM unnest(ins_pos, ins_event, ins_stream, ins_rev) AS u(p, x, s, r);
        INSERT INTO ${t.streams} (stream_id, revision)
          SELECT r.key, r.value::int FROM jsonb_each_text(revs) AS r WHERE r.key = ANY(touched)
          ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision;
        PERFORM pg_notify(channel, (next_pos - 1)::text); -- delivered at commit, carrying the new head
      END IF;
    END
    $fn$;`;
}

/**
 * Bring the schema up to date in one transaction, under an advisory lock: two processes
 * starting at once take turns, and the second finds the work done.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<void> {
  const t = postgresTables(schema);
  const steps = migrations(t, advisoryKey(schema));
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
