// End to end: every read endpoint of the contract answers from the projections of the real
// app on a temporary SQLite file; a write followed by a read with ?after= sees its effect.
// Every answer is checked against the served OpenAPI document.
import { startApp, OTHER_UNIT, TestClock, THERAPIST, THERAPIST_2, UNIT, type TestApp } from '../e2e/harness';
import { documentOf, ResponseValidator, validated } from '../contract/openapi-validator';

// 2026-11-22 is a Sunday: the default plan's first occasion is that day.
const clock = new TestClock('2026-11-22T09:00:00.000Z');
let t: TestApp;
let http: TestApp['http'];

beforeAll(async () => {
  t = await startApp({ clock });
  http = validated(t, new ResponseValidator(await documentOf(t)));
});
afterAll(async () => t.stop());

// Tests that need a patient already in an active episode at UNIT use a unit of their own
// (one active episode per patient and unit).
const unitOf = (n: number) => `SE2321000131-E0${n}`;
const th = (unit = UNIT) => t.auth('therapist', { unit });
const admin = (unit = UNIT) => t.auth('unit_admin', { unit });

async function write(method: 'post' | 'put', path: string, body: object | undefined, auth: { Authorization: string }, status = 200) {
  const req = (method === 'post' ? http.post(path) : http.put(path)).set(auth);
  const res = body === undefined ? await req : await req.send(body);
  expect(res.status).toBe(status);
  return res.body as { episodeId: string; position: string; revision: number; [k: string]: unknown };
}

