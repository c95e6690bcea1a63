// Personal data is stored encrypted per patient, and erasure destroys the key: the
// history stays, the personal fields read as removed.
import fs from 'node:fs';
import path from 'node:path';
import { OTHER_UNIT, startApp, TestClock, THERAPIST, UNIT, type TestApp } from '../e2e/harness';
import { ERASED } from '../../src/domain/shared/personal-data';

const clock = new TestClock('2026-11-22T09:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startApp({ clock });
});
afterAll(async () => t.stop());

const PNR = '19121212-1212';
const CANONICAL = '191212121212';
const SECRET_TEXT = 'Mitt knä värker och jag heter Tolvan Tolvansson';

async function episodeWithMessage() {
  const th = t.auth('therapist');
  const a = await t.http.post('/episodes').set(th).send({ personnummer: PNR, therapistId: THERAPIST, diagnosisCode: 'M17.1', feeExemption: { reason: 'Frikort nr 123' } });
  expect(a.status).toBe(201);
  const id = a.body.episodeId as string;
  expect((await t.http.post(`/episodes/${id}/messages`).set(t.auth('patient_gateway')).send({ text: SECRET_TEXT })).status).toBe(201);
  return id;
}

describe('personal data at rest', () => {
  it('is encrypted in the event store and absent in clear from the database files', async () => {
    const id = await episodeWithMessage();
    const raw = await t.infrastructure.rawStore.readStream(`episode-${id}`);
    const started = raw.find((e) => e.type === 'AssignmentStarted')!;
    expect(String((started.data.patient as Record<string, unknown>).personnummer)).toMatch(/^enc:v1:/);
    expect(String(raw.find((e) => e.type === 'MessageSent')!.data.text)).toMatch(/^enc:v1:/);
    expect(String(raw.find((e) => e.type === 'FeeExempted')!.data.reason)).toMatch(/^enc:v1:/);
    // Codes and dates stay in clear.
    expect((started.data.diagnosis as Record<string, unknown>).code).toBe('M17.1');
    // The application sees clear text.
    const clear = await t.store.readStream(`episode-${id}`);
    expect((clear[0]!.data.patient as Record<string, unknown>).personnummer).toBe(CANONICAL);
    for (const file of fs.readdirSync(t.dir)) {
      const bytes = fs.readFileSync(path.join(t.dir, file));
      expect({ file, pnr: bytes.includes(CANONICAL) }).toEqual({ file, pnr: false });
      expect({ file, text: bytes.includes('Tolvansson') }).toEqual({ file, text: false });
    }
    await t.http.post(`/episodes/${id}/end`).set(t.auth('therapist')).send({ outcome: 'completed' });
  });
});

describe('erasure (crypto-shredding)', () => {
  it('is refused during an active episode, then removes personal data but keeps the history', async () => {
    const id = await episodeWithMessage();
    const admin = t.auth('unit_admin');
    const early = await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin).send({ personnummer: PNR, reason: 'Begäran enligt GDPR art. 17' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('PATIENT_HAS_ACTIVE_EPISODE');

    await t.http.post(`/episodes/${id}/end`).set(t.auth('therapist')).send({ outcome: 'abandoned' });
    const erased = await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin).send({ personnummer: PNR, reason: 'Begäran enligt GDPR art. 17' });
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toBe(true);
    expect(erased.body.episodeIds).toContain(id);

    const timeline = await t.http.get(`/episodes/${id}/timeline`).set(t.auth('auditor'));
    expect(timeline.status).toBe(200);
    expect(timeline.body.integrity.ok).toBe(true);
    const entries = timeline.body.entries as Array<{ type: string; data: Record<string, unknown> & { patient: { personnummer: string }; diagnosis: { code: string } }; state: { status: string } }>;
    expect(entries[0]!.data.patient.personnummer).toBe(ERASED);
    expect(entries[0]!.data.diagnosis.code).toBe('M17.1');
    expect(entries.find((e) => e.type === 'MessageSent')!.data.text).toBe(ERASED);
    expect(entries.find((e) => e.type === 'FeeExempted')!.data.reason).toBe(ERASED);
    expect(entries.filter((e) => e.type === 'JournalObligationRaised').length).toBeGreaterThanOrEqual(3);
    expect(entries.at(-1)!.state.status).toBe('abandoned');
    // Journaling still works after the erasure.
    expect((await t.http.post(`/episodes/${id}/journal-entries`).set(t.auth('therapist')).send({ obligationId: 'end' })).status).toBe(200);
  });

  it('lets the patient come back later with a new key', async () => {
    const id = await episodeWithMessage();
    const clear = await t.store.readStream(`episode-${id}`);
    expect(clear.find((e) => e.type === 'MessageSent')!.data.text).toBe(SECRET_TEXT);
    await t.http.post(`/episodes/${id}/end`).set(t.auth('therapist')).send({ outcome: 'completed' });
  });

  it('answers 404, 422 and 403 as the contract says', async () => {
    const admin = t.auth('unit_admin');
    expect((await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin).send({ personnummer: '19030818-9802', reason: 'x' })).status).toBe(404);
    const bad = await t.http.post(`/units/${UNIT}/patient-erasures`).set(admin).send({ personnummer: '19030818-9803', reason: 'x' });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).not.toContain('9803');
    expect((await t.http.post(`/units/${UNIT}/patient-erasures`).set(t.auth('therapist')).send({ personnummer: PNR, reason: 'x' })).status).toBe(403);
  });
});

