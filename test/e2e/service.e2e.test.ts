// The service around the commands, end to end on a temporary SQLite file: the envelope and
// actor of every stored event, the unit write, tokens (HS256), the patient gateway's
// episode scope, /health, /openapi.json, and 503 when the store is gone.
import jwt from 'jsonwebtoken';
import type { RecordedEvent } from '../../src/event-store/event-store';
import { startApp, TestClock, THERAPIST, THERAPIST_2, UNIT, type TestApp } from './harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ASSIGN = { personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' };

async function expectError(res: { status: number; body: { error?: { code?: string; message?: string; details?: unknown[] } } }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error?.message).toBe('string');
  expect(Array.isArray(res.body.error?.details)).toBe(true);
}

async function everything(t: TestApp): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const batch of t.store.readAll()) all.push(...batch);
  return all;
}

describe('the service on a temporary SQLite file', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock: new TestClock('2026-11-22T09:00:00.000Z') });
  });
  afterAll(async () => t.stop());

  it('writes every event with its envelope and the acting user, role, unit and command ids', async () => {
    const a = await t.http.post('/episodes').set(t.auth('therapist')).set('X-Correlation-Id', 'corr-assign').send(ASSIGN);
    expect(a.status).toBe(201);
    const id = a.body.episodeId as string;
    const gwRes = await t.http.post(`/episodes/${id}/progress`).set(t.auth('patient_gateway', { sub: 'SE2321000131-GW1' })).send({ moduleId: 'hand', partId: 'hand-pain' });
    const adminRes = await t.http.post(`/episodes/${id}/therapist`).set(t.auth('unit_admin', { sub: 'SE2321000131-A001' })).send({ therapistId: THERAPIST_2, reason: 'reassignment' });
    const notice = await t.http
      .post(`/units/${UNIT}/absence-notices`)
      .set(t.auth('unit_admin', { sub: 'SE2321000131-A001' }))
      .send({ from: '2026-12-20T08:00:00+01:00', to: '2027-01-06T17:00:00+01:00', text: 'Mottagningen är stängd under helgerna.' });
    expect([gwRes.status, adminRes.status, notice.status]).toEqual([200, 200, 201]);
    expect(notice.body).toEqual(expect.objectContaining({ unitId: UNIT, noticeId: expect.any(String), revision: 0, position: expect.any(String) }));

    const all = await everything(t);
    // The reservation, the episode and the unit stream: every event of every stream.
    expect(new Set(all.map((e) => e.streamId.split('-')[0]))).toEqual(new Set(['patient', 'episode', 'unit']));
    for (const e of all) {
      expect(e.id).toMatch(UUID);
      expect(Number.isInteger(e.schemaVersion)).toBe(true);
      expect(e.recordedAt).toMatch(/Z$/);
      expect(typeof e.position).toBe('bigint');
      expect(e.metadata).toEqual(
        expect.objectContaining({ actorId: expect.any(String), role: expect.any(String), unitId: UNIT, commandId: expect.stringMatching(UUID), correlationId: expect.any(String), causationId: expect.any(String) }),
      );
    }
    const byType = (type: string) => all.filter((e) => e.type === type);
    const assignment = all.filter((e) => e.metadata.correlationId === 'corr-assign');
    expect(assignment.map((e) => e.type)).toEqual(['EpisodeReserved', 'AssignmentStarted', 'FeeCharged', 'JournalObligationRaised']);
    // One command, one command id, shared by the reservation and the episode's events.
    expect(new Set(assignment.map((e) => e.metadata.commandId)).size).toBe(1);
    expect(assignment.every((e) => e.metadata.actorId === THERAPIST && e.metadata.role === 'therapist')).toBe(true);
    expect(byType('PartCompleted')[0]!.metadata).toMatchObject({ actorId: 'SE2321000131-GW1', role: 'patient_gateway', unitId: UNIT });
    expect(byType('TherapistChanged')[0]!.metadata).toMatchObject({ actorId: 'SE2321000131-A001', role: 'unit_admin' });
    expect(byType('AbsenceNoticePublished')[0]).toMatchObject({
      streamId: `unit-${UNIT}`,
      data: { noticeId: notice.body.noticeId, text: 'Mottagningen är stängd under helgerna.' },
      metadata: { actorId: 'SE2321000131-A001', role: 'unit_admin', unitId: UNIT },
    });
    // The answers name the revision and position the store gave.
    const episode = all.filter((e) => e.streamId === `episode-${id}`);
    expect(adminRes.body).toMatchObject({ revision: episode.at(-1)!.revision, position: episode.at(-1)!.position.toString() });
    expect(adminRes.headers.etag).toBe(`"${adminRes.body.revision}"`);
  });

  it('refuses HS256 tokens that are expired, wrongly signed or carry bad claims with 401, writing nothing', async () => {
    const before = await t.store.headPosition();
    const secret = t.config.jwtSecret!;
    const claims = { sub: THERAPIST, role: 'therapist', unit: UNIT };
    const tokens = [
      jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 120 }, secret, { algorithm: 'HS256' }),
      jwt.sign(claims, 'another-secret-of-sufficient-length', { algorithm: 'HS256' }),
      jwt.sign({ ...claims, role: 'superuser' }, secret, { algorithm: 'HS256' }),
      jwt.sign({ sub: THERAPIST, role: 'therapist' }, secret, { algorithm: 'HS256' }), // therapist without a unit
      jwt.sign(claims, secret, { algorithm: 'HS512' }),
    ];
    for (const token of tokens) {
      await expectError(await t.http.post('/episodes').set('Authorization', `Bearer ${token}`).send({ ...ASSIGN, personnummer: '20190101-2391' }), 401, 'UNAUTHENTICATED');
    }
    await expectError(await t.http.post('/episodes').set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`).send(ASSIGN), 401, 'UNAUTHENTICATED');
    expect(await t.store.headPosition()).toBe(before);
  });

  it("keeps a patient_gateway token that names an episode to that episode (another looks missing)", async () => {
    const first = await t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, personnummer: '19030818-9802' });
    const second = await t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, personnummer: '202601612381' });
    const gateway = t.auth('patient_gateway', { episode: first.body.episodeId });
    const before = await t.store.headPosition();
    await expectError(await t.http.post(`/episodes/${second.body.episodeId}/progress`).set(gateway).send({ moduleId: 'hand', partId: 'hand-pain' }), 404, 'NOT_FOUND');
    expect(await t.store.headPosition()).toBe(before);
    expect((await t.http.post(`/episodes/${first.body.episodeId}/progress`).set(gateway).send({ moduleId: 'hand', partId: 'hand-pain' })).status).toBe(200);
  });

  it('GET /health answers without a token, with the head position of the store', async () => {
    const health = await t.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', store: { headPosition: (await t.store.headPosition()).toString() } });
  });

  it('GET /openapi.json documents every write of the contract from the schemas that validate', async () => {
    const doc = await t.http.get('/openapi.json');
    expect(doc.status).toBe(200);
    const writes: Array<[string, string, number]> = [
      ['post', '/episodes', 201],
      ['put', '/episodes/{id}/welcome-text', 200],
      ['post', '/episodes/{id}/modules/{moduleId}/hide', 200],
      ['post', '/episodes/{id}/modules/{moduleId}/show', 200],
      ['post', '/episodes/{id}/progress', 200],
      ['post', '/episodes/{id}/exercises', 200],
      ['post', '/episodes/{id}/activity-plan', 200],
      ['post', '/episodes/{id}/activity-reports', 200],
      ['post', '/episodes/{id}/messages', 201],
      ['post', '/episodes/{id}/messages/read', 200],
      ['post', '/episodes/{id}/therapist', 200],
      ['post', '/episodes/{id}/journal-entries', 200],
      ['post', '/episodes/{id}/end', 200],
      ['post', '/units/{unitId}/absence-notices', 201],
    ];
    for (const [method, path, status] of writes) {
      const op = doc.body.paths[path]?.[method];
      expect({ path, method, documented: op !== undefined }).toEqual({ path, method, documented: true });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining([String(status), '400', '401', '403', '409', '412', '422']));
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['Idempotency-Key', 'If-Match']));
    }
    // What the document says of the assignment body is what validation enforces.
    const assign = doc.body.paths['/episodes'].post.requestBody.content['application/json'].schema;
    expect(assign.required).toEqual(expect.arrayContaining(['personnummer', 'therapistId', 'diagnosisCode']));
    expect(assign.additionalProperties).toBe(false);
    const missing = await t.http.post('/episodes').set(t.auth('therapist')).send({ surprise: true });
    await expectError(missing, 400, 'VALIDATION_FAILED');
    const paths = missing.body.error.details.map((d: { path: string }) => d.path);
    for (const field of assign.required as string[]) expect(paths).toContain(`body.${field}`);
    const end = doc.body.paths['/episodes/{id}/end'].post.requestBody.content['application/json'].schema;
    expect(end.properties.outcome.enum).toEqual(expect.arrayContaining(['completed', 'abandoned']));
    for (const path of Object.keys(doc.body.paths)) expect(path).not.toMatch(/:\w+/); // OpenAPI path templates, not Express ones
  });
});

describe('when the store cannot be reached', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => t.stop());

  it('answers writes and /health with 503 STORE_UNAVAILABLE and the error body', async () => {
    await t.infrastructure.rawStore.close();
    await expectError(await t.http.post('/episodes').set(t.auth('therapist')).send(ASSIGN), 503, 'STORE_UNAVAILABLE');
    await expectError(await t.http.post('/episodes/01ARZ3NDEKTSV4RRFFQ69G5FAV/modules/hand/hide').set(t.auth('therapist')), 503, 'STORE_UNAVAILABLE');
    await expectError(await t.http.get('/health'), 503, 'STORE_UNAVAILABLE');
  });
});
