// Every refusal of the contract over HTTP: status, error code, error body shape, and
// nothing written.
import { startApp, TestClock, THERAPIST, OTHER_UNIT, type TestApp } from './harness';

const clock = new TestClock('2026-11-22T09:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startApp({ clock });
});
afterAll(async () => t.stop());

const pnrs = ['19121212-1212', '20190101-2391', '19030818-9802', '202601612381'];
let next = 0;
async function assign(): Promise<string> {
  // Each test gets its own patient (ending the previous frees it).
  const personnummer = pnrs[next++ % pnrs.length]!;
  const res = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer, therapistId: THERAPIST, diagnosisCode: 'M16.1' });
  if (res.status !== 201) throw new Error(`assign failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.episodeId as string;
}
async function end(id: string) {
  await t.http.post(`/episodes/${id}/end`).set(t.auth('therapist')).send({ outcome: 'abandoned' });
}
const head = () => t.store.headPosition();

type Answer = { status: number; body: { error?: { code?: string; message?: string; details?: unknown[] } } };
/** The refusal's status, code and error body; given the request itself, also that it wrote nothing. */
async function expectError(request: Answer | PromiseLike<Answer>, status: number, code: string) {
  const before = await head();
  const res = await request;
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(await head()).toBe(before);
  expect(typeof res.body.error?.message).toBe('string');
  expect(Array.isArray(res.body.error?.details)).toBe(true);
}

describe('refusals', () => {
  it('400 VALIDATION_FAILED with field details, nothing written', async () => {
    const before = await head();
    const res = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: 12, diagnosisCode: 'M17.1' });
    await expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.personnummer', 'body.therapistId']));
    const malformed = await t.http.post('/episodes').set(t.auth('therapist')).set('Content-Type', 'application/json').send('{"personnummer":');
    await expectError(malformed, 400, 'VALIDATION_FAILED');
    const unknownField = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1', surprise: 1 });
    await expectError(unknownField, 400, 'VALIDATION_FAILED');
    expect(await head()).toBe(before);
  });

  it('422 INVALID_PERSONNUMMER without echoing the number, and UNKNOWN_DIAGNOSIS_CODE', async () => {
    const before = await head();
    const bad = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '19121212-1213', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    await expectError(bad, 422, 'INVALID_PERSONNUMMER');
    expect(JSON.stringify(bad.body)).not.toContain('1212121213');
    expect(JSON.stringify(bad.body)).not.toContain('19121212-1213');
    const diag = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'J45.9' });
    await expectError(diag, 422, 'UNKNOWN_DIAGNOSIS_CODE');
    expect(await head()).toBe(before);
  });

  it('409 ACTIVE_EPISODE_EXISTS for a second active episode of the same patient at the unit', async () => {
    const id = await assign();
    const personnummer = pnrs[(next - 1) % pnrs.length]!;
    const again = t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    await expectError(again, 409, 'ACTIVE_EPISODE_EXISTS');
    await end(id);
  });

  it('409 rule codes on an episode', async () => {
    const id = await assign();
    const th = t.auth('therapist');
    const gw = t.auth('patient_gateway');
    await expectError(t.http.post(`/episodes/${id}/modules/hand/show`).set(th), 409, 'MODULE_ALREADY_VISIBLE');
    await t.http.post(`/episodes/${id}/modules/hand/hide`).set(th);
    await expectError(t.http.post(`/episodes/${id}/modules/hand/hide`).set(th), 409, 'MODULE_ALREADY_HIDDEN');
    await expectError(t.http.post(`/episodes/${id}/exercises`).set(th).send({ programme: 'leg', exerciseIds: ['leg-bridge'] }), 409, 'TRAINING_INTRODUCTION_NOT_COMPLETED');
    await expectError(t.http.post(`/episodes/${id}/activity-reports`).set(gw).send({ occasion: '2026-11-22', answers: {} }), 409, 'NO_ACTIVE_PLAN');
    await t.http.post(`/episodes/${id}/activity-plan`).set(th).send({ questions: [{ id: 'trained', mandatory: true }] });
    await expectError(t.http.post(`/episodes/${id}/activity-plan`).set(th).send({}), 409, 'PLAN_ALREADY_ACTIVE');
    await expectError(t.http.post(`/episodes/${id}/activity-reports`).set(gw).send({ occasion: '2026-11-22', answers: {} }), 409, 'MANDATORY_ANSWER_MISSING');
    await expectError(t.http.post(`/episodes/${id}/therapist`).set(th).send({ therapistId: THERAPIST, reason: 'reassignment' }), 409, 'SAME_THERAPIST');
    await t.http.post(`/episodes/${id}/journal-entries`).set(th).send({ obligationId: 'assignment' });
    await expectError(t.http.post(`/episodes/${id}/journal-entries`).set(th).send({ obligationId: 'assignment' }), 409, 'OBLIGATION_ALREADY_RECORDED');
    await end(id);
    await expectError(t.http.put(`/episodes/${id}/welcome-text`).set(th).send({ text: 'x' }), 409, 'EPISODE_ENDED');
  });

  it('409 REPORT_WINDOW_CLOSED and ACCESS_PERIOD_OVER as time passes', async () => {
    const id = await assign();
    const th = t.auth('therapist');
    const gw = t.auth('patient_gateway');
    await t.http.post(`/episodes/${id}/activity-plan`).set(th).send({});
    clock.advanceDays(4);
    await expectError(t.http.post(`/episodes/${id}/activity-reports`).set(gw).send({ occasion: '2026-11-22', answers: {} }), 409, 'REPORT_WINDOW_CLOSED');
    clock.advanceDays(100);
    await expectError(t.http.post(`/episodes/${id}/progress`).set(gw).send({ moduleId: 'hand', partId: 'hand-pain' }), 409, 'ACCESS_PERIOD_OVER');
    clock.current = '2026-11-22T09:00:00.000Z';
    await end(id);
  });

  it('422 UNKNOWN_MODULE, UNKNOWN_PART, UNKNOWN_EXERCISE', async () => {
    const id = await assign();
    const th = t.auth('therapist');
    await expectError(t.http.post(`/episodes/${id}/modules/shoulder/hide`).set(th), 422, 'UNKNOWN_MODULE');
    await expectError(t.http.post(`/episodes/${id}/progress`).set(t.auth('patient_gateway')).send({ moduleId: 'hand', partId: 'nope' }), 422, 'UNKNOWN_PART');
    await t.http.post(`/episodes/${id}/progress`).set(t.auth('patient_gateway')).send({ moduleId: 'hand', partId: 'hand-training-introduction' });
    await expectError(t.http.post(`/episodes/${id}/exercises`).set(th).send({ programme: 'hand', exerciseIds: ['leg-bridge'] }), 422, 'UNKNOWN_EXERCISE');
    await end(id);
  });

  it('401 without or with a bad token, 403 for a role that may not, 404 for another unit', async () => {
    const id = await assign();
    await expectError(t.http.post(`/episodes/${id}/modules/hand/hide`), 401, 'UNAUTHENTICATED');
    await expectError(t.http.post(`/episodes/${id}/modules/hand/hide`).set('Authorization', 'Bearer not.a.token'), 401, 'UNAUTHENTICATED');
    await expectError(t.http.post(`/episodes/${id}/modules/hand/hide`).set(t.auth('auditor')), 403, 'FORBIDDEN');
    await expectError(t.http.post(`/episodes/${id}/progress`).set(t.auth('therapist')).send({ moduleId: 'hand', partId: 'hand-pain' }), 403, 'FORBIDDEN');
    await expectError(t.http.post(`/episodes/${id}/modules/hand/hide`).set(t.auth('therapist', { unit: OTHER_UNIT })), 404, 'NOT_FOUND');
    await expectError(t.http.post(`/episodes/01ARZ3NDEKTSV4RRFFQ69G5FAV/modules/hand/hide`).set(t.auth('therapist')), 404, 'NOT_FOUND');
    await expectError(t.http.post(`/units/${OTHER_UNIT}/absence-notices`).set(t.auth('unit_admin')).send({ from: '2026-12-20T08:00:00+01:00', to: '2027-01-06T17:00:00+01:00', text: 'Stängt' }), 403, 'FORBIDDEN');
    await end(id);
  });

  it('412 REVISION_MISMATCH on a stale If-Match, nothing written', async () => {
    const id = await assign();
    const th = t.auth('therapist');
    const ok = await t.http.put(`/episodes/${id}/welcome-text`).set(th).set('If-Match', '"2"').send({ text: 'Första' });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"3"');
    const before = await head();
    await expectError(t.http.put(`/episodes/${id}/welcome-text`).set(th).set('If-Match', '"2"').send({ text: 'Andra' }), 412, 'REVISION_MISMATCH');
    expect(await head()).toBe(before);
    await end(id);
  });

  it('Idempotency-Key: a retry returns the first answer and writes nothing', async () => {
    const th = t.auth('therapist');
    const body = { personnummer: '19030818-9802', therapistId: THERAPIST, diagnosisCode: 'M18.1' };
    const first = await t.http.post('/episodes').set(th).set('Idempotency-Key', 'assign-1').send(body);
    expect(first.status).toBe(201);
    const before = await head();
    const retry = await t.http.post('/episodes').set(th).set('Idempotency-Key', 'assign-1').send(body);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await head()).toBe(before);
    const id = first.body.episodeId;
    const m1 = await t.http.post(`/episodes/${id}/messages`).set(th).set('Idempotency-Key', 'msg-1').send({ text: 'Hej!' });
    const m2 = await t.http.post(`/episodes/${id}/messages`).set(th).set('Idempotency-Key', 'msg-1').send({ text: 'Hej!' });
    expect(m2.body).toEqual(m1.body);
    const reused = t.http.post(`/episodes/${id}/messages`).set(th).set('Idempotency-Key', 'msg-1').send({ text: 'Annat' });
    await expectError(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await t.store.readStream(`episode-${id}`)).filter((e) => e.type === 'MessageSent')).toHaveLength(1);
    await end(id);
  });
  // Concurrent writes and racing assignments: concurrency.e2e.test.ts (with requests that really overlap).
});
