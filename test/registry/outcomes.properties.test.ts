// The "how good" figures are proven: over random episode histories (made by the real
// decider), each figure is computed here straight from the events and compared with what
// the projection answers, for every filter; and no combination of filters shows a cell of
// fewer than 5 patients, or lets one be worked out from the cells it does show.
import fc from 'fast-check';
import { occasionsUntil } from '../../src/domain/episode/activity-plan';
import type { EpisodeEvent, PlanSchedule, RegistryMeasures, RegistryTimepoint } from '../../src/domain/episode/events';
import { followUpSchedule } from '../../src/domain/registry/follow-up-schedule';
import { addDays, localDate } from '../../src/domain/shared/time';
import { REGISTRY_CALENDAR } from '../../src/app/registry/registry-calendar';
import { queryOutcomeResults, relations, type OutcomeResults, type OutcomeResultsAnswer } from '../../src/projections/outcome-results';
import { MIN_PATIENTS } from '../../src/projections/small-cells';
import { BACKENDS, closeSharedPool, setup, type Backend } from '../projections/harness';
import { patientOf, start, therapistOf, UNITS, type World } from '../projections/world';

const dueOccasions = (schedule: PlanSchedule, lastDate: string) => occasionsUntil(schedule, lastDate).length;
const DAY = 86_400_000;

interface Story {
  readonly unit: 0 | 1;
  readonly month: 0 | 1;
  readonly day: number;
  readonly reports: number | null;
  readonly end: 'completed' | 'abandoned' | null;
  readonly baseline: RegistryMeasures | null;
  readonly threeMonths: RegistryMeasures | null;
  readonly twelveMonths: RegistryMeasures | null;
  readonly correctPain: number | null;
}

const measures = fc.record(
  { pain: fc.integer({ min: 0, max: 10 }), eq5dIndex: fc.integer({ min: -20, max: 100 }).map((n) => n / 100), eqVas: fc.integer({ min: 0, max: 100 }), satisfaction: fc.integer({ min: 1, max: 5 }) },
  { requiredKeys: ['pain'] },
);
const maybe = <T>(a: fc.Arbitrary<T>, weight = 3) => fc.oneof({ arbitrary: a, weight }, { arbitrary: fc.constant(null), weight: 1 });
const story: fc.Arbitrary<Story> = fc.record({
  unit: fc.oneof({ arbitrary: fc.constant(0 as const), weight: 3 }, { arbitrary: fc.constant(1 as const), weight: 1 }),
  month: fc.constantFrom(0 as const, 1 as const),
  day: fc.integer({ min: 0, max: 20 }),
  reports: maybe(fc.integer({ min: 0, max: 4 }), 2),
  end: fc.constantFrom('completed' as const, 'abandoned' as const, null),
  baseline: maybe(measures, 5),
  threeMonths: maybe(measures),
  twelveMonths: maybe(measures, 1),
  correctPain: maybe(fc.integer({ min: 0, max: 10 }), 1),
});

