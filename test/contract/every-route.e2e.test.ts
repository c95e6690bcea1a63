// Every route of the document driven against the real app on a temporary SQLite store, one
// whole episode and its unit, with every answer (successes and refusals alike) checked
// against the served OpenAPI document: its operation and status declared, its body valid
// against the declared schema with no undeclared field. In the end every operation has
// been answered with its success status.
import { ModulesContainer } from '@nestjs/core';
import { undescribedRoutesOf } from '../../src/app/system/api-operation';
import { startApp, TestClock, THERAPIST, THERAPIST_2, UNIT, type TestApp } from '../e2e/harness';
import { documentOf, ResponseValidator, validated } from './openapi-validator';

// A Sunday: the default activity plan's first occasion is open that day.
const clock = new TestClock('2026-11-22T09:00:00.000Z');
const PNR = '19121212-1212';
let t: TestApp;
let v: ResponseValidator;
let http: TestApp['http'];

beforeAll(async () => {
  t = await startApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  v = new ResponseValidator(await documentOf(t));
  http = validated(t, v);
});
afterAll(async () => t?.stop());

const th = () => t.auth('therapist');
const admin = () => t.auth('unit_admin');
const auditor = () => t.auth('auditor');

async function expectStatus<T extends { status: number; body: unknown }>(res: Promise<T> | T, status: number, code?: string): Promise<T> {
  const r = await res;
  const error = (r.body as { error?: { code?: string } } | undefined)?.error;
  expect({ status: r.status, code: error?.code, body: r.status === status ? undefined : r.body }).toEqual({ status, code, body: undefined });
  return r;
}

