// "How good", not only "how many": per unit and month of assignment, and for the region as a
// whole per month, the registry coverage, the change in pain, EQ-5D index and EQ VAS from
// baseline to 3 and 12 months, and satisfaction, overall, by activity-plan adherence band and
// by outcome. No personal data, and no cell of fewer than 5 patients: a small cell says
// "fewer than 5", and so does the next smallest cell of a sum whose hidden parts would
// otherwise be worked out from the shown ones (complementary suppression, see suppress()).
// The cells are the same whatever the filter (it only picks lines), so no combination of
// filters tells more than the unfiltered answer.
import type { PlanSchedule } from '../domain/episode/events';
import type { ReadModelDb } from './read-model-schema';
import { factsOf, registryRows, type RegistryRow, type RegistrySchedule } from './registry-follow-ups';
import { adherenceOf } from './registry-export';
import { cellStats, suppress, SUPPRESSED, type CellStats } from './small-cells';

export const ADHERENCE_BANDS = ['under-50', '50-79', '80-plus', 'no-plan'] as const;
export type AdherenceBand = (typeof ADHERENCE_BANDS)[number];
export const EPISODE_OUTCOMES = ['completed', 'abandoned', 'active'] as const;
const LATER = { threeMonths: '3-months', twelveMonths: '12-months' } as const;
type Later = keyof typeof LATER;
const CHANGES = ['pain', 'eq5dIndex', 'eqVas'] as const;
type ChangeMeasure = (typeof CHANGES)[number];
const COVERAGE = { baseline: 'baseline', threeMonths: '3-months', twelveMonths: '12-months' } as const;

/** Plan adherence (reports / due occasions): no plan, or no occasion due yet, is its own band. */
export function adherenceBand(adherence: number | null): AdherenceBand {
  if (adherence === null) return 'no-plan';
  return adherence < 0.5 ? 'under-50' : adherence < 0.8 ? '50-79' : '80-plus';
}

/** Pain improves when it falls by at least 2 points (NRS); EQ-5D index and EQ VAS when they rise. */
export const improved = (measure: ChangeMeasure, change: number) => (measure === 'pain' ? change <= -2 : change > 0);

/** One episode as the figures see it: its group, its breakdowns, and the values it adds. */
export interface OutcomeSubject {
  readonly unitId: string;
  readonly month: string;
  readonly band: AdherenceBand;
  readonly outcome: (typeof EPISODE_OUTCOMES)[number];
  /** Per coverage timepoint: undefined when not yet eligible (window not open, nothing recorded). */
  readonly coverage: Partial<Record<keyof typeof COVERAGE, boolean>>;
  /** Later value minus baseline, when both are recorded. */
  readonly change: Partial<Record<`${Later}.${ChangeMeasure}`, number>>;
  readonly satisfaction: Partial<Record<Later, number>>;
}

export function subjectOf(row: RegistryRow, today: string, calendar: RegistrySchedule, dueOccasions: (s: PlanSchedule, last: string) => number): OutcomeSubject {
  const scheduled = calendar.schedule(factsOf(row));
  const coverage: OutcomeSubject['coverage'] = {};
  for (const [key, timepoint] of Object.entries(COVERAGE) as [keyof typeof COVERAGE, (typeof COVERAGE)[keyof typeof COVERAGE]][]) {
    const recorded = row.follow_ups[timepoint] !== undefined;
    const opened = scheduled.find((s) => s.timepoint === timepoint)!.opensOn <= today;
    if (recorded || opened) coverage[key] = recorded;
  }
  const change: Record<string, number> = {};
  const satisfaction: OutcomeSubject['satisfaction'] = {};
  const baseline = row.follow_ups.baseline?.measures;
  for (const [later, timepoint] of Object.entries(LATER) as [Later, (typeof LATER)[Later]][]) {
    const then = row.follow_ups[timepoint]?.measures;
    if (then?.satisfaction !== undefined) satisfaction[later] = then.satisfaction;
    for (const m of CHANGES) {
      const before = baseline?.[m];
      const after = then?.[m];
      if (before !== undefined && after !== undefined) change[`${later}.${m}`] = after - before;
    }
  }
  return { unitId: row.unit_id, month: row.month, band: adherenceBand(adherenceOf(row, today, dueOccasions)), outcome: row.status, coverage, change, satisfaction };
}

