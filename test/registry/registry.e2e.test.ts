// End to end over HTTP: the registry follow-up as a workflow (who may answer, when, the due
// list with its statuses, the 12-month follow-up of an ended episode, corrections) and the
// export that feeds the registry (JSON, CSV, every patient access-logged as "registry
// reporting"). Every answer is checked against the served OpenAPI document.
import { startApp, OTHER_UNIT, TestClock, THERAPIST, UNIT, type TestApp } from '../e2e/harness';
import { documentOf, ResponseValidator, validated } from '../contract/openapi-validator';

const clock = new TestClock('2026-11-22T09:00:00.000Z');
let t: TestApp;
let http: TestApp['http'];
const th = () => t.auth('therapist');
const admin = (unit = UNIT) => t.auth('unit_admin', { unit });
let a: string;
let b: string;
let last = '0';

beforeAll(async () => {
  t = await startApp({ clock });
  http = validated(t, new ResponseValidator(await documentOf(t)));
});
afterAll(async () => t.stop());

async function write(path: string, body: object, auth: { Authorization: string }, status = 200) {
  const res = await http.post(path).set(auth).send(body);
  expect([res.status, res.body?.error?.code]).toEqual([status, undefined]);
  last = res.body.position as string;
  return res.body as { episodeId: string; position: string };
}
const refused = async (path: string, body: object, auth: { Authorization: string }) => {
  const res = await http.post(path).set(auth).send(body);
  return [res.status, res.body.error?.code];
};
const dueList = async (query: Record<string, string> = {}, auth = th()) => {
  const res = await http.get('/registry/follow-ups').query({ after: last, ...query }).set(auth);
  expect(res.status).toBe(200);
  return res.body as { today: string; followUps: { episodeId: string; timepoint: string; status: string; dueOn: string; window: { opensOn: string; closesOn: string }; recorded: null | Record<string, unknown>; episodeStatus: string }[] };
};
const brief = (list: Awaited<ReturnType<typeof dueList>>) => list.followUps.map((f) => [f.episodeId === a ? 'A' : f.episodeId === b ? 'B' : '?', f.timepoint, f.status, f.dueOn]);

