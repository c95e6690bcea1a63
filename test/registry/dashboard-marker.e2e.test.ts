// The dashboard marks an episode whose quality-registry follow-up is due: the baseline from
// the assignment on, until it is recorded; the marker goes when the follow-up is recorded.
import { startApp, TestClock, THERAPIST, type TestApp } from '../e2e/harness';

const clock = new TestClock('2026-11-22T09:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startApp({ clock });
});
afterAll(async () => t.stop());

const dashboard = async (after: string) => {
  const res = await t.http.get('/dashboard').query({ after }).set(t.auth('therapist'));
  expect(res.status).toBe(200);
  return res.body as { episodes: { episodeId: string; registryFollowUpDue: boolean }[] };
};

it('shows the marker while the baseline follow-up is due, and not once it is recorded', async () => {
  const assigned = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
  expect(assigned.status).toBe(201);
  const id = assigned.body.episodeId as string;
  expect((await dashboard(assigned.body.position)).episodes.find((e) => e.episodeId === id)?.registryFollowUpDue).toBe(true);

  const recorded = await t.http
    .post(`/episodes/${id}/registry-follow-ups`)
    .set(t.auth('therapist'))
    .send({ timepoint: 'baseline', measures: { pain: 6, eqVas: 55 }, answeredVia: 'phone' });
  expect(recorded.status).toBe(200);
  expect((await dashboard(recorded.body.position)).episodes.find((e) => e.episodeId === id)?.registryFollowUpDue).toBe(false);
});
