// Personal data is stored encrypted per patient, and erasure destroys the key: the
// history stays, the personal fields read as removed.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, TestClock, THERAPIST, UNIT, type TestApp } from '../e2e/harness';
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
    const entries = timeline.body.entries as Array<{ type: string; data: any; state: any }>;
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
