// End to end over HTTP: GET /reports/outcomes answers "how good" per unit and month and for
// the region: coverage, change from baseline, satisfaction, by adherence band and outcome,
// with every cell of fewer than 5 patients (or one that would give such a cell away) hidden.
import { startApp, TestClock, THERAPIST, UNIT, type TestApp } from '../e2e/harness';
import { documentOf, ResponseValidator, validated } from '../contract/openapi-validator';
import type { OutcomeResults } from '../../src/projections/outcome-results';

const clock = new TestClock('2026-11-02T09:00:00.000Z');
const SMALL_UNIT = 'SE2321000131-E002';
let t: TestApp;
let http: TestApp['http'];
let last = '0';
const HIDDEN = { suppressed: 'fewer than 5' };

beforeAll(async () => {
  t = await startApp({ clock });
  http = validated(t, new ResponseValidator(await documentOf(t)));
});
afterAll(async () => t.stop());

async function write(path: string, body: object, unit: string, status = 200) {
  const res = await http.post(path).set(t.auth('therapist', { unit })).send(body);
  expect([res.status, res.body?.error?.code]).toEqual([status, undefined]);
  last = res.body.position as string;
  return res.body as { episodeId: string };
}

/** An episode with baseline pain and EQ VAS, ended and followed up at 3 months. */
async function followedUp(unit: string, personnummer: string, pain: [number, number], eqVas: [number, number], outcome: 'completed' | 'abandoned', satisfaction: number) {
  clock.current = '2026-11-02T09:00:00.000Z';
  const { episodeId } = await write('/episodes', { personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1' }, unit, 201);
  await write(`/episodes/${episodeId}/registry-follow-ups`, { timepoint: 'baseline', measures: { pain: pain[0], eqVas: eqVas[0] }, answeredVia: 'paper' }, unit);
  clock.current = '2026-12-15T09:00:00.000Z';
  await write(`/episodes/${episodeId}/end`, { outcome }, unit);
  await write(`/episodes/${episodeId}/registry-follow-ups`, { timepoint: '3-months', measures: { pain: pain[1], eqVas: eqVas[1], satisfaction }, answeredVia: 'phone' }, unit);
}

const PNRS = ['19121212-1212', '20190101-2391', '19030818-9802', '202601612381'];

describe('the outcomes report: how good', () => {
  beforeAll(async () => {
    // Five at UNIT (a patient may come back once the earlier episode has ended), one at SMALL_UNIT.
    await followedUp(UNIT, PNRS[0]!, [7, 3], [50, 70], 'completed', 5);
    await followedUp(UNIT, PNRS[1]!, [6, 5], [60, 65], 'completed', 4);
    await followedUp(UNIT, PNRS[2]!, [8, 4], [40, 60], 'completed', 5);
    await followedUp(UNIT, PNRS[3]!, [5, 5], [70, 70], 'abandoned', 3);
    await followedUp(UNIT, PNRS[0]!, [6, 2], [55, 80], 'completed', 5);
    await followedUp(SMALL_UNIT, PNRS[0]!, [9, 1], [20, 90], 'completed', 5);
    clock.current = '2027-01-10T09:00:00.000Z';
  });

  it('shows the region, and hides the small unit and the unit that would give it away', async () => {
    const res = await http.get('/reports/outcomes').query({ after: last }).set(t.auth('reporting'));
    expect(res.status).toBe(200);
    const region = res.body.region as { month: string; results: OutcomeResults }[];
    expect(region.map((r) => r.month)).toEqual(['2026-11']);
    const r = region[0]!.results;
    // Six patients: pain 7→3, 6→5, 8→4, 5→5, 6→2, 9→1.
    expect(r.change.threeMonths.pain).toEqual({ patients: 6, meanChange: -(4 + 1 + 4 + 0 + 4 + 8) / 6, medianChange: -4, improvedShare: 4 / 6 });
    expect(r.change.threeMonths.eqVas).toEqual({ patients: 6, meanChange: (20 + 5 + 20 + 0 + 25 + 70) / 6, medianChange: 20, improvedShare: 5 / 6 });
    expect(r.change.threeMonths.eq5dIndex).toEqual({ patients: 0, meanChange: null, medianChange: null, improvedShare: null });
    expect(r.satisfaction.threeMonths).toEqual({ patients: 6, mean: 27 / 6, median: 5 });
    expect(r.coverage).toEqual({ baseline: { eligible: 6, recorded: 6, share: 1 }, threeMonths: { eligible: 6, recorded: 6, share: 1 }, twelveMonths: { eligible: 0, recorded: 0, share: null } });
    // Five completed, one abandoned: the abandoned one is hidden, and so the completed five as well.
    expect(r.byOutcome.abandoned.change.threeMonths.pain).toEqual(HIDDEN);
    expect(r.byOutcome.completed.change.threeMonths.pain).toEqual(HIDDEN);
    // Nobody has a plan: all six in "no plan", the other bands empty.
    expect(r.byAdherence['no-plan'].change.threeMonths.pain).toMatchObject({ patients: 6 });
    expect(r.byAdherence['80-plus'].change.threeMonths.pain).toEqual({ patients: 0, meanChange: null, medianChange: null, improvedShare: null });

    const lines = res.body.lines as { unitId: string; results: OutcomeResults; registry: Record<string, unknown> }[];
    const small = lines.find((l) => l.unitId === SMALL_UNIT)!;
    const big = lines.find((l) => l.unitId === UNIT)!;
    expect(small.results.change.threeMonths.pain).toEqual(HIDDEN);
    // UNIT has five, but region minus UNIT would be the small unit's one patient.
    expect(big.results.change.threeMonths.pain).toEqual(HIDDEN);
    expect(small.results.coverage.baseline).toEqual(HIDDEN);
    expect(small.registry.baseline).toEqual({ count: 1, meanPain: null });
    expect(big.registry.baseline).toEqual({ count: 5, meanPain: 32 / 5 });
  });

  it('gives a unit administrator their unit and the region, with the same cells', async () => {
    const all = (await http.get('/reports/outcomes').query({ after: last }).set(t.auth('reporting'))).body;
    const own = await http.get('/reports/outcomes').query({ after: last, from: '2026-11', to: '2026-11' }).set(t.auth('unit_admin', { unit: UNIT }));
    expect(own.status).toBe(200);
    expect(own.body.lines.map((l: { unitId: string }) => l.unitId)).toEqual([UNIT]);
    expect(own.body.region).toEqual(all.region);
    expect(own.body.lines[0].results).toEqual(all.lines.find((l: { unitId: string }) => l.unitId === UNIT).results);
  });

  it('holds no personal data', async () => {
    const text = JSON.stringify((await http.get('/reports/outcomes').query({ after: last }).set(t.auth('reporting'))).body);
    for (const secret of ['191212121212', '201901012391', '1912-12-12', THERAPIST]) expect(text).not.toContain(secret);
  });
});
