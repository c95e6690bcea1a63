// The readiness probe of the PDL access log writes a row under the write lock and rolls it
// back: it leaves the hash chain exactly as it was, and fails on a log that cannot be written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { randomBytes } from 'node:crypto';
import { PostgresAccessLogStore, SqliteAccessLogStore, verifyAccessLog, type AccessLogStore } from '../../src/app/access-log/access-log-store';

const record = { at: '2026-11-22T09:00:00.000Z', actorId: 'SE2321000131-T001', actorName: null, role: 'therapist', actorUnitId: 'SE2321000131-E001', action: 'read', endpoint: 'GET /episodes/:id', episodeId: null, patientKey: null, patientUnitId: null };

async function probesLeaveTheChain(log: AccessLogStore) {
  await log.append([record]);
  await log.probeWrite();
  await log.probeWrite();
  await log.append([record]);
  const all = await log.scan(0, 10);
  expect(all.map((r) => r.seq)).toEqual([1, 2]);
  expect(await verifyAccessLog(log)).toMatchObject({ records: 2, problems: [] });
}

it('SQLite: probes write nothing, and fail on a read-only log', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-probe-'));
  const file = path.join(dir, 'access-log.db');
  const log = new SqliteAccessLogStore(file);
  try {
    await probesLeaveTheChain(log);
  } finally {
    await log.close();
  }
  fs.chmodSync(file, 0o444);
  fs.chmodSync(dir, 0o555);
  const readOnly = new SqliteAccessLogStore(file);
  try {
    // root ignores file modes; the probe then proves only that it still writes nothing
    if (process.getuid?.() !== 0) await expect(readOnly.probeWrite()).rejects.toThrow();
    expect((await readOnly.scan(0, 10)).length).toBe(2);
  } finally {
    await readOnly.close();
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const url = process.env.DATABASE_URL;
(url ? it : it.skip)('PostgreSQL: probes write nothing', async () => {
  const pool = new Pool({ connectionString: url });
  const schema = `probe_${randomBytes(5).toString('hex')}`;
  try {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await probesLeaveTheChain(new PostgresAccessLogStore(pool, schema));
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pool.end();
  }
});
