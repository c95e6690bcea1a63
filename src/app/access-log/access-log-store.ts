// The PDL access log (Patientdatalagen 4 kap. 3 §): who read which patient's data, when,
// from which unit, through which endpoint. Append-only and tamper-evident: each record
// carries the hash of the one before, so an edited, removed or reordered record breaks the
// chain. There is no delete path; records are kept at least 5 years.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import type { Pool } from 'pg';
import { ensureSchemaObjects } from '../pg-ddl';

export interface AccessInput {
  readonly at: string;
  readonly actorId: string;
  readonly actorName: string | null;
  readonly role: string;
  /** The unit the actor acted for (null for auditors and reporting). */
  readonly actorUnitId: string | null;
  /** e.g. "read", "export". */
  readonly action: string;
  /** Route pattern, e.g. "GET /episodes/:id/timeline". Never the raw URL. */
  readonly endpoint: string;
  readonly episodeId: string | null;
  /** Keyed hash of the personnummer (never the number itself); null if erased. */
  readonly patientKey: string | null;
  /** The unit whose patient it is. */
  readonly patientUnitId: string | null;
}

export interface AccessRecord extends AccessInput {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AccessFilter {
  readonly patientKey?: string;
  readonly actorId?: string;
  readonly unitId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly afterSeq?: number;
  readonly limit?: number;
}

export const GENESIS = '0'.repeat(64);

export function hashRecord(seq: number, r: AccessInput, prevHash: string): string {
  const canonical = JSON.stringify([seq, r.at, r.actorId, r.actorName, r.role, r.actorUnitId, r.action, r.endpoint, r.episodeId, r.patientKey, r.patientUnitId, prevHash]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface AccessLogStore {
  append(records: readonly AccessInput[]): Promise<void>;
  query(filter: AccessFilter): Promise<AccessRecord[]>;
  /** Every record in sequence order, in pages (for verification). */
  scan(afterSeq: number, limit: number): Promise<AccessRecord[]>;
  /** Take the write lock and write a row, then roll back: throws when the log cannot be written. */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

/** The row a write probe inserts and rolls back (seq 0 is never a record's). */
const PROBE = [0, '1970-01-01T00:00:00.000Z', 'probe', null, 'probe', null, 'probe', 'probe', null, null, null, 'probe', 'probe'] as const;

const COLUMNS = 'seq, at, actor_id, actor_name, role, actor_unit_id, action, endpoint, episode_id, patient_key, patient_unit_id, prev_hash, hash';
const DDL = (t: string) => `CREATE TABLE IF NOT EXISTS ${t} (
  seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT, role TEXT NOT NULL,
  actor_unit_id TEXT, action TEXT NOT NULL, endpoint TEXT NOT NULL, episode_id TEXT, patient_key TEXT,
  patient_unit_id TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`;

interface Row {
  seq: number | string | bigint;
  at: string;
  actor_id: string;
  actor_name: string | null;
  role: string;
  actor_unit_id: string | null;
  action: string;
  endpoint: string;
  episode_id: string | null;
  patient_key: string | null;
  patient_unit_id: string | null;
  prev_hash: string;
  hash: string;
}
const fromRow = (r: Row): AccessRecord => ({
  seq: Number(r.seq), at: r.at, actorId: r.actor_id, actorName: r.actor_name, role: r.role, actorUnitId: r.actor_unit_id,
  action: r.action, endpoint: r.endpoint, episodeId: r.episode_id, patientKey: r.patient_key, patientUnitId: r.patient_unit_id,
  prevHash: r.prev_hash, hash: r.hash,
});

function where(f: AccessFilter, param: (i: number) => string): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    clauses.push(sql.replace('?', param(params.length)));
  };
  if (f.patientKey) add('patient_key = ?', f.patientKey);
  if (f.actorId) add('actor_id = ?', f.actorId);
  if (f.unitId) {
    params.push(f.unitId, f.unitId);
    clauses.push(`(actor_unit_id = ${param(params.length - 1)} OR patient_unit_id = ${param(params.length)})`);
  }
  if (f.from) add('at >= ?', f.from);
  if (f.to) add('at <= ?', f.to);
  if (f.afterSeq !== undefined) add('seq > ?', f.afterSeq);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export class SqliteAccessLogStore implements AccessLogStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file, { timeout: 5000 });
    if (file !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = FULL');
    this.db.exec(DDL('access_log'));
    this.db.exec('CREATE INDEX IF NOT EXISTS access_log_patient ON access_log (patient_key, seq)');
    this.db.exec('CREATE INDEX IF NOT EXISTS access_log_actor ON access_log (actor_id, seq)');
  }

  async probeWrite() {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.prepare(`INSERT INTO access_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...PROBE);
    } finally {
      this.db.exec('ROLLBACK');
    }
  }

  async append(records: readonly AccessInput[]) {
    if (records.length === 0) return;
    // BEGIN IMMEDIATE: the chain's head is read and extended under the write lock.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const head = this.db.prepare('SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1').all()[0] as { seq: number; hash: string } | undefined;
      let seq = head ? Number(head.seq) : 0;
      let prev = head?.hash ?? GENESIS;
      const insert = this.db.prepare(`INSERT INTO access_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const r of records) {
        seq += 1;
        const hash = hashRecord(seq, r, prev);
        insert.run(seq, r.at, r.actorId, r.actorName, r.role, r.actorUnitId, r.action, r.endpoint, r.episodeId, r.patientKey, r.patientUnitId, prev, hash);
        prev = hash;
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async query(f: AccessFilter) {
    const w = where(f, () => '?');
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM access_log ${w.sql} ORDER BY seq LIMIT ${Math.min(f.limit ?? 500, 5000)}`).all(...w.params) as Row[];
    return rows.map(fromRow);
  }

  async scan(afterSeq: number, limit: number) {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM access_log WHERE seq > ? ORDER BY seq LIMIT ?`).all(afterSeq, limit) as Row[]).map(fromRow);
  }

  /** For tests of tamper evidence only: the raw connection. */
  get database() {
    return this.db;
  }

  async close() {
    this.db.close();
  }
}

export class PostgresAccessLogStore implements AccessLogStore {
  private readonly table: string;
  private readonly ready: () => Promise<void>;