async function assign(personnummer: string, extra: Record<string, unknown> = {}, unit = UNIT) {
  return write('post', '/episodes', { personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1', ...extra }, th(unit), 201);
}

describe('the progress view and the patient view', () => {
  it('shows what the therapist follows, and the patient sees no hidden module', async () => {
    const a = await assign('19121212-1212', { patientStatus: { hasLoggedIn: false, notificationsEnabled: true } });
    const id = a.episodeId;
    const first = await http.get(`/episodes/${id}?after=${a.position}`).set(th());
    expect(first.status).toBe(200);
    expect(first.body).toEqual(
      expect.objectContaining({
        episodeId: id,
        status: 'active',
        therapistId: THERAPIST,
        assignedAt: '2026-11-22T09:00:00.000Z',
        accessUntil: '2027-02-22',
        warnings: ['PATIENT_NEVER_LOGGED_IN'],
        unreadMessageCount: 0,
        activityPlan: null,
        fee: expect.objectContaining({ kind: 'charged', amountSek: 200 }),
      }),
    );
    expect(first.body.modules.map((m: { moduleId: string; visible: boolean }) => [m.moduleId, m.visible])).toEqual([['hip-knee', true], ['hand', true]]);
    expect(first.headers.etag).toBe(`"${first.body.revision}"`);

    const gw = t.auth('patient_gateway');
    await write('post', `/episodes/${id}/modules/hand/hide`, undefined, th());
    await write('post', `/episodes/${id}/progress`, { moduleId: 'hip-knee', partId: 'hk-about-osteoarthritis' }, gw);
    await write('post', `/episodes/${id}/progress`, { moduleId: 'hip-knee', partId: 'hk-training-introduction' }, gw);
    await write('post', `/episodes/${id}/exercises`, { programme: 'leg', exerciseIds: ['leg-sit-to-stand', 'leg-bridge'] }, th());
    const plan = await write('post', `/episodes/${id}/activity-plan`, {}, th());

    const view = await http.get(`/episodes/${id}?after=${plan.position}`).set(th());
    expect(view.status).toBe(200);
    const hipKnee = view.body.modules.find((m: { moduleId: string }) => m.moduleId === 'hip-knee');
    expect(hipKnee.parts.filter((p: { done: boolean }) => p.done).map((p: { partId: string }) => p.partId)).toEqual(['hk-about-osteoarthritis', 'hk-training-introduction']);
    expect(view.body.modules.find((m: { moduleId: string }) => m.moduleId === 'hand').visible).toBe(false);
    expect(view.body.exercises.leg.map((x: { exerciseId: string }) => x.exerciseId)).toEqual(['leg-sit-to-stand', 'leg-bridge']);
    expect(view.body.activityPlan.occasions[0]).toEqual(expect.objectContaining({ occasion: '2026-11-22', status: 'open', reportedAt: null }));
    expect(view.body.activityPlan.adherence).toEqual({ due: 1, reported: 0, share: 0 });

    const patient = await http.get(`/episodes/${id}/patient-view?after=${plan.position}`).set(gw);
    expect(patient.status).toBe(200);
    expect(patient.body.modules.map((m: { moduleId: string }) => m.moduleId)).toEqual(['hip-knee']);
    expect(patient.body.welcomeText).toEqual(expect.any(String));
    expect(patient.body.accessUntil).toBe('2027-02-22');
    expect(patient.body.exercises.leg).toHaveLength(2);
    expect(patient.body.activityPlan.openOccasions.map((o: { occasion: string }) => o.occasion)).toEqual(['2026-11-22']);

    // A week later the first occasion was reported, the second is open.
    const report = await write('post', `/episodes/${id}/activity-reports`, { occasion: '2026-11-22', answers: { trained: true, 'activity-type': 'promenad', experience: 6 } }, gw);
    clock.advanceDays(7);
    const later = await http.get(`/episodes/${id}?after=${report.position}`).set(th());
    expect(later.body.activityPlan.occasions.slice(0, 2).map((o: { status: string }) => o.status)).toEqual(['reported', 'open']);
    expect(later.body.activityPlan.adherence).toEqual({ due: 2, reported: 1, share: 0.5 });
    clock.advanceDays(-7);
  });

  it('hides another unit\'s episode (404) and refuses roles the contract does not name (403)', async () => {
    const a = await assign('20190101-2391');
    expect((await http.get(`/episodes/${a.episodeId}?after=${a.position}`).set(t.auth('therapist', { unit: OTHER_UNIT }))).status).toBe(404);
    expect((await http.get(`/episodes/${a.episodeId}`).set(t.auth('auditor'))).status).toBe(200);
    expect((await http.get(`/episodes/${a.episodeId}`).set(t.auth('reporting'))).status).toBe(403);
    expect((await http.get(`/episodes/${a.episodeId}`)).status).toBe(401);
    expect((await http.get(`/episodes/${a.episodeId}/patient-view`).set(t.auth('patient_gateway', { episode: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }))).status).toBe(404);
    expect((await http.get('/episodes/01ARZ3NDEKTSV4RRFFQ69G5FAV').set(th())).status).toBe(404);
    await write('post', `/episodes/${a.episodeId}/end`, { outcome: 'abandoned' }, th());
  });
});

describe('messages and the dashboard', () => {
  it('marks unread patient messages until the therapist reads them', async () => {
    const a = await assign('19030818-9802');
    const id = a.episodeId;
    const gw = t.auth('patient_gateway');
    const msg = await write('post', `/episodes/${id}/messages`, { text: 'Får jag träna när det gör ont?' }, gw, 201);
    const dash = await http.get(`/dashboard?after=${msg.position}`).set(th());
    expect(dash.status).toBe(200);
    const row = dash.body.episodes.find((e: { episodeId: string }) => e.episodeId === id);
    expect(row).toEqual(expect.objectContaining({ therapistId: THERAPIST, patient: { personnummerMasked: '19030818-****' }, warnings: [] }));
    expect(row.unreadMessages).toEqual(expect.objectContaining({ marker: true, count: 1 }));
    expect(JSON.stringify(dash.body)).not.toContain('19030818-9802');

    const convo = await http.get(`/episodes/${id}/messages?after=${msg.position}`).set(gw);
    expect(convo.status).toBe(200);
    expect(convo.body.conversations).toHaveLength(1);
    expect(convo.body.conversations[0].messages[0]).toEqual(
      expect.objectContaining({ senderRole: 'patient', text: 'Får jag träna när det gör ont?', read: false }),
    );
    const reply = await write('post', `/episodes/${id}/messages`, { text: 'Ja, lagom mycket.', conversationId: msg.conversationId }, th(), 201);
    const read = await write('post', `/episodes/${id}/messages/read`, { upToMessageId: msg.messageId }, th());
    const after = await http.get(`/episodes/${id}/messages?after=${read.position}`).set(th());
    // A therapist's own message is read as it is sent (`read` is never null).
    expect(after.body.conversations[0].messages.map((m: { read: boolean; notifyInbox: boolean }) => [m.read, m.notifyInbox])).toEqual([[true, false], [true, true]]);
    expect(after.body.unreadCount).toBe(0);
    expect(reply.conversationId).toBe(msg.conversationId);
    const dash2 = await http.get(`/dashboard?after=${read.position}`).set(th());
    expect(dash2.body.episodes.find((e: { episodeId: string }) => e.episodeId === id).unreadMessages.marker).toBe(false);
  });

  it('sorts by assignment date both ways, shows a therapist their own and an admin the unit', async () => {
    clock.advanceDays(1);
    const second = await write('post', '/episodes', { personnummer: '202601612381', therapistId: THERAPIST_2, diagnosisCode: 'M18.1' }, admin(), 201);
    clock.advanceDays(-1);
    const asc = await http.get(`/dashboard?after=${second.position}`).set(admin());
    const dates = asc.body.episodes.map((e: { assignedAt: string }) => e.assignedAt);
    expect(dates).toEqual([...dates].sort());
    expect(asc.body.episodes.map((e: { therapistId: string }) => e.therapistId)).toContain(THERAPIST_2);
    const desc = await http.get('/dashboard?sort=-assignedAt').set(admin());
    expect(desc.body.episodes.map((e: { episodeId: string }) => e.episodeId)).toEqual(asc.body.episodes.map((e: { episodeId: string }) => e.episodeId).reverse());
    const own = await http.get('/dashboard').set(th());
    expect(own.body.episodes.every((e: { therapistId: string }) => e.therapistId === THERAPIST)).toBe(true);
    const filtered = await http.get(`/dashboard?therapistId=${THERAPIST_2}`).set(admin());
    expect(filtered.body.episodes.map((e: { episodeId: string }) => e.episodeId)).toEqual([second.episodeId]);
    expect((await http.get(`/dashboard?therapistId=${THERAPIST_2}`).set(th())).status).toBe(403);
    expect((await http.get('/dashboard').set(t.auth('reporting'))).status).toBe(403);
    expect((await http.get('/dashboard?sort=name').set(admin())).status).toBe(400);
  });

  it('shows the unit\'s absence notice in force', async () => {
    const n = await write('post', `/units/${UNIT}/absence-notices`, { from: '2026-11-20T00:00:00+01:00', to: '2026-11-30T00:00:00+01:00', text: 'Mottagningen är stängd.' }, admin(), 201);
    const notices = await http.get(`/units/${UNIT}/absence-notices?active=true&after=${n.position}`).set(t.auth('patient_gateway'));
    expect(notices.status).toBe(200);
    expect(notices.body.notices).toEqual([expect.objectContaining({ text: 'Mottagningen är stängd.', from: expect.any(String), to: expect.any(String) })]);
    const dash = await http.get('/dashboard').set(th());
    expect(dash.body.absenceNotice).toEqual(expect.objectContaining({ text: 'Mottagningen är stängd.' }));
    expect((await http.get(`/units/${OTHER_UNIT}/absence-notices`).set(th())).status).toBe(403);
  });
});

describe('billing, journal and outcomes', () => {
  it('ledger lines reconcile with assignments, and CSV exports them for invoicing', async () => {
    const unit = unitOf(20);
    await assign('20190101-2391', {}, unit);
    const ex = await assign('19121212-1212', { feeExemption: { reason: 'Frikort', kind: 'high-cost-card' } }, unit);
    const ledger = await http.get(`/billing/ledger?unitId=${unit}&after=${ex.position}`).set(t.auth('reporting'));
    expect(ledger.status).toBe(200);
    expect(ledger.body.totals).toEqual({ chargedSek: 200, charges: 1, exemptions: 1, waivedSek: 200 });
    expect(ledger.body.reconciliation).toEqual({ assignments: 2, feeLines: 2, balanced: true });
    expect(ledger.body.lines.map((l: { patient: string }) => l.patient)).toEqual(['20190101-****', '19121212-****']);
    expect(ledger.body.lines[1]).toEqual(expect.objectContaining({ kind: 'exemption', reason: 'Frikort', amountSek: 0, exemptionKind: 'high-cost-card' }));
    const own = await http.get('/billing/ledger').set(admin(unit));
    expect(own.body.lines).toEqual(ledger.body.lines);
    const csv = await http.get(`/billing/ledger?unitId=${unit}`).set(t.auth('reporting')).set('Accept', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toBe('date,unit_id,episode_id,patient,kind,amount_sek,exemption_kind,reason,waived_sek,recorded_at,line_id');
    expect(rows.slice(1).map((r) => r.split(',').slice(3, 8).join(','))).toEqual(['20190101-****,charge,200,,', '19121212-****,exemption,0,high-cost-card,Frikort']);
    expect((await http.get(`/billing/ledger?unitId=${OTHER_UNIT}`).set(admin())).status).toBe(403);
    expect((await http.get('/billing/ledger?from=2026-13-01').set(admin())).status).toBe(400);
  });

  it('journal obligations carry the codes, and recording one moves it to recorded', async () => {
    const a = await assign('20190101-2391');
    const outstanding = await http.get(`/journal/obligations?status=outstanding&episodeId=${a.episodeId}&after=${a.position}`).set(th());
    expect(outstanding.status).toBe(200);
    expect(outstanding.body.obligations).toEqual([
      expect.objectContaining({ obligationId: 'assignment', kvaCodes: ['GB020', 'ZV044'], diagnosisCode: 'M17.1', searchWord: 'Artrosbehandling', status: 'outstanding', therapistId: THERAPIST }),
    ]);
    const rec = await write('post', `/episodes/${a.episodeId}/journal-entries`, { obligationId: 'assignment', journalReference: 'COSMIC-42' }, th());
    const recorded = await http.get(`/journal/obligations?status=recorded&episodeId=${a.episodeId}&after=${rec.position}`).set(t.auth('auditor'));
    expect(recorded.body.obligations).toEqual([expect.objectContaining({ obligationId: 'assignment', status: 'recorded' })]);
    expect(recorded.body.compliance.units).toContainEqual(expect.objectContaining({ unitId: UNIT, recorded: expect.any(Number) }));
    expect((await http.get('/journal/obligations').set(t.auth('reporting'))).status).toBe(403);
  });

  it('outcomes count completion per unit and month, without personal data', async () => {
    const unit = unitOf(30);
    const a = await assign('202601612381', {}, unit);
    const b = await assign('19121212-1212', {}, unit);
    await write('post', `/episodes/${a.episodeId}/end`, { outcome: 'completed' }, th(unit));
    const end = await write('post', `/episodes/${b.episodeId}/end`, { outcome: 'abandoned' }, th(unit));
    const res = await http.get(`/reports/outcomes?unitId=${unit}&after=${end.position}`).set(t.auth('reporting'));
    expect(res.status).toBe(200);
    expect(res.body.lines).toEqual([
      expect.objectContaining({ unitId: unit, month: '2026-11', assignments: 2, completed: 1, abandoned: 1, active: 0, completionRate: 0.5, abandonmentRate: 0.5, meanDaysToEnd: 0 }),
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/\d{8}-?\d{4}|\*{4}/);
    expect((await http.get('/reports/outcomes').set(admin(unit))).body.lines).toEqual(res.body.lines);
    expect((await http.get('/reports/outcomes?from=2026-1').set(t.auth('reporting'))).status).toBe(400);
  });
});

describe('read your writes and the access log', () => {
  it('waits for ?after, refuses a bad one, and answers 503 PROJECTION_BEHIND past the wait', async () => {
    expect((await http.get('/dashboard?after=abc').set(th())).body.error.code).toBe('VALIDATION_FAILED');
    const head = BigInt((await http.get('/health')).body.store.headPosition);
    const behind = await http.get(`/dashboard?after=${head + 1000n}`).set(th());
    expect(behind.status).toBe(503);
    expect(behind.body.error.code).toBe('PROJECTION_BEHIND');
  });

  it('without ?after, a read right after a write still sees it (short catch-up wait)', async () => {
    const unit = unitOf(40);
    const a = await assign('20190101-2391', {}, unit);
    const res = await http.get(`/episodes/${a.episodeId}`).set(th(unit));
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(a.revision);
  });

  it('records who read which patient before the answer leaves', async () => {
    const unit = unitOf(50);
    const a = await assign('19121212-1212', {}, unit);
    const health = await http.get('/health');
    expect(health.body.projections.projections.map((p: { name: string }) => p.name)).toContain('dashboard');
    expect((await http.get(`/episodes/${a.episodeId}?after=${a.position}`).set(t.auth('therapist', { sub: THERAPIST_2, unit }))).status).toBe(200);
    const log = await http.get(`/access-log?userId=${THERAPIST_2}`).set(t.auth('auditor'));
    expect(log.body.records).toContainEqual(expect.objectContaining({ endpoint: 'GET /episodes/:id', episodeId: a.episodeId, actorId: THERAPIST_2 }));
  });
});