/** Play one episode's story through the real decider, on its own clock. */
async function play(world: World, id: string, s: Story): Promise<void> {
  const unitId = UNITS[s.unit];
  const staff = therapistOf(unitId);
  const at = (ms: number) => (world.now = ms);
  const t0 = Date.UTC(2026, 10 + s.month, 2 + s.day, 9);
  const must = async (...args: Parameters<World['episode']>) => expect((await world.episode(...args)).ok).toBe(true);
  at(t0);
  await must(id, start(id, { unitId }), staff);
  if (s.baseline) await must(id, { type: 'RecordRegistryFollowUp', data: { timepoint: 'baseline', measures: s.baseline, answeredVia: 'paper' } }, staff);
  if (s.reports !== null) {
    await must(id, { type: 'ActivatePlan', data: {} }, staff);
    const plan = world.state(id).plan!.schedule;
    for (const occasion of occasionsUntil(plan, addDays(localDate(world.iso), 27)).slice(0, s.reports)) {
      at(Date.parse(`${occasion}T16:00:00Z`));
      await must(id, { type: 'ReportActivity', data: { occasion, answers: {} } }, patientOf(unitId));
    }
  }
  if (s.end) {
    at(t0 + 28 * DAY);
    await must(id, { type: 'EndEpisode', data: { outcome: s.end } }, staff);
  }
  if (s.threeMonths) {
    at(Math.max(world.now, t0 + 92 * DAY * (s.end ? 0 : 1)));
    await must(id, { type: 'RecordRegistryFollowUp', data: { timepoint: '3-months', measures: s.threeMonths, answeredVia: 'phone' } }, staff);
    if (s.correctPain !== null && s.correctPain !== s.threeMonths.pain) {
      at(world.now + DAY);
      await must(id, { type: 'RecordRegistryFollowUp', data: { timepoint: '3-months', measures: { pain: s.correctPain }, correction: { reason: 'transcription-error' } } }, staff);
    }
  }
  if (s.twelveMonths) {
    at(t0 + 365 * DAY);
    await must(id, { type: 'RecordRegistryFollowUp', data: { timepoint: '12-months', measures: s.twelveMonths } }, staff);
  }
}

// ---- the figures, straight from the events ---------------------------------------------

type Cells = Map<string, number[]>;

function oracle(world: World, today: string): { cells: Cells; coverage: Map<string, boolean[]>; units: string[]; months: string[] } {
  const cells: Cells = new Map();
  const coverage = new Map<string, boolean[]>();
  const push = <V>(m: Map<string, V[]>, k: string, v: V) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const [, { events, unitId }] of world.episodes) {
    const assigned = events.find((e): e is Extract<EpisodeEvent, { type: 'AssignmentStarted' }> => e.type === 'AssignmentStarted')!;
    const assignedOn = localDate(assigned.data.at);
    const month = assignedOn.slice(0, 7);
    const end = events.find((e) => e.type === 'EpisodeCompleted' || e.type === 'EpisodeAbandoned');
    const endedOn = end ? localDate((end.data as { at: string }).at) : null;
    const outcome = end?.type === 'EpisodeCompleted' ? 'completed' : end ? 'abandoned' : 'active';
    const latest: Partial<Record<RegistryTimepoint, RegistryMeasures>> = {};
    for (const e of events) if (e.type === 'RegistryFollowUpRecorded') latest[e.data.timepoint] = e.data.measures;
    const plan = events.find((e) => e.type === 'PlanActivated');
    let band = 'no-plan';
    if (plan) {
      const last = [today, endedOn ?? today, assigned.data.accessUntil].sort()[0]!;
      const due = dueOccasions((plan.data as { schedule: PlanSchedule }).schedule, last);
      const adherence = due > 0 ? Math.min(1, events.filter((e) => e.type === 'ActivityReported').length / due) : null;
      band = adherence === null ? 'no-plan' : adherence < 0.5 ? 'under-50' : adherence < 0.8 ? '50-79' : '80-plus';
    }
    const schedule = followUpSchedule({ assignedOn, accessUntil: assigned.data.accessUntil, endedOn });
    for (const scope of [unitId, 'region']) {
      for (const [key, tp] of [['baseline', 'baseline'], ['threeMonths', '3-months'], ['twelveMonths', '12-months']] as const) {
        const recorded = latest[tp] !== undefined;
        if (recorded || schedule.find((s) => s.timepoint === tp)!.opensOn <= today) push(coverage, `${month}|coverage.${key}|${scope}`, recorded);
      }
      for (const [later, tp] of [['threeMonths', '3-months'], ['twelveMonths', '12-months']] as const) {
        const then = latest[tp];
        for (const part of ['all', `band:${band}`, `outcome:${outcome}`]) {
          if (then?.satisfaction !== undefined) push(cells, `${month}|satisfaction.${later}|${scope}|${part}`, then.satisfaction);
          for (const m of ['pain', 'eq5dIndex', 'eqVas'] as const) {
            const before = latest.baseline?.[m];
            if (before !== undefined && then?.[m] !== undefined) push(cells, `${month}|change.${later}.${m}|${scope}|${part}`, then[m]! - before);
          }
        }
      }
    }
  }
  const units = [...new Set([...world.episodes.values()].map((e) => e.unitId))].sort();
  const months = [...new Set([...cells.keys(), ...coverage.keys()].map((k) => k.slice(0, 7)))].sort();
  return { cells, coverage, units, months };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-9);