  constructor(
    private readonly pool: Pool,
    schema = 'public',
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
    this.table = `${schema}.access_log`;
    this.ready = ensureSchemaObjects(
      pool,
      schema,
      `CREATE SCHEMA IF NOT EXISTS ${schema}; ${DDL(this.table)};
      CREATE INDEX IF NOT EXISTS access_log_patient ON ${this.table} (patient_key, seq);
      CREATE INDEX IF NOT EXISTS access_log_actor ON ${this.table} (actor_id, seq);`,
    );
  }

  async probeWrite() {
    await this.ready();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Not the chain's lock: a probe must not wait behind (or hold up) a real write.
      await client.query(`INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, [...PROBE]);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async append(records: readonly AccessInput[]) {
    if (records.length === 0) return;
    await this.ready();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One writer of the chain at a time, across processes.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [this.table]);
      const head = (await client.query(`SELECT seq, hash FROM ${this.table} ORDER BY seq DESC LIMIT 1`)).rows[0] as { seq: string; hash: string } | undefined;
      let seq = head ? Number(head.seq) : 0;
      let prev = head?.hash ?? GENESIS;
      for (const r of records) {
        seq += 1;
        const hash = hashRecord(seq, r, prev);
        await client.query(`INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, [
          seq, r.at, r.actorId, r.actorName, r.role, r.actorUnitId, r.action, r.endpoint, r.episodeId, r.patientKey, r.patientUnitId, prev, hash,
        ]);
        prev = hash;
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async query(f: AccessFilter) {
    await this.ready();
    const w = where(f, (i) => `$${i}`);
    const rows = (await this.pool.query(`SELECT ${COLUMNS} FROM ${this.table} ${w.sql} ORDER BY seq LIMIT ${Math.min(f.limit ?? 500, 5000)}`, w.params)).rows as Row[];
    return rows.map(fromRow);
  }

  async scan(afterSeq: number, limit: number) {
    await this.ready();
    return ((await this.pool.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit])).rows as Row[]).map(fromRow);
  }

