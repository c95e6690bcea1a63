// The outcomes report ("how good", not only "how many"), per unit and month of assignment
// (Stockholm), with no personal data: one row per episode holding only unit, dates, status,
// counts, the plan schedule and registry pain scores, keyed by the (random) episode id.
// Adherence needs the plan's due occasions, a domain computation: the app passes it in.
import type { RecordedEvent } from '../event-store/event-store';
import type { PlanSchedule } from '../domain/episode/events';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model-schema';
import type { TableSpecFor } from './table-spec';
import { decodeRow, type RowSession } from './row-cache';
import { foldEpisodeRows } from './episode-rows';
import { episodeData, typeSet } from './event-data';
import { daysBetween, stockholmDate } from './stockholm';

interface OutcomeRow {
  episode_id: string;
  unit_id: string;
  month: string;
  assigned_on: string;
  access_until: string;
  status: 'active' | 'completed' | 'abandoned';
  ended_on: string | null;
  days_to_end: number | null;
  plan_schedule: PlanSchedule | null;
  plan_activated_on: string | null;
  reports: number;
  messages: number;
  exempted: boolean;
  pain_baseline: number | null;
  pain_3m: number | null;
  pain_12m: number | null;
  position: number;
}

const table: TableSpecFor<'outcome_episodes'> = {
  name: 'outcome_episodes',
  key: 'episode_id',
  columns: { episode_id: 'text', unit_id: 'text', month: 'text', position: 'bigint' },
  fields: [
    'assigned_on', 'access_until', 'status', 'ended_on', 'days_to_end', 'plan_schedule', 'plan_activated_on', 'reports', 'messages',
    'exempted', 'pain_baseline', 'pain_3m', 'pain_12m',
  ],
  indexes: { unit_month: ['unit_id', 'month'], month: ['month'] },
};

export const outcomesProjection: Projection = {
  name: 'outcomes',
  version: 1,
  tables: [table],
  handles: typeSet(
    'AssignmentStarted', 'FeeExempted', 'PlanActivated', 'ActivityReported', 'MessageSent', 'EpisodeCompleted', 'EpisodeAbandoned',
    'RegistryFollowUpRecorded',
  ),
  apply: (batch: readonly RecordedEvent[], session: RowSession) =>
    foldEpisodeRows<OutcomeRow>(batch, session, {
      table: 'outcome_episodes',
      start: (id, d, e) => {
        const on = stockholmDate(d.at);
        return {
          episode_id: id, unit_id: d.unitId, month: on.slice(0, 7), assigned_on: on, access_until: d.accessUntil, status: 'active',
          ended_on: null, days_to_end: null, plan_schedule: null, plan_activated_on: null, reports: 0, messages: 0, exempted: false,
          pain_baseline: null, pain_3m: null, pain_12m: null, position: Number(e.position),
        };
      },
      evolve: (row, e) => {
        switch (e.type) {
          case 'FeeExempted':
            row.exempted = true;
            break;
          case 'PlanActivated': {
            const d = episodeData(e, 'PlanActivated');
            row.plan_schedule = d.schedule;
            row.plan_activated_on = stockholmDate(d.at);
            break;
          }
          case 'ActivityReported':
            row.reports += 1;
            break;
          case 'MessageSent':
            row.messages += 1;
            break;
          case 'EpisodeCompleted':
          case 'EpisodeAbandoned':
            row.status = e.type === 'EpisodeCompleted' ? 'completed' : 'abandoned';
            row.ended_on = stockholmDate(episodeData(e, 'EpisodeCompleted').at);
            row.days_to_end = daysBetween(row.assigned_on, row.ended_on);
            break;
          case 'RegistryFollowUpRecorded': {
            const { timepoint, measures } = episodeData(e, 'RegistryFollowUpRecorded');
            const pain = measures.pain ?? null;
            if (timepoint === 'baseline') row.pain_baseline = pain;
            else if (timepoint === '3-months') row.pain_3m = pain;
            else row.pain_12m = pain;
            break;
          }
        }
      },
    }),
};

