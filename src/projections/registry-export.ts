// What feeds the quality registry (BOA / Svenska Artrosregistret): one row per episode and
// recorded timepoint, with the patient's personnummer (the registry needs it), the unit,
// the diagnosis, the dates, the measures on their instruments' scales, whether the school
// was completed and the activity plan's adherence. Only recorded follow-ups, never a guess.
// CSV (csv-stringify, RFC 4180, UTF-8, one header row), columns in REGISTRY_CSV_COLUMNS.
import { stringify } from 'csv-stringify/sync';
import type { AnsweredVia, PlanSchedule, RegistryMeasures, RegistryTimepoint } from '../domain/episode/events';
import type { ReadModelDb } from './read-model-schema';
import { factsOf, registryRows, type RegistryRow, type RegistrySchedule } from './registry-follow-ups';
import { reveal, type Reveal } from './event-data';

export interface RegistryExportFilter {
  readonly unitId?: string;
  /** Inclusive Stockholm dates: a follow-up is exported when it was recorded, or last corrected, in them. */
  readonly from?: string;
  readonly to?: string;
  readonly today: string;
  readonly calendar: RegistrySchedule;
  /** Occasions of the plan due up to and including a date (the domain's occasionsUntil). */
  readonly dueOccasions: (schedule: PlanSchedule, lastDate: string) => number;
  readonly reveal?: Reveal;
  /** The value a personnummer reads as once its key is destroyed (such rows are left out). */
  readonly erased?: string;
}

export interface RegistryExportRow {
  readonly episodeId: string;
  readonly unitId: string;
  /** 12 digits. Personal data: the registry's identifier, never logged. */
  readonly personnummer: string;
  readonly diagnosisCode: string;
  readonly assignedOn: string;
  readonly endedOn: string | null;
  readonly episodeStatus: 'active' | 'completed' | 'abandoned';
  readonly timepoint: RegistryTimepoint;
  readonly dueOn: string;
  readonly answeredOn: string;
  readonly answeredVia: AnsweredVia | null;
  readonly corrections: number;
  readonly lastCorrectedAt: string | null;
  readonly measures: RegistryMeasures;
  /** "Genomförd artrosskola" on the episode. */
  readonly schoolCompleted: boolean;
  /** Activity-plan reports / due occasions (at most 1); null without a plan or before its first occasion. */
  readonly planAdherence: number | null;
}

/** Reported / due occasions up to today, the end or the access end, whichever is first; at most 1. */
export function adherenceOf(row: RegistryRow, today: string, dueOccasions: RegistryExportFilter['dueOccasions']): number | null {
  if (!row.plan_schedule) return null;
  const last = [today, row.ended_on ?? today, row.access_until].sort()[0]!;
  const due = dueOccasions(row.plan_schedule, last);
  return due > 0 ? Math.min(1, row.reports / due) : null;
}

const TIMEPOINT_ORDER: Record<RegistryTimepoint, number> = { baseline: 0, '3-months': 1, '12-months': 2 };

export async function queryRegistryExport(db: ReadModelDb, filter: RegistryExportFilter): Promise<{ rows: RegistryExportRow[]; leftOutErased: number }> {
  const rows: RegistryExportRow[] = [];
  let leftOutErased = 0;
  for (const row of await registryRows(db, { unitId: filter.unitId })) {
    const recorded = filter.calendar.schedule(factsOf(row)).filter((s) => row.follow_ups[s.timepoint] !== undefined);
    const inPeriod = recorded.filter((s) => {
      const f = row.follow_ups[s.timepoint]!;
      const on = f.lastCorrectedOn ?? f.recordedOn;
      return (filter.from === undefined || on >= filter.from) && (filter.to === undefined || on <= filter.to);
    });
    if (inPeriod.length === 0) continue;
    const personnummer = await reveal(row.personnummer, filter.reveal);
    if (filter.erased !== undefined && personnummer === filter.erased) {
      leftOutErased += inPeriod.length;
      continue;
    }
    for (const s of inPeriod) {
      const f = row.follow_ups[s.timepoint]!;
      rows.push({
        episodeId: row.episode_id, unitId: row.unit_id, personnummer, diagnosisCode: row.diagnosis_code, assignedOn: row.assigned_on,
        endedOn: row.ended_on, episodeStatus: row.status, timepoint: s.timepoint, dueOn: s.dueOn, answeredOn: f.recordedOn,
        answeredVia: f.answeredVia, corrections: f.corrections, lastCorrectedAt: f.lastCorrectedAt, measures: f.measures,
        schoolCompleted: row.school_completed, planAdherence: adherenceOf(row, filter.today, filter.dueOccasions),
      });
    }
  }
  rows.sort((a, b) => a.unitId.localeCompare(b.unitId) || a.episodeId.localeCompare(b.episodeId) || TIMEPOINT_ORDER[a.timepoint] - TIMEPOINT_ORDER[b.timepoint]);
  return { rows, leftOutErased };
}

export const REGISTRY_CSV_COLUMNS = [
  'unit_id', 'episode_id', 'personnummer', 'diagnosis_code', 'assigned_on', 'ended_on', 'episode_status', 'timepoint', 'due_on', 'answered_on',
  'answered_via', 'corrections', 'pain_nrs', 'eq5d_mobility', 'eq5d_self_care', 'eq5d_usual_activities', 'eq5d_pain_discomfort',
  'eq5d_anxiety_depression', 'eq5d_index', 'eq_vas', 'self_efficacy', 'physical_activity_days', 'fear_of_movement', 'wish_for_surgery',
  'sick_leave', 'satisfaction', 'school_completed_reported', 'school_completed', 'plan_adherence',
] as const;

const cell = (v: number | boolean | string | null | undefined) => (v === undefined || v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v);

export function registryExportToCsv(rows: readonly RegistryExportRow[]): string {
  const records = rows.map((r) => {
    const m = r.measures;
    const d = m.eq5d5l;
    return [
      r.unitId, r.episodeId, r.personnummer, r.diagnosisCode, r.assignedOn, r.endedOn, r.episodeStatus, r.timepoint, r.dueOn, r.answeredOn,
      r.answeredVia, r.corrections, m.pain, d?.mobility, d?.selfCare, d?.usualActivities, d?.painDiscomfort, d?.anxietyDepression, m.eq5dIndex,
      m.eqVas, m.selfEfficacy, m.physicalActivityDays, m.fearOfMovement, m.wishForSurgery, m.sickLeave, m.satisfaction, m.schoolCompleted,
      r.schoolCompleted, r.planAdherence === null ? null : Math.round(r.planAdherence * 1000) / 1000,
    ].map(cell);
  });
  return stringify(records, { header: true, columns: [...REGISTRY_CSV_COLUMNS], record_delimiter: '\r\n' });
}
