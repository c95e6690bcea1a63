// The PDL access log: reads of patient data are recorded before the answer leaves, an
// auditor can draw a patient's extract or a user's report, and tampering is detected.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApp, TestClock, THERAPIST, UNIT, type TestApp } from '../e2e/harness';
import { SqliteAccessLogStore, verifyAccessLog } from '../../src/app/access-log/access-log-store';
import { API_ROUTES } from '../../src/app/system/api-routes';

const run = promisify(execFile);
let t: TestApp;
let id: string;
beforeAll(async () => {
  t = await startApp({ clock: new TestClock('2026-11-22T09:00:00.000Z') });
  const res = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '20190101-2391', therapistId: THERAPIST, diagnosisCode: 'M18.1' });
  id = res.body.episodeId;
});
afterAll(async () => t.stop());

describe('access log', () => {
  it('records who read which patient, and gives the patient an extract', async () => {
    await t.http.get(`/episodes/${id}/timeline`).set(t.auth('unit_admin', { sub: 'SE2321000131-ADM1' }));
    await t.http.get(`/episodes/${id}/export`).set(t.auth('auditor', { sub: 'SE2321000131-AUD1' }));
    const extract = await t.http.get('/access-log').query({ personnummer: '201901012391' }).set(t.auth('auditor'));
    expect(extract.status).toBe(200);
    const records = extract.body.records as Array<Record<string, unknown>>;
    expect(records.map((r) => [r.actorId, r.role, r.endpoint, r.action, r.episodeId, r.patientUnitId])).toEqual([
      ['SE2321000131-ADM1', 'unit_admin', 'GET /episodes/:id/timeline', 'read', id, UNIT],
      ['SE2321000131-AUD1', 'auditor', 'GET /episodes/:id/export', 'export', id, UNIT],
    ]);
    expect(JSON.stringify(extract.body)).not.toContain('201901012391');
    const byUser = await t.http.get('/access-log').query({ userId: 'SE2321000131-ADM1' }).set(t.auth('auditor'));
    expect(byUser.body.records).toHaveLength(1);
    expect((await t.http.get('/access-log').set(t.auth('unit_admin'))).status).toBe(403);
    expect((await t.http.get('/access-log').query({ personnummer: '20190101-2392' }).set(t.auth('auditor'))).status).toBe(422);
  });

  it('detects an edited, a removed and a reordered record', async () => {
    for (let i = 0; i < 4; i++) await t.http.get(`/episodes/${id}/timeline`).set(t.auth('auditor'));
    const file = path.join(t.dir, 'access-log.db');
    const env = { ...process.env, DATA_DIR: t.dir, LOG_LEVEL: 'silent' };
    const verify = () => run('npx', ['ts-node', '--transpile-only', path.join(__dirname, '../../src/cli/access-log.ts'), 'verify'], { env }).then((r) => ({ code: 0, out: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));
    expect(await verify()).toEqual({ code: 0, out: expect.stringContaining('Access log intact') });

    const tamper = new SqliteAccessLogStore(file);
    try {
      tamper.database.prepare("UPDATE access_log SET actor_id = 'someone-else' WHERE seq = 2").run();
      expect((await verifyAccessLog(tamper)).problems).toEqual([expect.objectContaining({ seq: 2, problem: 'edited' })]);
      const edited = await verify();
      expect(edited.code).toBe(3);
      expect(edited.out).toContain('record 2: edited');
      tamper.database.prepare("UPDATE access_log SET actor_id = 'SE2321000131-AUD1' WHERE seq = 2").run();
      tamper.database.prepare('DELETE FROM access_log WHERE seq = 4').run();
      expect((await verifyAccessLog(tamper)).problems).toEqual([expect.objectContaining({ seq: 5, problem: 'removed' })]);
    } finally {
      await tamper.close();
    }
  }, 60_000);

  it('chains records so that a swap of two is found', async () => {
    const store = new SqliteAccessLogStore(':memory:');
    const rec = (actorId: string) => ({ at: '2026-11-22T09:00:00.000Z', actorId, actorName: null, role: 'auditor', actorUnitId: null, action: 'read', endpoint: 'GET /x', episodeId: 'E', patientKey: 'P', patientUnitId: UNIT });
    await store.append([rec('a'), rec('b'), rec('c')]);
    const db = store.database;
    db.exec("UPDATE access_log SET seq = -2 WHERE seq = 2; UPDATE access_log SET seq = 2 WHERE seq = 3; UPDATE access_log SET seq = 3 WHERE seq = -2;");
    expect((await verifyAccessLog(store)).problems.map((p) => [p.seq, p.problem])).toEqual([[2, 'reordered'], [3, 'reordered']]);
    await store.close();
  });

  it('has no way over HTTP to delete or change a record', async () => {
    const auditor = t.auth('auditor');
    const before = (await t.http.get('/access-log').query({ limit: 1000 }).set(auditor)).body.records;
    expect(before.length).toBeGreaterThan(0);
    const seq = before[0].seq;
    const tries = [
      await t.http.delete('/access-log').set(auditor),
      await t.http.delete(`/access-log/${seq}`).set(auditor),
      await t.http.put(`/access-log/${seq}`).set(auditor).send({ actorId: 'x' }),
      await t.http.patch(`/access-log/${seq}`).set(auditor).send({ actorId: 'x' }),
      await t.http.post('/access-log').set(auditor).send({ actorId: 'x' }),
      await t.http.delete('/access-log').set(t.auth('unit_admin')),
    ];
    expect(tries.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404]);
    const after = (await t.http.get('/access-log').query({ limit: 1000 }).set(auditor)).body.records;
    expect(after).toEqual(before);
    expect(API_ROUTES.filter((r) => r.path.startsWith('/access-log')).map((r) => r.method)).toEqual(['get']);
  });
});
