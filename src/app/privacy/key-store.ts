// Per-patient data keys, wrapped by the master key, in a store that can really forget:
// destroying a patient's keys deletes the wrapped key bytes (SQLite with secure_delete,
// which overwrites freed pages). Tombstones remain so a destroyed key reads as "erased",
// not as "never existed". Keys live outside the append-only event log on purpose.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import type { Pool } from 'pg';
import { ensureSchemaObjects } from '../pg-ddl';

export interface StoredKey {
  readonly keyId: string;
  readonly patientRef: string;
  /** null once destroyed. */
  readonly wrapped: Buffer | null;
}

export interface KeyStore {
  /** The newest key of a patient that is not destroyed. */
  current(patientRef: string): Promise<StoredKey | undefined>;
  byId(keyId: string): Promise<StoredKey | undefined>;
  insert(key: { keyId: string; patientRef: string; wrapped: Buffer; createdAt: string }): Promise<void>;
  /** Destroy every key of the patient; returns how many were destroyed. */
  destroy(patientRef: string, at: string): Promise<number>;
  close(): Promise<void>;
}

interface KeyRow {
  key_id: string;
  patient_ref: string;
  wrapped: Buffer | Uint8Array | null;
}
const toStored = (r: KeyRow | undefined): StoredKey | undefined =>
  r ? { keyId: r.key_id, patientRef: r.patient_ref, wrapped: r.wrapped ? Buffer.from(r.wrapped) : null } : undefined;

export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.exec('PRAGMA secure_delete = ON');
    if (file !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS patient_keys (
      key_id TEXT PRIMARY KEY, patient_ref TEXT NOT NULL, wrapped BLOB, created_at TEXT NOT NULL, destroyed_at TEXT)`);
    this.db.exec('CREATE INDEX IF NOT EXISTS patient_keys_ref ON patient_keys (patient_ref, created_at)');
  }

  async current(patientRef: string) {
    const row = this.db
      .prepare('SELECT key_id, patient_ref, wrapped FROM patient_keys WHERE patient_ref = ? AND wrapped IS NOT NULL ORDER BY created_at DESC, key_id DESC LIMIT 1')
      .all(patientRef)[0] as KeyRow | undefined;
    return toStored(row);
  }

  async byId(keyId: string) {
    return toStored(this.db.prepare('SELECT key_id, patient_ref, wrapped FROM patient_keys WHERE key_id = ?').all(keyId)[0] as KeyRow | undefined);
  }

  async insert(k: { keyId: string; patientRef: string; wrapped: Buffer; createdAt: string }) {
    this.db.prepare('INSERT INTO patient_keys (key_id, patient_ref, wrapped, created_at) VALUES (?, ?, ?, ?)').run(k.keyId, k.patientRef, k.wrapped, k.createdAt);
  }

  async destroy(patientRef: string, at: string) {
    const result = this.db
      .prepare('UPDATE patient_keys SET wrapped = NULL, destroyed_at = ? WHERE patient_ref = ? AND wrapped IS NOT NULL')
      .run(at, patientRef);
    return Number(result.changes);
  }

  async close() {
    this.db.close();
  }
}

export class PostgresKeyStore implements KeyStore {
  private readonly ready: () => Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly schema = 'public',
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
    this.ready = ensureSchemaObjects(
      pool,
      schema,
      `CREATE SCHEMA IF NOT EXISTS ${schema};
       CREATE TABLE IF NOT EXISTS ${schema}.patient_keys (
         key_id TEXT PRIMARY KEY, patient_ref TEXT NOT NULL, wrapped BYTEA, created_at TEXT NOT NULL, destroyed_at TEXT);
       CREATE INDEX IF NOT EXISTS patient_keys_ref ON ${schema}.patient_keys (patient_ref, created_at);`,
    );
  }

  private async query(sql: string, params: unknown[]) {
    await this.ready();
    return this.pool.query(sql.replaceAll('patient_keys', `${this.schema}.patient_keys`), params);
  }

  async current(patientRef: string) {
    const r = await this.query('SELECT key_id, patient_ref, wrapped FROM patient_keys WHERE patient_ref = $1 AND wrapped IS NOT NULL ORDER BY created_at DESC, key_id DESC LIMIT 1', [patientRef]);
    return toStored(r.rows[0] as KeyRow | undefined);
  }

  async byId(keyId: string) {
    const r = await this.query('SELECT key_id, patient_ref, wrapped FROM patient_keys WHERE key_id = $1', [keyId]);
    return toStored(r.rows[0] as KeyRow | undefined);
  }

  async insert(k: { keyId: string; patientRef: string; wrapped: Buffer; createdAt: string }) {
    await this.query('INSERT INTO patient_keys (key_id, patient_ref, wrapped, created_at) VALUES ($1, $2, $3, $4)', [k.keyId, k.patientRef, k.wrapped, k.createdAt]);
  }

  async destroy(patientRef: string, at: string) {
    const r = await this.query('UPDATE patient_keys SET wrapped = NULL, destroyed_at = $1 WHERE patient_ref = $2 AND wrapped IS NOT NULL', [at, patientRef]);
    return r.rowCount ?? 0;
  }

  async close() {
    /* the pool belongs to the caller */
  }
}