/** Every cell of one result set, by the key the oracle uses (without month). */
function cellsOf(results: OutcomeResults, scope: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const sets = { all: results, ...Object.fromEntries(Object.entries(results.byAdherence).map(([b, r]) => [`band:${b}`, r])), ...Object.fromEntries(Object.entries(results.byOutcome).map(([o, r]) => [`outcome:${o}`, r])) };
  for (const [part, set] of Object.entries(sets)) {
    for (const [later, byMeasure] of Object.entries(set.change)) for (const [m, cell] of Object.entries(byMeasure)) out.set(`change.${later}.${m}|${scope}|${part}`, cell);
    for (const [later, cell] of Object.entries(set.satisfaction)) out.set(`satisfaction.${later}|${scope}|${part}`, cell);
  }
  for (const [k, cell] of Object.entries(results.coverage)) out.set(`coverage.${k}|${scope}`, cell);
  return out;
}

function answerCells(answer: OutcomeResultsAnswer): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const l of answer.lines) for (const [k, v] of cellsOf(l.results, l.unitId)) out.set(`${l.month}|${k}`, v);
  for (const r of answer.region) for (const [k, v] of cellsOf(r.results, 'region')) out.set(`${r.month}|${k}`, v);
  return out;
}

/** What is wrong with one shown (or hidden) cell against the events; null when it agrees. */
function disagreement(key: string, shown: unknown, o: ReturnType<typeof oracle>): string | null {
  const isCoverage = key.includes('|coverage.');
  const xs = isCoverage ? (o.coverage.get(key) ?? []) : (o.cells.get(key) ?? []);
  const said = JSON.stringify(shown);
  if ((shown as { suppressed?: string }).suppressed !== undefined)
    return said === JSON.stringify({ suppressed: 'fewer than 5' }) && xs.length > 0 ? null : `${key}: hidden ${said} with ${xs.length} patients`;
  if (xs.length > 0 && xs.length < MIN_PATIENTS) return `${key}: shows ${xs.length} patients`;
  if (isCoverage) {
    const recorded = (xs as boolean[]).filter(Boolean).length;
    return said === JSON.stringify({ eligible: xs.length, recorded, share: xs.length ? recorded / xs.length : null }) ? null : `${key}: ${said}, events give ${recorded}/${xs.length}`;
  }
  const nums = xs as number[];
  const cell = shown as Record<string, number | null>;
  const [m, md] = [nums.length ? mean(nums) : null, nums.length ? median(nums) : null];
  const ok = key.includes('|satisfaction.')
    ? cell.patients === nums.length && close(cell.mean!, m) && close(cell.median!, md)
    : cell.patients === nums.length && close(cell.meanChange!, m) && close(cell.medianChange!, md) &&
      close(cell.improvedShare!, nums.length ? nums.filter((x) => (key.includes('.pain|') ? x <= -2 : x > 0)).length / nums.length : null);
  return ok ? null : `${key}: ${said}, events give ${JSON.stringify(nums)}`;
}

