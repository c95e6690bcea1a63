// Every read that shows a patient's data leaves a record in the PDL access log (who, role,
// unit, which patient, what action, which endpoint, when), found by the auditor in the
// patient's extract; reads that show no patient leave none; and when the log cannot be
// written the data is not shown.
import path from 'node:path';
import Database from 'libsql';
import { OTHER_UNIT, startApp, TestClock, THERAPIST, UNIT, type TestApp } from '../e2e/harness';

const NOW = '2026-11-22T09:00:00.000Z';
const clock = new TestClock(NOW);
const PATIENT = '19121212-1212';
const OTHER_PATIENT = '20190101-2391';
const SECRET = 'Knät svullnar efter trappan';
let t: TestApp;
let id: string;
let otherId: string;
let position: string;

beforeAll(async () => {
  t = await startApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  const th = t.auth('therapist');
  const a = await t.http.post('/episodes').set(th).send({ personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
  id = a.body.episodeId;
  const b = await t.http.post('/episodes').set(th).send({ personnummer: OTHER_PATIENT, therapistId: THERAPIST, diagnosisCode: 'M16.1' });
  otherId = b.body.episodeId;
  const m = await t.http.post(`/episodes/${id}/messages`).set(t.auth('patient_gateway', { episode: id })).send({ text: SECRET });
  expect(m.status).toBe(201);
  position = m.body.position;
});
afterAll(async () => t?.stop());

const extract = async (personnummer: string) => {
  const res = await t.http.get('/access-log').query({ personnummer, limit: 1000 }).set(t.auth('auditor', { sub: 'SE2321000131-GRANSKARE' }));
  expect(res.status).toBe(200);
  return res.body.records as Array<Record<string, unknown>>;
};
const allRecords = async () => (await t.http.get('/access-log').query({ limit: 1000 }).set(t.auth('auditor'))).body.records as Array<Record<string, unknown>>;

describe('reads of patient data in the access log', () => {
  it('records each read of the patient before the answer, and the extract names who, where, what and when', async () => {
    const reads: Array<[string, { Authorization: string }, string, string, string | null, Record<string, string>?]> = [
      // [path, caller, endpoint, action, reader's unit, headers]
      [`/episodes/${id}`, t.auth('therapist', { sub: 'SE2321000131-R01' }), 'GET /episodes/:id', 'read', UNIT],
      [`/episodes/${id}/messages`, t.auth('unit_admin', { sub: 'SE2321000131-R02' }), 'GET /episodes/:id/messages', 'read', UNIT],
      [`/episodes/${id}/patient-view`, t.auth('patient_gateway', { sub: 'SE2321000131-R03', episode: id }), 'GET /episodes/:id/patient-view', 'read', UNIT],
      ['/dashboard', t.auth('unit_admin', { sub: 'SE2321000131-R04' }), 'GET /dashboard', 'read', UNIT],
      ['/billing/ledger', t.auth('unit_admin', { sub: 'SE2321000131-R05' }), 'GET /billing/ledger', 'billing-read', UNIT],
      ['/billing/ledger', t.auth('reporting', { sub: 'SE2321000131-R06' }), 'GET /billing/ledger', 'billing-read', null, { Accept: 'text/csv' }],
      ['/journal/obligations', t.auth('auditor', { sub: 'SE2321000131-R07' }), 'GET /journal/obligations', 'read', null],
      [`/episodes/${id}/timeline`, t.auth('auditor', { sub: 'SE2321000131-R08' }), 'GET /episodes/:id/timeline', 'read', null],
      [`/episodes/${id}/export`, t.auth('auditor', { sub: 'SE2321000131-R09' }), 'GET /episodes/:id/export', 'export', null],
    ];
    const before = (await extract(PATIENT)).length;
    for (const [url, auth, , , , headers] of reads) {
      const res = await t.http.get(url).query({ after: position }).set(auth).set(headers ?? {});
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
    }
    const logged = (await extract(PATIENT)).slice(before);
    // Drawing the extract is itself a read of the patient's data, logged after it is drawn.
    expect(logged[0]).toEqual(expect.objectContaining({ actorId: 'SE2321000131-GRANSKARE', endpoint: 'GET /access-log', action: 'access-log-extract' }));
    const records = logged.filter((r) => r.endpoint !== 'GET /access-log');
    expect(records.map((r) => [r.actorId, r.endpoint, r.action, r.actorUnitId, r.episodeId, r.patientUnitId, r.at])).toEqual(
      reads.map(([, , endpoint, action, unit], i) => [`SE2321000131-R0${i + 1}`, endpoint, action, unit, id, UNIT, NOW]),
    );
    expect(records.map((r) => r.role)).toEqual(['therapist', 'unit_admin', 'patient_gateway', 'unit_admin', 'unit_admin', 'reporting', 'auditor', 'auditor', 'auditor']);
    // The extract names the patient by a keyed hash only, never the number or the message.
    const raw = JSON.stringify(records);
    for (const clear of ['191212121212', '19121212-1212', SECRET]) expect(raw).not.toContain(clear);
    expect(new Set(records.map((r) => r.patientKey)).size).toBe(1);
  });

  it('records one line per patient a list shows, under each patient', async () => {
    const auth = t.auth('unit_admin', { sub: 'SE2321000131-LISTA' });
    expect((await t.http.get('/dashboard').query({ after: position }).set(auth)).status).toBe(200);
    const mine = async (pnr: string) => (await extract(pnr)).filter((r) => r.actorId === 'SE2321000131-LISTA').map((r) => r.episodeId);
    expect(await mine(PATIENT)).toEqual([id]);
    expect(await mine(OTHER_PATIENT)).toEqual([otherId]);
  });

  it('records nothing for an answer that shows no patient, or for a refusal', async () => {
    const before = (await allRecords()).length;
    const answers = [
      await t.http.get('/reports/outcomes').query({ after: position }).set(t.auth('reporting')),
      await t.http.get('/catalogue').set(t.auth('therapist')),
      await t.http.get(`/units/${UNIT}/absence-notices`).set(t.auth('therapist')),
      await t.http.get('/dashboard').query({ after: position }).set(t.auth('unit_admin', { unit: OTHER_UNIT })),
      await t.http.get(`/episodes/${id}`).query({ after: position }).set(t.auth('therapist', { unit: OTHER_UNIT })),
      await t.http.get(`/episodes/${id}/messages`).query({ after: position }).set(t.auth('patient_gateway', { episode: otherId })),
      await t.http.get(`/episodes/${id}/timeline`).set(t.auth('therapist')),
      await t.http.get(`/episodes/${id}`).query({ after: position }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 404, 404, 403, 401]);
    // The two reads of the log above are auditors' reads of no patient: nothing either.
    expect((await allRecords()).length).toBe(before);
  });

  it("does not show the patient's data when the access log cannot be written", async () => {
    const lock = new Database(path.join(t.dir, 'access-log.db'), { timeout: 100 });
    lock.exec('BEGIN EXCLUSIVE');
    let res;
    try {
      res = await t.http.get(`/episodes/${id}/messages`).query({ after: position }).set(t.auth('therapist'));
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ code: 'ACCESS_LOG_UNAVAILABLE', message: expect.any(String), details: [] });
    expect(res.text).not.toContain(SECRET);
    // Once the log can be written again, the read is answered and recorded.
    const again = await t.http.get(`/episodes/${id}/messages`).query({ after: position }).set(t.auth('therapist', { sub: 'SE2321000131-IGEN' }));
    expect(again.status).toBe(200);
    expect(again.text).toContain(SECRET);
    expect((await extract(PATIENT)).filter((r) => r.actorId === 'SE2321000131-IGEN')).toHaveLength(1);
  }, 30_000);
});