export interface OutcomesFilter {
  readonly unitId?: string;
  /** Inclusive months of assignment, YYYY-MM. */
  readonly fromMonth?: string;
  readonly toMonth?: string;
  /** Today's Stockholm date: occasions are due up to min(today, end, access end). */
  readonly today: string;
  /**
   * Occasions of `schedule` due up to and including `lastDate` (the domain's occasionsUntil,
   * injected by the app). Without it adherence is not computed.
   */
  readonly dueOccasions?: (schedule: PlanSchedule, lastDate: string) => number;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface OutcomesLine {
  readonly unitId: string;
  /** Month of assignment, YYYY-MM (Stockholm). */
  readonly month: string;
  readonly assignments: number;
  readonly completed: number;
  readonly abandoned: number;
  readonly active: number;
  /** Shares of the month's assignments (0..1). */
  readonly completionRate: number;
  readonly abandonmentRate: number;
  /** Calendar days from assignment to end, over ended episodes. */
  readonly meanDaysToEnd: number | null;
  readonly medianDaysToEnd: number | null;
  readonly activityPlan: {
    readonly episodesWithPlan: number;
    readonly occasionsReported: number;
    /** Null when the app passed no dueOccasions. */
    readonly occasionsDue: number | null;
    /** Reported / due, at most 1; null without due occasions. */
    readonly adherence: number | null;
  };
  readonly messagesPerEpisode: number;
  readonly exemptions: number;
  readonly registry: {
    readonly baseline: { readonly count: number; readonly meanPain: number | null };
    readonly threeMonths: { readonly count: number; readonly meanPain: number | null };
    readonly twelveMonths: { readonly count: number; readonly meanPain: number | null };
  };
}

/** Outcomes per unit and month of assignment, ordered by unit then month. */
export async function queryOutcomes(db: ReadModelDb, filter: OutcomesFilter): Promise<OutcomesLine[]> {
  let q = db.selectFrom('outcome_episodes').selectAll();
  if (filter.unitId !== undefined) q = q.where('unit_id', '=', filter.unitId);
  if (filter.fromMonth !== undefined) q = q.where('month', '>=', filter.fromMonth);
  if (filter.toMonth !== undefined) q = q.where('month', '<=', filter.toMonth);
  const groups = new Map<string, OutcomeRow[]>();
  for (const raw of await q.orderBy('unit_id').orderBy('month').execute()) {
    const r = decodeRow<OutcomeRow>(table, raw);
    const key = `${r.unit_id}\u0000${r.month}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  return [...groups.values()].map((rows) => summarise(rows, filter));
}

function summarise(rows: readonly OutcomeRow[], filter: OutcomesFilter): OutcomesLine {
  const n = rows.length;
  const count = (p: (r: OutcomeRow) => boolean) => rows.filter(p).length;
  const completed = count((r) => r.status === 'completed');
  const abandoned = count((r) => r.status === 'abandoned');
  const days = rows.flatMap((r) => (r.days_to_end === null ? [] : [r.days_to_end]));
  const planned = rows.filter((r) => r.plan_schedule !== null);
  let due: number | null = null;
  if (filter.dueOccasions) {
    due = 0;
    for (const r of planned) {
      const last = [filter.today, r.ended_on ?? filter.today, r.access_until].sort()[0];
      due += filter.dueOccasions(r.plan_schedule as PlanSchedule, last);
    }
  }
  const reported = planned.reduce((s, r) => s + r.reports, 0);
  const pains = (p: (r: OutcomeRow) => number | null) => rows.flatMap((r) => (p(r) === null ? [] : [p(r) as number]));
  const registry = (xs: number[]) => ({ count: xs.length, meanPain: mean(xs) });
  return {
    unitId: rows[0].unit_id,
    month: rows[0].month,
    assignments: n,
    completed,
    abandoned,
    active: n - completed - abandoned,
    completionRate: completed / n,
    abandonmentRate: abandoned / n,
    meanDaysToEnd: mean(days),
    medianDaysToEnd: median(days),
    activityPlan: {
      episodesWithPlan: planned.length,
      occasionsReported: reported,
      occasionsDue: due,
      adherence: due ? Math.min(1, reported / due) : null,
    },
    messagesPerEpisode: rows.reduce((s, r) => s + r.messages, 0) / n,
    exemptions: count((r) => r.exempted),
    registry: {
      baseline: registry(pains((r) => r.pain_baseline)),
      threeMonths: registry(pains((r) => r.pain_3m)),
      twelveMonths: registry(pains((r) => r.pain_12m)),
    },
  };
}