/** No sum lets a hidden part be worked out (the rule suppress() keeps, checked on the answer). */
function sumsGivingAway(all: Map<string, unknown>, o: ReturnType<typeof oracle>): string[] {
  const out: string[] = [];
  const n = (k: string) => (k.includes('|coverage.') ? o.coverage.get(k) : o.cells.get(k))?.length ?? 0;
  const hidden = (k: string) => (all.get(k) as { suppressed?: string } | undefined)?.suppressed !== undefined;
  for (const month of o.months)
    for (const { total, parts } of relations(o.units)) {
      const key = (k: string) => `${month}|${k.replace('\u0000region', 'region')}`;
      const hiddenParts = parts.map(key).filter(hidden);
      const sum = hiddenParts.reduce((s, p) => s + n(p), 0);
      const holds = hidden(key(total)) ? n(key(total)) === 0 || hiddenParts.some((p) => n(p) > 0) : sum === 0 || sum >= MIN_PATIENTS;
      if (!holds) out.push(`${key(total)} with hidden parts of ${sum}`);
    }
  return out;
}

afterAll(closeSharedPool);

const runs = (backend: Backend) => (backend.name === 'SQLite' ? 15 : 4);
const MONTHS = ['2026-11', '2026-12'];
const FILTERS = [undefined, ...UNITS].flatMap((unitId) =>
  [undefined, ...MONTHS].flatMap((fromMonth) => [undefined, ...MONTHS].filter((to) => !fromMonth || !to || fromMonth <= to).map((toMonth) => ({ unitId, fromMonth, toMonth }))),
);

for (const backend of BACKENDS) {
  const suite = backend.available ? describe : describe.skip;
  suite(`outcome figures over random histories (${backend.name})`, () => {
    it('equal the figures computed from the events, for every filter, and never show or give away fewer than 5', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(story, { minLength: 1, maxLength: 24 }), fc.constantFrom('2027-01-20', '2027-06-01', '2028-02-01'), async (stories, today) => {
          const s = await setup(backend);
          try {
            for (const [i, st] of stories.entries()) await play(s.world, `ep-${String(i).padStart(3, '0')}`, st);
            await s.projector.catchUp();
            const o = oracle(s.world, today);
            const query = (f: (typeof FILTERS)[number]) => queryOutcomeResults(s.db, { ...f, today, calendar: REGISTRY_CALENDAR, dueOccasions });
            const unfiltered = await query(FILTERS[0]!);
            const all = answerCells(unfiltered);
            expect([...all].flatMap(([key, cell]) => disagreement(key, cell, o) ?? [])).toEqual([]);
            expect(sumsGivingAway(all, o)).toEqual([]);
            // Every unit-month with episodes has its line, and every month its region line.
            expect(unfiltered.lines.map((l) => `${l.unitId} ${l.month}`).sort()).toEqual(
              [...new Set([...s.world.episodes.values()].map((e) => `${e.unitId} ${localDate((e.events[0]!.data as { at: string }).at).slice(0, 7)}`))].sort(),
            );
            for (const f of FILTERS) {
              const answer = await query(f);
              const months = o.months.filter((m) => (!f.fromMonth || m >= f.fromMonth) && (!f.toMonth || m <= f.toMonth));
              expect(answer.region.map((r) => r.month)).toEqual(months);
              expect(answer.lines.every((l) => months.includes(l.month) && (!f.unitId || l.unitId === f.unitId))).toBe(true);
              // A filter only picks lines: each cell it shows is the unfiltered answer's, so no two answers tell more than one.
              const cells = answerCells(answer);
              expect([...cells].filter(([key, cell]) => JSON.stringify(cell) !== JSON.stringify(all.get(key))).map(([key]) => key)).toEqual([]);
              expect(cells.size).toBe([...all.keys()].filter((k) => months.includes(k.slice(0, 7)) && (!f.unitId || !/\|SE\d+-E\d+(\||$)/.test(k) || k.includes(`|${f.unitId}`))).length);
            }
          } finally {
            await s.close();
          }
        }),
        { numRuns: runs(backend) },
      );
    });
  });
}
