// End to end over HTTP on a real SQLite file: a whole episode from assignment to end,
// with the events checked in the store.
import { startApp, TestClock, THERAPIST, THERAPIST_2, UNIT, type TestApp } from './harness';

// 2026-11-22 is a Sunday: the default plan's first occasion is today.
const clock = new TestClock('2026-11-22T09:00:00.000Z');
let t: TestApp;

beforeAll(async () => {
  t = await startApp({ clock });
});
afterAll(async () => t.stop());

const types = async (episodeId: string) => (await t.store.readStream(`episode-${episodeId}`)).map((e) => e.type);

async function assign(personnummer = '19121212-1212', extra: Record<string, unknown> = {}) {
  const res = await t.http
    .post('/episodes')
    .set(t.auth('therapist'))
    .send({ personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1', ...extra });
  expect(res.status).toBe(201);
  return res.body as { episodeId: string; revision: number; position: string; warnings: string[] };
}

describe('a whole episode, assignment to end', () => {
  it('runs through every write of the contract', async () => {
    const a = await assign('19121212-1212', { patientStatus: { hasLoggedIn: false, notificationsEnabled: false } });
    expect(a.warnings).toEqual(['PATIENT_NEVER_LOGGED_IN', 'NOTIFICATIONS_DISABLED']);
    expect(a.revision).toBe(2);
    expect(typeof a.position).toBe('string');
    const id = a.episodeId;
    const gw = t.auth('patient_gateway');
    const th = t.auth('therapist');

    expect((await t.http.put(`/episodes/${id}/welcome-text`).set(th).send({ text: 'Hej och välkommen!' })).status).toBe(200);
    expect((await t.http.post(`/episodes/${id}/modules/hand/hide`).set(th)).status).toBe(200);
    expect((await t.http.post(`/episodes/${id}/modules/hand/show`).set(th)).status).toBe(200);
    const progress = await t.http.post(`/episodes/${id}/progress`).set(gw).send({ moduleId: 'hip-knee', partId: 'hk-training-introduction' });
    expect(progress.status).toBe(200);
    const ex = await t.http.post(`/episodes/${id}/exercises`).set(th).send({ programme: 'leg', exerciseIds: ['leg-sit-to-stand', 'leg-bridge'] });
    expect(ex.status).toBe(200);
    const plan = await t.http.post(`/episodes/${id}/activity-plan`).set(th).send({});
    expect(plan.status).toBe(200);
    expect(plan.body.plan.schedule).toEqual({
      startDate: '2026-11-22', repeat: 'until-further-notice', endDate: null, interval: 'weekly', weekday: 'sunday', time: '16:00', reportWindowDays: 3,
    });
    const report = await t.http.post(`/episodes/${id}/activity-reports`).set(gw).send({ occasion: '2026-11-22', answers: { trained: true, 'activity-type': 'promenad', experience: 7 } });
    expect(report.status).toBe(200);
    const msg = await t.http.post(`/episodes/${id}/messages`).set(gw).send({ text: 'Det gör ont i knät efter övningarna.' });
    expect(msg.status).toBe(201);
    expect(msg.body).toEqual(expect.objectContaining({ messageId: expect.any(String), conversationId: expect.any(String) }));
    const reply = await t.http.post(`/episodes/${id}/messages`).set(th).send({ text: 'Minska antalet repetitioner.', conversationId: msg.body.conversationId });
    expect(reply.status).toBe(201);
    expect(reply.body.conversationId).toBe(msg.body.conversationId);
    expect((await t.http.post(`/episodes/${id}/messages/read`).set(th).send({ upToMessageId: msg.body.messageId })).status).toBe(200);
    expect((await t.http.post(`/episodes/${id}/therapist`).set(t.auth('unit_admin')).send({ therapistId: THERAPIST_2, reason: 'absence' })).status).toBe(200);
    expect((await t.http.post(`/episodes/${id}/therapist`).set(t.auth('unit_admin')).send({ therapistId: THERAPIST, reason: 'return' })).status).toBe(200);
    expect((await t.http.post(`/episodes/${id}/journal-entries`).set(th).send({ obligationId: 'assignment', journalReference: 'COSMIC-123' })).status).toBe(200);
    const end = await t.http.post(`/episodes/${id}/end`).set(th).send({ outcome: 'completed' });
    expect(end.status).toBe(200);
    expect(end.body.status).toBe('completed');

    expect(await types(id)).toEqual([
      'AssignmentStarted', 'FeeCharged', 'JournalObligationRaised',
      'WelcomeTextEdited', 'ModuleHidden', 'ModuleShown', 'PartCompleted', 'ExercisesRevealed', 'PlanActivated', 'ActivityReported',
      'MessageSent', 'JournalObligationRaised', 'MessageSent', 'MessagesRead', 'TherapistChanged', 'TherapistChanged',
      'JournalEntryRecorded', 'SchoolCompleted', 'JournalObligationRaised', 'EpisodeCompleted', 'JournalObligationRaised',
    ]);
    const events = await t.store.readStream(`episode-${id}`);
    expect(events[0]!.metadata).toEqual(expect.objectContaining({ actorId: THERAPIST, role: 'therapist', unitId: UNIT, commandId: expect.any(String) }));
    expect(events[6]!.metadata.role).toBe('patient_gateway');

    // After the end: nothing but journaling.
    const late = await t.http.post(`/episodes/${id}/modules/hand/hide`).set(th);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('EPISODE_ENDED');
    expect((await t.http.post(`/episodes/${id}/journal-entries`).set(th).send({ obligationId: 'end', form: 'note' })).status).toBe(200);

    // The patient may start a new episode once the first has ended.
    const again = await t.http.post('/episodes').set(th).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(again.status).toBe(201);
  });

  it('charges the fee or records the exemption with its reason', async () => {
    const a = await assign('20190101-2391', { feeExemption: { reason: 'Frikort', kind: 'high-cost-card' } });
    const events = await t.store.readStream(`episode-${a.episodeId}`);
    expect(events[1]).toEqual(expect.objectContaining({ type: 'FeeExempted', data: expect.objectContaining({ reason: 'Frikort', waivedAmountSek: 200 }) }));
  });
});
