// The quality-registry follow-ups (BOA / Svenska Artrosregistret), one row per episode: the
// facts the due dates come from, what was recorded at each timepoint (and corrected), and
// what the registry export and the outcome figures need (diagnosis, outcome, school
// completed, plan schedule and reports). Due dates and windows depend on today and are a
// domain rule, so the app passes the domain's schedule in (RegistrySchedule).
import type { RecordedEvent } from '../event-store/event-store';
import type { AnsweredVia, PlanSchedule, RegistryMeasures, RegistryTimepoint } from '../domain/episode/events';
import type { FollowUpFacts, FollowUpStatus, ScheduledFollowUp } from '../domain/registry/follow-up-schedule';
import type { FollowUpWindow } from '../domain/rules';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model-schema';
import type { TableSpecFor } from './table-spec';
import { decodeRow, type RowSession } from './row-cache';
import { foldEpisodeRows } from './episode-rows';
import { episodeData, maskedPersonnummer, typeSet, type Reveal } from './event-data';
import { stockholmDate } from './stockholm';

export interface RecordedFollowUp {
  readonly measures: RegistryMeasures;
  /** Null when not stated (events written before it was kept). */
  readonly answeredVia: AnsweredVia | null;
  readonly recordedOn: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly corrections: number;
  readonly lastCorrectedAt: string | null;
  /** Stockholm date of the last correction. */
  readonly lastCorrectedOn: string | null;
}

export interface RegistryRow {
  episode_id: string;
  unit_id: string;
  therapist_id: string;
  /** Month of assignment, YYYY-MM (Stockholm). */
  month: string;
  /** As in the event: ciphertext when the projector reads the raw store. */
  personnummer: string;
  diagnosis_code: string;
  assigned_on: string;
  access_until: string;
  ended_on: string | null;
  status: 'active' | 'completed' | 'abandoned';
  school_completed: boolean;
  window: FollowUpWindow | null;
  plan_schedule: PlanSchedule | null;
  reports: number;
  follow_ups: Partial<Record<RegistryTimepoint, RecordedFollowUp>>;
  position: number;
}

const table: TableSpecFor<'registry_follow_ups'> = {
  name: 'registry_follow_ups',
  key: 'episode_id',
  columns: { episode_id: 'text', unit_id: 'text', therapist_id: 'text', month: 'text', position: 'bigint' },
  fields: [
    'personnummer', 'diagnosis_code', 'assigned_on', 'access_until', 'ended_on', 'status', 'school_completed', 'window', 'plan_schedule',
    'reports', 'follow_ups',
  ],
  indexes: { unit_month: ['unit_id', 'month'], therapist: ['therapist_id'] },
};

export const registryFollowUpsProjection: Projection = {
  name: 'registry-follow-ups',
  version: 1,
  tables: [table],
  handles: typeSet(
    'AssignmentStarted', 'TherapistChanged', 'PlanActivated', 'ActivityReported', 'SchoolCompleted', 'EpisodeCompleted', 'EpisodeAbandoned',
    'RegistryFollowUpRecorded',
  ),
  apply: (batch: readonly RecordedEvent[], session: RowSession) =>
    foldEpisodeRows<RegistryRow>(batch, session, {
      table: 'registry_follow_ups',
      start: (id, d, e) => {
        const on = stockholmDate(d.at);
        return {
          episode_id: id, unit_id: d.unitId, therapist_id: d.therapistId, month: on.slice(0, 7), personnummer: d.patient.personnummer,
          diagnosis_code: d.diagnosis.code, assigned_on: on, access_until: d.accessUntil, ended_on: null, status: 'active',
          school_completed: false, window: d.followUpWindow ?? null, plan_schedule: null, reports: 0, follow_ups: {}, position: Number(e.position),
        };
      },
      evolve: (row, e) => {
        switch (e.type) {
          case 'TherapistChanged':
            row.therapist_id = episodeData(e, 'TherapistChanged').toTherapistId;
            break;
          case 'PlanActivated':
            row.plan_schedule = episodeData(e, 'PlanActivated').schedule;
            break;
          case 'ActivityReported':
            row.reports += 1;
            break;
          case 'SchoolCompleted':
            row.school_completed = true;
            break;
          case 'EpisodeCompleted':
          case 'EpisodeAbandoned':
            row.status = e.type === 'EpisodeCompleted' ? 'completed' : 'abandoned';
            row.ended_on = stockholmDate(episodeData(e, 'EpisodeCompleted').at);
            break;
          case 'RegistryFollowUpRecorded': {
            const d = episodeData(e, 'RegistryFollowUpRecorded');
            const before = row.follow_ups[d.timepoint];
            row.follow_ups[d.timepoint] =
              d.correction && before
                ? { ...before, measures: d.measures, corrections: before.corrections + 1, lastCorrectedAt: d.at, lastCorrectedOn: stockholmDate(d.at) }
                : {
                    measures: d.measures, answeredVia: d.answeredVia ?? null, recordedOn: stockholmDate(d.at), recordedAt: d.at, recordedBy: d.by,
                    corrections: 0, lastCorrectedAt: null, lastCorrectedOn: null,
                  };
            break;
          }
        }
      },
    }),
};