describe('the registry follow-up over HTTP', () => {
  it('takes the paper answer from staff and the patient\'s own through 1177, for that episode only', async () => {
    a = (await write('/episodes', { personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' }, th(), 201)).episodeId;
    b = (await write('/episodes', { personnummer: '20190101-2391', therapistId: THERAPIST, diagnosisCode: 'M16.1' }, th(), 201)).episodeId;
    await write(`/episodes/${a}/registry-follow-ups`, { timepoint: 'baseline', measures: { pain: 7, eqVas: 50, eq5dIndex: 0.62, eq5d5l: { mobility: 2, selfCare: 1, usualActivities: 2, painDiscomfort: 3, anxietyDepression: 1 } }, answeredVia: 'paper' }, th());
    // The gateway's token names A: B looks missing, and A's 3 months has not opened.
    const gatewayA = t.auth('patient_gateway', { episode: a });
    expect(await refused(`/episodes/${b}/registry-follow-ups`, { timepoint: 'baseline', measures: { pain: 5 } }, gatewayA)).toEqual([404, 'NOT_FOUND']);
    expect(await refused(`/episodes/${a}/registry-follow-ups`, { timepoint: '3-months', measures: { pain: 5 } }, gatewayA)).toEqual([409, 'OCCASION_NOT_YET_OPEN']);
    expect(await refused(`/episodes/${a}/registry-follow-ups`, { timepoint: '3-months', measures: { pain: 11 } }, th())).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refused(`/episodes/${a}/registry-follow-ups`, { timepoint: '3-months', measures: { eq5d5l: { mobility: 6, selfCare: 1, usualActivities: 1, painDiscomfort: 1, anxietyDepression: 1 } } }, th())).toEqual([400, 'VALIDATION_FAILED']);

    const list = await dueList({ status: 'recorded' });
    expect(list.followUps).toEqual([
      expect.objectContaining({ episodeId: a, timepoint: 'baseline', status: 'recorded', dueOn: '2026-11-22', window: { opensOn: '2026-11-22', closesOn: '2026-12-22' }, recorded: { on: '2026-11-22', by: THERAPIST, answeredVia: 'paper', outsideWindow: false, corrections: 0 } }),
    ]);
    expect(list.followUps[0]).toMatchObject({ patient: { personnummerMasked: '19121212-****' } });
    expect(brief(await dueList())).toEqual([['A', 'baseline', 'recorded', '2026-11-22'], ['B', 'baseline', 'due', '2026-11-22']]);
    expect(brief(await dueList({ status: 'upcoming' })).map(([p, tp]) => `${p} ${tp}`)).toEqual(['A 3-months', 'B 3-months', 'A 12-months', 'B 12-months']);
  });

  it('moves on with the calendar: overdue past the window, the 3 months at the end, the 12 months after it', async () => {
    clock.current = '2027-02-10T09:00:00.000Z';
    await write(`/episodes/${a}/end`, { outcome: 'completed' }, th());
    expect(brief(await dueList())).toEqual([
      ['A', 'baseline', 'recorded', '2026-11-22'],
      ['B', 'baseline', 'overdue', '2026-11-22'],
      ['A', '3-months', 'due', '2027-02-10'],
      ['B', '3-months', 'due', '2027-02-22'],
    ]);
    // The patient answers the ended episode's 3 months inside its window; staff correct it later.
    await write(`/episodes/${a}/registry-follow-ups`, { timepoint: '3-months', measures: { pain: 3, eqVas: 70, satisfaction: 5 } }, t.auth('patient_gateway', { episode: a }));
    clock.current = '2027-02-12T09:00:00.000Z';
    await write(`/episodes/${a}/registry-follow-ups`, { timepoint: '3-months', measures: { pain: 2 }, correction: { reason: 'patient-corrected-answer' } }, th());
    const timeline = await http.get(`/episodes/${a}/timeline`).set(admin());
    const followUps = timeline.body.entries.filter((e: { type: string }) => e.type === 'RegistryFollowUpRecorded').map((e: { data: unknown }) => e.data);
    expect(followUps.slice(1)).toEqual([
      expect.objectContaining({ timepoint: '3-months', measures: { pain: 3, eqVas: 70, satisfaction: 5 }, answeredVia: '1177' }),
      expect.objectContaining({ timepoint: '3-months', measures: { pain: 2, eqVas: 70, satisfaction: 5 }, correction: { correctsRevision: expect.any(Number), changes: [{ measure: 'pain', from: 3, to: 2 }], reason: 'patient-corrected-answer' }, by: THERAPIST }),
    ]);
    expect((await dueList({ status: 'recorded' })).followUps.find((f) => f.timepoint === '3-months')).toMatchObject({ episodeId: a, recorded: { answeredVia: '1177', corrections: 1 } });

    clock.current = '2027-11-15T09:00:00.000Z';
    const due = await dueList({ status: 'due' });
    expect(due.followUps.map((f) => [f.episodeId === a ? 'A' : 'B', f.timepoint, f.episodeStatus])).toEqual([['A', '12-months', 'completed'], ['B', '12-months', 'active']]);
    expect(brief(await dueList({ status: 'overdue', therapistId: THERAPIST }))).toEqual([['B', 'baseline', 'overdue', '2026-11-22'], ['B', '3-months', 'overdue', '2027-02-22']]);
    expect((await dueList({ therapistId: 'SE2321000131-T009' })).followUps).toEqual([]);
  });

  it('refuses another unit and a bad status', async () => {
    expect((await http.get('/registry/follow-ups').query({ unitId: OTHER_UNIT }).set(th())).status).toBe(403);
    expect((await http.get('/registry/follow-ups').query({ status: 'late' }).set(th())).body.error.code).toBe('VALIDATION_FAILED');
    expect((await http.get('/registry/follow-ups').set(t.auth('reporting'))).status).toBe(403);
  });
});

describe('the registry export', () => {
  const exportOf = (query: Record<string, string>, auth: { Authorization: string }) => http.get('/registry/export').query({ after: last, ...query }).set(auth);

  it('gives one row per episode and recorded timepoint, with the personnummer, dates, measures, school and adherence', async () => {
    const res = await exportOf({}, admin());
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([
      expect.objectContaining({
        episodeId: a, unitId: UNIT, personnummer: '191212121212', diagnosisCode: 'M17.1', assignedOn: '2026-11-22', endedOn: '2027-02-10', episodeStatus: 'completed',
        timepoint: 'baseline', dueOn: '2026-11-22', answeredOn: '2026-11-22', answeredVia: 'paper', corrections: 0, schoolCompleted: true, planAdherence: null,
        measures: { pain: 7, eqVas: 50, eq5dIndex: 0.62, eq5d5l: { mobility: 2, selfCare: 1, usualActivities: 2, painDiscomfort: 3, anxietyDepression: 1 } },
      }),
      expect.objectContaining({ episodeId: a, timepoint: '3-months', dueOn: '2027-02-10', answeredOn: '2027-02-10', answeredVia: '1177', corrections: 1, measures: { pain: 2, eqVas: 70, satisfaction: 5 } }),
    ]);
    // Only what was recorded: B answered nothing, so B is not in it.
    expect(JSON.stringify(res.body)).not.toContain('201901012391');
    const period = await exportOf({ from: '2027-02-11', to: '2027-02-28' }, admin());
    expect(period.body.rows.map((r: { timepoint: string }) => r.timepoint)).toEqual(['3-months']);
  });

  it('gives the same rows as CSV', async () => {
    const res = await exportOf({ format: 'csv' }, t.auth('registry_export', { unit: UNIT }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="registry-SE2321000131-E001-start-2027-11-15\.csv"$/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'unit_id,episode_id,personnummer,diagnosis_code,assigned_on,ended_on,episode_status,timepoint,due_on,answered_on,answered_via,corrections,pain_nrs,eq5d_mobility,eq5d_self_care,eq5d_usual_activities,eq5d_pain_discomfort,eq5d_anxiety_depression,eq5d_index,eq_vas,self_efficacy,physical_activity_days,fear_of_movement,wish_for_surgery,sick_leave,satisfaction,school_completed_reported,school_completed,plan_adherence',
    );
    expect(lines.slice(1)).toEqual([
      `${UNIT},${a},191212121212,M17.1,2026-11-22,2027-02-10,completed,baseline,2026-11-22,2026-11-22,paper,0,7,2,1,2,3,1,0.62,50,,,,,,,,yes,`,
      `${UNIT},${a},191212121212,M17.1,2026-11-22,2027-02-10,completed,3-months,2027-02-10,2027-02-10,1177,1,2,,,,,,,70,,,,,,5,,yes,`,
    ]);
  });

  it('access-logs every patient in it as a read with the reason "registry reporting"', async () => {
    const records = async (personnummer: string) =>
      ((await t.http.get('/access-log').query({ personnummer, limit: 1000 }).set(t.auth('auditor'))).body.records as { endpoint: string; action: string; role: string; episodeId: string }[]).filter(
        (r) => r.endpoint === 'GET /registry/export',
      );
    const logged = await records('19121212-1212');
    expect(logged.map((r) => [r.action, r.role, r.episodeId])).toEqual([
      ['registry reporting', 'unit_admin', a],
      ['registry reporting', 'unit_admin', a],
      ['registry reporting', 'registry_export', a],
    ]);
    expect(await records('20190101-2391')).toEqual([]);
  });

  it('is for the unit administrator of the unit and the registry_export role, no one else', async () => {
    expect((await exportOf({}, th())).status).toBe(403);
    expect((await exportOf({}, t.auth('reporting'))).status).toBe(403);
    expect((await exportOf({ unitId: UNIT }, admin(OTHER_UNIT))).status).toBe(403);
    expect((await exportOf({ from: '2027-03-01', to: '2027-02-01' }, admin())).body.error.code).toBe('VALIDATION_FAILED');
    const other = await exportOf({}, t.auth('registry_export', { unit: OTHER_UNIT }));
    expect([other.status, other.body.rows]).toEqual([200, []]);
  });
});
