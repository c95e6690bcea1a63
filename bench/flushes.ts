// The disk's limit: durable commits per second, one after another, measured alone. With
// group commit, writes per second can exceed this only by sharing commits.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { Client } from 'pg';

/** SQLite, WAL, synchronous=FULL: one-row transactions for `seconds`. */
export function sqliteFlushesPerSecond(dir: string, seconds: number): number {
  const file = path.join(dir, 'flush-probe.db');
  const db = new Database(file);
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO probe (v) VALUES (?)');
    const begin = db.prepare('BEGIN IMMEDIATE');
    const commit = db.prepare('COMMIT');
    const end = Date.now() + seconds * 1000;
    let n = 0;
    const started = Date.now();
    while (Date.now() < end) {
      begin.run();
      insert.run('x');
      commit.run();
      n += 1;
    }
    return n / ((Date.now() - started) / 1000);
  } finally {
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}

/** PostgreSQL with its defaults (synchronous_commit=on): one-row autocommit inserts for `seconds`. */
export async function postgresFlushesPerSecond(databaseUrl: string, schema: string, seconds: number): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE "${schema}".flush_probe (id bigserial PRIMARY KEY, v text)`);
    const end = Date.now() + seconds * 1000;
    let n = 0;
    const started = Date.now();
    while (Date.now() < end) {
      await client.query({ name: 'probe', text: `INSERT INTO "${schema}".flush_probe (v) VALUES ($1)`, values: ['x'] });
      n += 1;
    }
    const rate = n / ((Date.now() - started) / 1000);
    await client.query(`DROP TABLE "${schema}".flush_probe`);
    return rate;
  } finally {
    await client.end();
  }
}