/** The domain's follow-up calendar (followUpSchedule and followUpStatus), passed in by the app. */
export interface RegistrySchedule {
  readonly schedule: (facts: FollowUpFacts) => readonly ScheduledFollowUp[];
  readonly status: (scheduled: ScheduledFollowUp, today: string, recorded: boolean) => FollowUpStatus;
}

export const factsOf = (r: RegistryRow): FollowUpFacts => ({
  assignedOn: r.assigned_on,
  accessUntil: r.access_until,
  endedOn: r.ended_on,
  ...(r.window ? { window: r.window } : {}),
});

/** Rows of a unit (or every unit), in episode order; `months` limits the months of assignment. */
export async function registryRows(db: ReadModelDb, o: { unitId?: string; therapistId?: string; episodeIds?: readonly string[] } = {}): Promise<RegistryRow[]> {
  let q = db.selectFrom('registry_follow_ups').selectAll();
  if (o.unitId !== undefined) q = q.where('unit_id', '=', o.unitId);
  if (o.therapistId !== undefined) q = q.where('therapist_id', '=', o.therapistId);
  if (o.episodeIds !== undefined) {
    if (o.episodeIds.length === 0) return [];
    q = q.where('episode_id', 'in', [...o.episodeIds]);
  }
  return (await q.orderBy('episode_id').execute()).map((raw) => decodeRow<RegistryRow>(table, raw));
}

export interface FollowUpsFilter {
  readonly unitId?: string;
  readonly therapistId?: string;
  /** Default: every status but `upcoming`. */
  readonly status?: FollowUpStatus;
  /** Today's Stockholm date. */
  readonly today: string;
  readonly calendar: RegistrySchedule;
  readonly reveal?: Reveal;
  readonly limit?: number;
  readonly offset?: number;
}

export interface FollowUpItem {
  readonly episodeId: string;
  readonly unitId: string;
  readonly therapistId: string;
  /** YYYYMMDD-****. */
  readonly patient: { readonly personnummerMasked: string };
  readonly episodeStatus: 'active' | 'completed' | 'abandoned';
  readonly timepoint: RegistryTimepoint;
  readonly dueOn: string;
  readonly window: { readonly opensOn: string; readonly closesOn: string };
  readonly status: FollowUpStatus;
  readonly recorded: null | {
    readonly on: string;
    readonly by: string;
    readonly answeredVia: AnsweredVia | null;
    /** Recorded outside the window (a late or early paper or phone answer). */
    readonly outsideWindow: boolean;
    readonly corrections: number;
  };
}

/** The due list: per episode and timepoint, due date, window, status and who recorded; by due date. */
export async function queryFollowUps(db: ReadModelDb, filter: FollowUpsFilter): Promise<FollowUpItem[]> {
  const items: { row: RegistryRow; item: Omit<FollowUpItem, 'patient'> }[] = [];
  for (const row of await registryRows(db, filter)) {
    for (const s of filter.calendar.schedule(factsOf(row))) {
      const done = row.follow_ups[s.timepoint];
      const status = filter.calendar.status(s, filter.today, done !== undefined);
      if (filter.status === undefined ? status === 'upcoming' : status !== filter.status) continue;
      const recorded = done
        ? { on: done.recordedOn, by: done.recordedBy, answeredVia: done.answeredVia, outsideWindow: done.recordedOn < s.opensOn || done.recordedOn > s.closesOn, corrections: done.corrections }
        : null;
      items.push({
        row,
        item: {
          episodeId: row.episode_id, unitId: row.unit_id, therapistId: row.therapist_id, episodeStatus: row.status, timepoint: s.timepoint,
          dueOn: s.dueOn, window: { opensOn: s.opensOn, closesOn: s.closesOn }, status, recorded,
        },
      });
    }
  }
  items.sort((a, b) => a.item.dueOn.localeCompare(b.item.dueOn) || a.item.episodeId.localeCompare(b.item.episodeId));
  const page = items.slice(filter.offset ?? 0, (filter.offset ?? 0) + (filter.limit ?? items.length));
  return Promise.all(page.map(async ({ row, item }) => ({ ...item, patient: { personnummerMasked: await maskedPersonnummer(row.personnummer, filter.reveal) } })));
}

/** The episodes among these with a follow-up due today (the dashboard's marker). */
export async function episodesWithFollowUpDue(db: ReadModelDb, episodeIds: readonly string[], today: string, calendar: RegistrySchedule): Promise<Set<string>> {
  const due = new Set<string>();
  for (let i = 0; i < episodeIds.length; i += 500)
    for (const row of await registryRows(db, { episodeIds: episodeIds.slice(i, i + 500) }))
      if (calendar.schedule(factsOf(row)).some((s) => calendar.status(s, today, row.follow_ups[s.timepoint] !== undefined) === 'due')) due.add(row.episode_id);
  return due;
}