type Suppressed = { readonly suppressed: typeof SUPPRESSED };
export type ChangeCell = Suppressed | { readonly patients: number; readonly meanChange: number | null; readonly medianChange: number | null; readonly improvedShare: number | null };
export type CoverageCell = Suppressed | { readonly eligible: number; readonly recorded: number; readonly share: number | null };
export type ScoreCell = Suppressed | { readonly patients: number; readonly mean: number | null; readonly median: number | null };

export interface ResultSet {
  readonly change: Record<Later, Record<ChangeMeasure, ChangeCell>>;
  readonly satisfaction: Record<Later, ScoreCell>;
}
export interface OutcomeResults extends ResultSet {
  readonly coverage: Record<keyof typeof COVERAGE, CoverageCell>;
  readonly byAdherence: Record<AdherenceBand, ResultSet>;
  readonly byOutcome: Record<(typeof EPISODE_OUTCOMES)[number], ResultSet>;
}

const REGION = '\u0000region';
const PARTS = ['all', ...ADHERENCE_BANDS.map((b) => `band:${b}`), ...EPISODE_OUTCOMES.map((o) => `outcome:${o}`)];
const partsOf = (s: OutcomeSubject) => ['all', `band:${s.band}`, `outcome:${s.outcome}`];
const STATS = [
  ...(Object.keys(LATER) as Later[]).flatMap((l) => CHANGES.map((m) => `change.${l}.${m}`)),
  ...(Object.keys(LATER) as Later[]).map((l) => `satisfaction.${l}`),
];

/**
 * Every cell of one month, for every unit and the region: values per (stat, scope, part),
 * then suppressed. A scope is a unit or the region; parts are all, each band, each outcome.
 */
function monthCells(subjects: readonly OutcomeSubject[]) {
  const units = [...new Set(subjects.map((s) => s.unitId))].sort();
  const scopes = [...units, REGION];
  const values = new Map<string, number[]>();
  const coverage = new Map<string, boolean[]>();
  const push = <V>(map: Map<string, V[]>, key: string, v: V) => (map.get(key) ?? map.set(key, []).get(key)!).push(v);
  for (const s of subjects)
    for (const scope of [s.unitId, REGION]) {
      for (const [stat, v] of [...Object.entries(s.change).map(([k, v]) => [`change.${k}`, v] as const), ...Object.entries(s.satisfaction).map(([k, v]) => [`satisfaction.${k}`, v] as const)])
        for (const part of partsOf(s)) push(values, `${stat}|${scope}|${part}`, v);
      for (const [k, recorded] of Object.entries(s.coverage)) push(coverage, `coverage.${k}|${scope}`, recorded);
    }
  const counts = new Map<string, number>();
  for (const stat of STATS) for (const scope of scopes) for (const part of PARTS) counts.set(`${stat}|${scope}|${part}`, values.get(`${stat}|${scope}|${part}`)?.length ?? 0);
  for (const k of Object.keys(COVERAGE)) for (const scope of scopes) counts.set(`coverage.${k}|${scope}`, coverage.get(`coverage.${k}|${scope}`)?.length ?? 0);
  const hidden = suppress(counts, relations(units));
  return { values, coverage, hidden, scopes };
}

/** The sums an answer shows: each total equals the sum of its parts. */
export function relations(units: readonly string[]): { total: string; parts: string[] }[] {
  const out: { total: string; parts: string[] }[] = [];
  const breakdowns = [ADHERENCE_BANDS.map((b) => `band:${b}`), EPISODE_OUTCOMES.map((o) => `outcome:${o}`)];
  for (const stat of STATS) {
    for (const scope of [...units, REGION]) for (const parts of breakdowns) out.push({ total: `${stat}|${scope}|all`, parts: parts.map((p) => `${stat}|${scope}|${p}`) });
    for (const part of PARTS) out.push({ total: `${stat}|${REGION}|${part}`, parts: units.map((u) => `${stat}|${u}|${part}`) });
  }
  for (const k of Object.keys(COVERAGE)) out.push({ total: `coverage.${k}|${REGION}`, parts: units.map((u) => `coverage.${k}|${u}`) });
  return out;
}