describe('one episode through every route, every answer valid against the document', () => {
  let id: string;
  let gw: Record<string, string>;
  let patientMessage: { messageId: string; conversationId: string };
  let last = '0';

  it('public and reference routes', async () => {
    await expectStatus(http.get('/health'), 200);
    await expectStatus(http.get('/health/live'), 200);
    await expectStatus(http.get('/health/ready'), 200);
    await expectStatus(http.get('/openapi.json'), 200);
    const catalogue = await expectStatus(http.get('/catalogue').set(th()), 200);
    // One name for one thing: the catalogue's ids carry the names the other answers use.
    expect(catalogue.body.modules[0]).toEqual(expect.objectContaining({ id: 'hip-knee', moduleId: 'hip-knee' }));
    expect(catalogue.body.modules[0].parts[0]).toEqual(expect.objectContaining({ id: 'hk-about-osteoarthritis', partId: 'hk-about-osteoarthritis' }));
    expect(catalogue.body.exerciseProgrammes[0].exercises[0]).toEqual(expect.objectContaining({ id: 'leg-sit-to-stand', exerciseId: 'leg-sit-to-stand' }));
    await expectStatus(http.get('/catalogue').set(t.auth('integration')), 200);
  });

  it('assigns, and refuses a second assignment, a bad personnummer and a bad body', async () => {
    const a = await expectStatus(http.post('/episodes').set(th()).send({ personnummer: PNR, therapistId: THERAPIST, diagnosisCode: 'M17.1' }), 201);
    id = a.body.episodeId;
    last = a.body.position;
    gw = t.auth('patient_gateway', { episode: id });
    expect(a.headers.location).toBe(`/episodes/${id}`);
    await expectStatus(http.post('/episodes').set(th()).send({ personnummer: PNR, therapistId: THERAPIST, diagnosisCode: 'M17.1' }), 409, 'ACTIVE_EPISODE_EXISTS');
    await expectStatus(http.post('/episodes').set(th()).send({ personnummer: '19121212-1213', therapistId: THERAPIST, diagnosisCode: 'M17.1' }), 422, 'INVALID_PERSONNUMMER');
    await expectStatus(http.post('/episodes').set(th()).send({ therapistId: THERAPIST }), 400, 'VALIDATION_FAILED');
    await expectStatus(http.post('/episodes').set(t.auth('auditor')).send({ personnummer: PNR, therapistId: THERAPIST, diagnosisCode: 'M17.1' }), 403, 'FORBIDDEN');
    await expectStatus(http.post('/episodes').send({}), 401, 'UNAUTHENTICATED');
  });

  it('describes a body that is not an object as what it is, and a body of another media type as 415', async () => {
    const before = await t.store.headPosition();
    const array = await expectStatus(http.post(`/episodes/${id}/end`).set(th()).send([{ outcome: 'completed' }]), 400, 'VALIDATION_FAILED');
    expect(array.body.error.message).toContain('not an array');
    await expectStatus(http.post(`/episodes/${id}/end`).set(th()).set('Content-Type', 'text/plain').send('completed'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const none = await expectStatus(http.post(`/episodes/${id}/end`).set(th()), 400, 'VALIDATION_FAILED');
    expect(none.body.error.message).toContain('none was sent');
    await expectStatus(http.put(`/episodes/${id}/welcome-text`).set(th()).send({ text: 'x'.repeat(300_000) }), 413, 'PAYLOAD_TOO_LARGE');
    expect(await t.store.headPosition()).toBe(before);
  });

  it('the writes of the episode', async () => {
    const welcome = { text: 'Välkommen! Börja med delen om höft och knä.' };
    await expectStatus(http.put(`/episodes/${id}/welcome-text`).set(th()).send(welcome), 200);
    const again = await expectStatus(http.put(`/episodes/${id}/welcome-text`).set(th()).send(welcome), 200);
    expect(again.body.unchanged).toBe(true);
    await expectStatus(http.post(`/episodes/${id}/modules/hand/hide`).set(th()), 200);
    await expectStatus(http.post(`/episodes/${id}/modules/hand/hide`).set(th()), 409, 'MODULE_ALREADY_HIDDEN');
    await expectStatus(http.post(`/episodes/${id}/modules/hand/show`).set(th()), 200);
    await expectStatus(http.post(`/episodes/${id}/progress`).set(gw).send({ moduleId: 'hip-knee', partId: 'hk-about-osteoarthritis' }), 200);
    await expectStatus(http.post(`/episodes/${id}/exercises`).set(th()).send({ programme: 'leg', exerciseIds: ['leg-sit-to-stand'] }), 409, 'TRAINING_INTRODUCTION_NOT_COMPLETED');
    await expectStatus(http.post(`/episodes/${id}/progress`).set(gw).send({ moduleId: 'hip-knee', partId: 'hk-training-introduction' }), 200);
    await expectStatus(http.post(`/episodes/${id}/exercises`).set(th()).send({ programme: 'leg', exerciseIds: ['leg-sit-to-stand', 'leg-step-up'] }), 200);
    // The plan's body is optional: none at all takes every default.
    const plan = await expectStatus(http.post(`/episodes/${id}/activity-plan`).set(th()), 200);
    expect(plan.body.plan.schedule).toEqual(expect.objectContaining({ startDate: '2026-11-22', weekday: 'sunday', time: '16:00', repeat: 'until-further-notice' }));
    await expectStatus(http.post(`/episodes/${id}/activity-plan`).set(th()).send({}), 409, 'PLAN_ALREADY_ACTIVE');
    await expectStatus(http.post(`/episodes/${id}/activity-reports`).set(gw).send({ occasion: '2026-11-22', answers: { trained: true, 'activity-type': 'promenad', experience: 6 } }), 200);
    const msg = await expectStatus(http.post(`/episodes/${id}/messages`).set(gw).send({ text: 'Hur ofta ska jag träna?' }), 201);
    patientMessage = msg.body;
    await expectStatus(http.post(`/episodes/${id}/messages`).set(th()).send({ text: 'Tre gånger i veckan.', conversationId: msg.body.conversationId }), 201);
    await expectStatus(http.post(`/episodes/${id}/messages/read`).set(th()).send({ upToMessageId: patientMessage.messageId }), 200);
    await expectStatus(http.post(`/episodes/${id}/therapist`).set(admin()).send({ therapistId: THERAPIST_2, reason: 'absence' }), 200);
    await expectStatus(http.post(`/episodes/${id}/therapist`).set(admin()).send({ therapistId: THERAPIST, reason: 'return' }), 200);
    await expectStatus(http.post(`/episodes/${id}/journal-entries`).set(th()).send({ obligationId: 'assignment', journalReference: 'COSMIC-1' }), 200);
    await expectStatus(http.post(`/episodes/${id}/journal-corrections`).set(th()).send({ obligationId: 'assignment', journalReference: 'COSMIC-2', reason: 'Fel anteckning angiven' }), 200);
    const follow = await expectStatus(http.post(`/episodes/${id}/registry-follow-ups`).set(th()).send({ timepoint: 'baseline', measures: { pain: 6, eqVas: 60 } }), 200);
    last = follow.body.position;
  });

  it('a write on top of another revision is 412; a key reused for another body is 422; nothing is written', async () => {
    const before = await t.store.headPosition();
    await expectStatus(http.put(`/episodes/${id}/welcome-text`).set(th()).set('If-Match', '"1"').send({ text: 'Hej' }), 412, 'REVISION_MISMATCH');
    await expectStatus(http.put(`/episodes/${id}/welcome-text`).set(th()).set('If-Match', 'three').send({ text: 'Hej' }), 400, 'VALIDATION_FAILED');
    const key = 'contract-key-1';
    const first = await expectStatus(http.post(`/episodes/${id}/modules/hand/hide`).set(th()).set('Idempotency-Key', key), 200);
    const retry = await expectStatus(http.post(`/episodes/${id}/modules/hand/hide`).set(th()).set('Idempotency-Key', key), 200);
    expect(retry.body).toEqual(first.body);
    await expectStatus(http.put(`/episodes/${id}/welcome-text`).set(th()).set('Idempotency-Key', key).send({ text: 'Annan' }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await t.store.headPosition()) - before).toBe(1n);
    await expectStatus(http.post(`/episodes/${id}/modules/hand/show`).set(th()), 200);
    await expectStatus(http.post(`/episodes/${id}/modules/hand/hide`).set(th()).send({ surprise: true }), 400, 'VALIDATION_FAILED');
    last = (await t.store.headPosition()).toString();
  });

  it('the reads of the episode, with one name for one thing', async () => {
    const view = await expectStatus(http.get(`/episodes/${id}`).query({ after: last }).set(th()), 200);
    expect(view.body.patient).toEqual(expect.objectContaining({ personnummer: '191212121212', personnummerMasked: '19121212-****' }));
    expect(view.body.unreadCount).toBe(0);
    expect(view.body.messages.unreadCount).toBe(0);
    await expectStatus(http.get(`/episodes/${id}`).query({ after: last }).set(auditor()), 200);
    const messages = await expectStatus(http.get(`/episodes/${id}/messages`).query({ after: last }).set(th()), 200);
    expect(messages.body.conversations[0].messages.map((m: { read: boolean }) => m.read)).toEqual([true, true]);
    expect(messages.body.unreadCount).toBe(0);
    await expectStatus(http.get(`/episodes/${id}/messages`).set(gw), 200);
    await expectStatus(http.get(`/episodes/${id}/patient-view`).query({ after: last }).set(gw), 200);
    await expectStatus(http.get(`/episodes/${id}/timeline`).set(auditor()), 200);
    await expectStatus(http.get(`/episodes/${id}/timeline`).query({ revision: 1 }).set(auditor()), 200);
    await expectStatus(http.get(`/episodes/${id}/timeline`).query({ revision: 1, at: '2026-11-22T09:00:00Z' }).set(auditor()), 400, 'VALIDATION_FAILED');
    await expectStatus(http.get(`/episodes/${id}/export`).set(auditor()), 200);
    await expectStatus(http.get('/episodes/01ARZ3NDEKTSV4RRFFQ69G5FAV').set(th()), 404, 'NOT_FOUND');
    await expectStatus(http.get(`/episodes/${id}`).query({ after: '999999999' }).set(th()), 503, 'PROJECTION_BEHIND');
  });

  it('the unit: absence notices and settings', async () => {
    const notice = await expectStatus(
      http.post(`/units/${UNIT}/absence-notices`).set(admin()).send({ from: '2026-11-23T07:00:00+01:00', to: '2026-11-26T07:00:00+01:00', text: 'Mottagningen är stängd.' }),
      201,
    );
    await expectStatus(http.post(`/units/${UNIT}/absence-notices`).set(admin()).send({ from: '2026-11-26T07:00:00+01:00', to: '2026-11-23T07:00:00+01:00', text: 'Fel' }), 400, 'VALIDATION_FAILED');
    await expectStatus(http.get(`/units/${UNIT}/absence-notices`).query({ active: 'false', after: notice.body.position }).set(th()), 200);
    await expectStatus(http.get(`/units/${UNIT}/absence-notices`).set(gw), 200);
    await expectStatus(http.delete(`/units/${UNIT}/absence-notices/${notice.body.noticeId}`).set(admin()), 200);
    await expectStatus(http.delete(`/units/${UNIT}/absence-notices/${notice.body.noticeId}`).set(admin()), 404, 'NOT_FOUND');
    await expectStatus(http.put(`/units/${UNIT}/settings`).set(admin()).send({ feeSek: 250 }), 200);
    const same = await expectStatus(http.put(`/units/${UNIT}/settings`).set(admin()).send({ feeSek: 250 }), 200);
    expect(same.body.unchanged).toBe(true);
    await expectStatus(http.put(`/units/${UNIT}/settings`).set(admin()).send({ journalCodes: { assignment: ['ZV044'], 'completed-school': ['ZV044'], conversation: ['ZV044'], end: ['ZV044'] } }), 422, 'INVALID_SETTINGS');
    await expectStatus(http.put(`/units/SE2321000131-E999/settings`).set(admin()).send({ feeSek: 250 }), 403, 'FORBIDDEN');
  });

  it('the reports', async () => {
    const head = (await t.store.headPosition()).toString();
    const dash = await expectStatus(http.get('/dashboard').query({ after: head }).set(th()), 200);
    expect(dash.body.episodes[0]).toEqual(expect.objectContaining({ unreadCount: 0, patient: { personnummerMasked: '19121212-****' } }));
    await expectStatus(http.get('/dashboard').query({ sort: 'name' }).set(th()), 400, 'VALIDATION_FAILED');
    const ledger = await expectStatus(http.get('/billing/ledger').query({ after: head }).set(admin()), 200);
    expect(ledger.body.lines[0]).toEqual(expect.objectContaining({ personnummerMasked: '19121212-****', patient: '19121212-****' }));
    const csv = await expectStatus(http.get('/billing/ledger').set(t.auth('reporting')).set('Accept', 'text/csv'), 200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    await expectStatus(http.get('/journal/obligations').query({ status: 'outstanding' }).set(th()), 200);
    await expectStatus(http.get('/reports/outcomes').set(t.auth('reporting')), 200);
    await expectStatus(http.get('/registry/follow-ups').query({ after: head }).set(th()), 200);
    await expectStatus(http.get('/registry/export').query({ after: head }).set(admin()), 200);
    await expectStatus(http.get('/registry/export').set(admin()).set('Accept', 'text/csv'), 200);
    await expectStatus(http.get('/access-log').query({ personnummer: PNR }).set(auditor()), 200);
    await expectStatus(http.get('/access-log').query({ personnummer: '19121212-1213' }).set(auditor()), 422, 'INVALID_PERSONNUMMER');
  });

  it('ends, then erases the personal data', async () => {
    await expectStatus(http.post(`/units/${UNIT}/patient-erasures`).set(admin()).send({ personnummer: PNR, reason: 'Begäran enligt GDPR art. 17' }), 409, 'PATIENT_HAS_ACTIVE_EPISODE');
    const end = await expectStatus(http.post(`/episodes/${id}/end`).set(th()).send({ outcome: 'completed' }), 200);
    expect(end.body.status).toBe('completed');
    await expectStatus(http.post(`/episodes/${id}/end`).set(th()).send({ outcome: 'completed' }), 409, 'EPISODE_ENDED');
    await expectStatus(http.post(`/units/${UNIT}/patient-erasures`).set(admin()).send({ personnummer: PNR, reason: 'Begäran enligt GDPR art. 17' }), 200);
    const after = (await t.store.headPosition()).toString();
    const view = await expectStatus(http.get(`/episodes/${id}`).query({ after }).set(th()), 200);
    expect(view.body.patient).toEqual(expect.objectContaining({ personnummer: '[removed]', personnummerMasked: '********-****' }));
    await expectStatus(http.get(`/episodes/${id}/timeline`).set(auditor()), 200);
  });

  it('the schemas and the feed for integrators', async () => {
    await expectStatus(http.get('/schemas/events').set(t.auth('integration')), 200);
    await expectStatus(http.get('/schemas/events').set(th()), 200);
    const page = await expectStatus(http.get('/events').query({ limit: 5 }).set(t.auth('integration')), 200);
    expect(page.body.events).toHaveLength(5);
    await expectStatus(http.get('/events').query({ after: page.body.next.after }).set(t.auth('integration', { unit: UNIT })), 200);
    await expectStatus(http.get('/events').query({ limit: 0 }).set(t.auth('integration')), 400, 'VALIDATION_FAILED');
    await expectStatus(http.get('/events').set(th()), 403, 'FORBIDDEN');
  });

  it('describes every route the app mounts; only pages and their assets (/docs, /ui) are left out', () => {
    const controllers = [...t.app.get(ModulesContainer).values()].flatMap((m) => [...m.controllers.values()].map((w) => w.metatype as new () => unknown));
    expect(undescribedRoutesOf(controllers).filter((r) => !/^[A-Z]+ \/(docs|ui)(\/|$)/.test(r))).toEqual([]);
  });

  it('answered every operation of the document with its success status', async () => {
    const doc = v.document as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    const expected = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).map((op) => ({ operationId: op.operationId, status: Number(Object.keys(op.responses).find((s) => s.startsWith('2'))) })),
    );
    // The event stream never ends: test/contract/event-feed.e2e.test.ts checks its messages against the document.
    const missing = expected.filter((e) => e.operationId !== 'streamEvents' && !v.seen.some((s) => s.operationId === e.operationId && s.status === e.status));
    expect(missing).toEqual([]);
  });
});

describe('429 is declared and answered', () => {
  let limited: TestApp;
  afterAll(async () => limited?.stop());

  it('answers RATE_LIMITED with Retry-After past the limit, as the document says', async () => {
    limited = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
    const validator = new ResponseValidator(await documentOf(limited));
    const agent = validated(limited, validator);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await agent.get('/catalogue').set(limited.auth('therapist'))).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(validator.seen.map((s) => s.status)).toContain(429);
  });
});