describe('the read endpoints after an erasure', () => {
  const PATIENT = '19030818-9802';
  const TO_PATIENT = 'Hej Tolvan, gör övningarna varannan dag.';
  const FROM_PATIENT = 'Jag har ont i höger knä sedan i fredags';

  it('show the personal data as removed in the progress view, the messages and the dashboard', async () => {
    const th = t.auth('therapist');
    const a = await t.http.post('/episodes').set(th).send({ personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1', feeExemption: { reason: 'Frikort nr 456' } });
    expect(a.status).toBe(201);
    const id = a.body.episodeId as string;
    const gw = t.auth('patient_gateway', { episode: id });
    const sent = await t.http.post(`/episodes/${id}/messages`).set(gw).send({ text: FROM_PATIENT });
    expect((await t.http.post(`/episodes/${id}/messages`).set(th).send({ text: TO_PATIENT, conversationId: sent.body.conversationId })).status).toBe(201);
    // The same patient is in treatment at another unit: its data there has its own key.
    const elsewhere = await t.http.post('/episodes').set(t.auth('therapist', { unit: OTHER_UNIT })).send({ personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(elsewhere.status).toBe(201);

    const beforeEnd = (await t.http.get(`/dashboard?after=${elsewhere.body.position}`).set(th)).body;
    expect(beforeEnd.episodes.find((e: { episodeId: string }) => e.episodeId === id).patient).toEqual({ personnummerMasked: '19030818-****' });
    const view = await t.http.get(`/episodes/${id}?after=${elsewhere.body.position}`).set(th);
    expect(view.body.patient.personnummer).toBe('190308189802');
    expect(JSON.stringify((await t.http.get(`/episodes/${id}/messages`).set(th)).body)).toContain(FROM_PATIENT);

    expect((await t.http.post(`/episodes/${id}/end`).set(th).send({ outcome: 'completed' })).status).toBe(200);
    const erased = await t.http.post(`/units/${UNIT}/patient-erasures`).set(t.auth('unit_admin')).send({ personnummer: PATIENT, reason: 'Begäran enligt GDPR art. 17' });
    expect(erased.status).toBe(200);
    const after = erased.body.position as string;

    const progress = await t.http.get(`/episodes/${id}?after=${after}`).set(th);
    expect(progress.status).toBe(200);
    expect(progress.body.patient).toEqual({ personnummer: ERASED, personnummerMasked: '********-****', kind: 'personnummer', birthDate: ERASED });
    // Codes, dates and totals stay.
    expect(progress.body).toEqual(expect.objectContaining({ status: 'completed', diagnosis: expect.objectContaining({ code: 'M17.1' }), assignedAt: expect.any(String) }));
    const messages = await t.http.get(`/episodes/${id}/messages?after=${after}`).set(th);
    expect(messages.status).toBe(200);
    const texts = (messages.body.conversations as Array<{ messages: Array<{ text: string; senderRole: string }> }>).flatMap((c) => c.messages.map((m) => [m.senderRole, m.text]));
    expect(texts).toEqual([['patient', ERASED], ['therapist', ERASED]]);
    const dashboard = await t.http.get(`/dashboard?after=${after}`).set(t.auth('unit_admin'));
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.episodes.map((e: { episodeId: string }) => e.episodeId)).not.toContain(id);
    for (const body of [progress.text, messages.text, dashboard.text]) {
      for (const clear of ['190308189802', '19030818-', FROM_PATIENT, TO_PATIENT, 'Frikort nr 456']) expect(body).not.toContain(clear);
    }
    // The other unit's key is untouched: its dashboard still shows the patient.
    const otherDashboard = await t.http.get(`/dashboard?after=${after}`).set(t.auth('unit_admin', { unit: OTHER_UNIT }));
    expect(otherDashboard.body.episodes.find((e: { episodeId: string }) => e.episodeId === elsewhere.body.episodeId).patient).toEqual({ personnummerMasked: '19030818-****' });

    // The patient comes back: the new episode has a new key, and the old data stays removed.
    const back = await t.http.post('/episodes').set(th).send({ personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(back.status).toBe(201);
    const dash = await t.http.get(`/dashboard?after=${back.body.position}`).set(th);
    expect(dash.body.episodes.find((e: { episodeId: string }) => e.episodeId === back.body.episodeId).patient).toEqual({ personnummerMasked: '19030818-****' });
    expect((await t.http.get(`/episodes/${id}`).set(th)).body.patient.personnummer).toBe(ERASED);
    const old = await t.http.get(`/episodes/${id}/messages`).set(th);
    expect(old.text).not.toContain(FROM_PATIENT);

    // Reads of the erased episode are still in the access log, without a patient key.
    const log = await t.http.get('/access-log').query({ userId: THERAPIST, limit: 1000 }).set(t.auth('auditor'));
    const ofErased = (log.body.records as Array<{ episodeId: string; at: string; patientKey: string | null; endpoint: string }>).filter((r) => r.episodeId === id);
    expect(ofErased.map((r) => r.endpoint)).toEqual(expect.arrayContaining(['GET /episodes/:id', 'GET /episodes/:id/messages']));
    expect(ofErased.at(0)!.patientKey).toEqual(expect.any(String));
    expect(ofErased.at(-1)!.patientKey).toBeNull();
    await t.http.post(`/episodes/${back.body.episodeId}/end`).set(th).send({ outcome: 'abandoned' });
    await t.http.post(`/episodes/${elsewhere.body.episodeId}/end`).set(t.auth('therapist', { unit: OTHER_UNIT })).send({ outcome: 'abandoned' });
  });
});