function resultsOf(cells: ReturnType<typeof monthCells>, scope: string): OutcomeResults {
  const show = <T>(key: string, make: () => T): T | Suppressed => (cells.hidden.has(key) ? { suppressed: SUPPRESSED } : make());
  const change = (stat: string, m: ChangeMeasure, key: string): ChangeCell =>
    show(key, () => {
      const xs = cells.values.get(key) ?? [];
      const st: CellStats = cellStats(xs);
      return { patients: xs.length, meanChange: st.mean, medianChange: st.median, improvedShare: xs.length ? xs.filter((x) => improved(m, x)).length / xs.length : null };
    });
  const score = (key: string): ScoreCell =>
    show(key, () => {
      const xs = cells.values.get(key) ?? [];
      const st = cellStats(xs);
      return { patients: xs.length, mean: st.mean, median: st.median };
    });
  const set = (part: string): ResultSet => ({
    change: Object.fromEntries(
      (Object.keys(LATER) as Later[]).map((l) => [l, Object.fromEntries(CHANGES.map((m) => [m, change(`change.${l}.${m}`, m, `change.${l}.${m}|${scope}|${part}`)]))]),
    ) as ResultSet['change'],
    satisfaction: Object.fromEntries((Object.keys(LATER) as Later[]).map((l) => [l, score(`satisfaction.${l}|${scope}|${part}`)])) as ResultSet['satisfaction'],
  });
  const coverage = Object.fromEntries(
    Object.keys(COVERAGE).map((k) => {
      const key = `coverage.${k}|${scope}`;
      return [k, show(key, () => {
        const xs = cells.coverage.get(key) ?? [];
        const recorded = xs.filter(Boolean).length;
        return { eligible: xs.length, recorded, share: xs.length ? recorded / xs.length : null };
      })];
    }),
  ) as OutcomeResults['coverage'];
  return {
    coverage,
    ...set('all'),
    byAdherence: Object.fromEntries(ADHERENCE_BANDS.map((b) => [b, set(`band:${b}`)])) as OutcomeResults['byAdherence'],
    byOutcome: Object.fromEntries(EPISODE_OUTCOMES.map((o) => [o, set(`outcome:${o}`)])) as OutcomeResults['byOutcome'],
  };
}

export interface OutcomeResultsFilter {
  readonly unitId?: string;
  readonly fromMonth?: string;
  readonly toMonth?: string;
  readonly today: string;
  readonly calendar: RegistrySchedule;
  readonly dueOccasions: (schedule: PlanSchedule, lastDate: string) => number;
}

export interface OutcomeResultsAnswer {
  /** Per unit and month of assignment (the filter's unit, or every unit). */
  readonly lines: { readonly unitId: string; readonly month: string; readonly results: OutcomeResults }[];
  /** The region as a whole (every unit, whatever the unit filter), per month of assignment. */
  readonly region: { readonly month: string; readonly results: OutcomeResults }[];
}

/** The subjects of the months in the filter, every unit (suppression looks across units). */
export async function outcomeSubjects(db: ReadModelDb, filter: Omit<OutcomeResultsFilter, 'unitId'>): Promise<OutcomeSubject[]> {
  return (await registryRows(db))
    .filter((r) => (filter.fromMonth === undefined || r.month >= filter.fromMonth) && (filter.toMonth === undefined || r.month <= filter.toMonth))
    .map((r) => subjectOf(r, filter.today, filter.calendar, filter.dueOccasions));
}

export function outcomeResults(subjects: readonly OutcomeSubject[], unitId?: string): OutcomeResultsAnswer {
  const months = [...new Set(subjects.map((s) => s.month))].sort();
  const lines: OutcomeResultsAnswer['lines'][number][] = [];
  const region: OutcomeResultsAnswer['region'][number][] = [];
  for (const month of months) {
    const cells = monthCells(subjects.filter((s) => s.month === month));
    for (const scope of cells.scopes)
      if (scope === REGION) region.push({ month, results: resultsOf(cells, REGION) });
      else if (unitId === undefined || scope === unitId) lines.push({ unitId: scope, month, results: resultsOf(cells, scope) });
  }
  lines.sort((a, b) => a.unitId.localeCompare(b.unitId) || a.month.localeCompare(b.month));
  return { lines, region };
}

/** The results of a group with no episodes (every count 0). */
export const noResults = (): OutcomeResults => resultsOf(monthCells([]), REGION);

export async function queryOutcomeResults(db: ReadModelDb, filter: OutcomeResultsFilter): Promise<OutcomeResultsAnswer> {
  return outcomeResults(await outcomeSubjects(db, filter), filter.unitId);
}