  async close() {
    /* the pool belongs to the caller */
  }
}

export interface VerifyProblem {
  readonly seq: number;
  readonly problem: 'edited' | 'removed' | 'reordered';
  readonly detail: string;
}

export interface VerifyResult {
  readonly records: number;
  readonly problems: VerifyProblem[];
  /** The last record: a log review writes it down, so that a later removal at the end shows. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
}

/** Moves are local in practice: look this far for the place a record was written at. */
const MOVE_WINDOW = 1000;

/** The sequence number a record's hash was made with, if it now sits elsewhere. */
function writtenAt(r: AccessRecord): number | null {
  for (let d = 1; d <= MOVE_WINDOW; d++)
    for (const s of [r.seq - d, r.seq + d]) if (s >= 1 && hashRecord(s, r, r.prevHash) === r.hash) return s;
  return null;
}

/**
 * Walk the chain in order and name every record that was edited, removed or reordered:
 * - edited: its content no longer matches its hash, or (when the hash was recomputed) the
 *   next record still names the earlier hash;
 * - reordered: its hash is right for another place in the sequence;
 * - removed: records are missing before it (a gap, or the later records were renumbered).
 * A removal at the very end leaves no trace in the chain: compare with the head a review wrote down.
 */
export async function verifyAccessLog(store: AccessLogStore, pageSize = 5000): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [];
  let prev: AccessRecord | null = null;
  let prevFlagged = false;
  /** How far the records were renumbered (written as seq + shift), after a removal. */
  let shift = 0;
  let count = 0;
  for (let page = await store.scan(0, pageSize); page.length > 0; page = await store.scan(page[page.length - 1]!.seq, pageSize)) {
    const hashes = new Set(page.map((r) => r.hash));
    for (const r of page) {
      count++;
      const expectedSeq = prev ? prev.seq + 1 : 1;
      const expectedPrev = prev ? prev.hash : GENESIS;
      let flagged = true;
      let nextShift = 0;
      if (hashRecord(r.seq, r, r.prevHash) !== r.hash) {
        const at = writtenAt(r);
        if (at === null) problems.push({ seq: r.seq, problem: 'edited', detail: 'its content does not match its hash' });
        else {
          nextShift = at - r.seq;
          const continuesRenumbering = shift > 0 && nextShift === shift && r.prevHash === expectedPrev;
          if (continuesRenumbering) {
            /* already reported at the first renumbered record */
          } else if (at > r.seq && !hashes.has(r.prevHash))
            problems.push({ seq: r.seq, problem: 'removed', detail: `${nextShift} record(s) before it were removed and the later ones renumbered (it was written as record ${at})` });
          else problems.push({ seq: r.seq, problem: 'reordered', detail: `it was written as record ${at}` });
        }
      } else if (r.seq !== expectedSeq) {
        const missing = r.seq - expectedSeq;
        problems.push({ seq: r.seq, problem: 'removed', detail: missing === 1 ? `record ${expectedSeq} before it is missing` : `records ${expectedSeq} to ${r.seq - 1} before it are missing` });
      } else if (r.prevHash !== expectedPrev && !prevFlagged) {
        if (prev) problems.push({ seq: prev.seq, problem: 'edited', detail: `its hash was recomputed: record ${r.seq} still names the earlier one` });
        else problems.push({ seq: r.seq, problem: 'removed', detail: 'the records before it are missing (it does not start the chain)' });
      } else flagged = false;
      prev = r;
      prevFlagged = flagged;
      shift = nextShift;
    }
  }
  return { records: count, problems, head: prev ? { seq: prev.seq, hash: prev.hash } : null };
}
