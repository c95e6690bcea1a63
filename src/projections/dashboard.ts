// The therapist's dashboard: a unit's (or one therapist's) active episodes with masked
// patient, assignment date, progress, unread-message marker, warnings and (given the
// registry's calendar) a marker for a registry follow-up that is due. Ended episodes
// keep their row (active = false) so that re-applied events stay no-ops; queries skip them.
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model-schema';
import type { TableSpecFor } from './table-spec';
import { decodeRow, type RowSession } from './row-cache';
import { foldEpisodeRows } from './episode-rows';
import { episodeData, hiddenModulesAfter, maskedPersonnummer, typeSet, type Reveal } from './event-data';
import { utc } from './stockholm';
import { noteMessage, noteRead, unreadCount, type AfterRead } from './unread';
import { currentAbsenceNotice, type AbsenceNoticeView } from './absence-notices';

interface DashboardRow {
  episode_id: string;
  unit_id: string;
  therapist_id: string;
  /** As in the event: ciphertext when the projector reads the raw store; masked at query time. */
  personnummer: string;
  assigned_at: string;
  access_until: string;
  /** Parts completed per module (counts; the domain never repeats a part). */
  parts_done: Record<string, number>;
  hidden_modules: string[];
  after_read: AfterRead;
  unread_count: number;
  last_patient_message_at: string | null;
  warnings: string[];
  active: boolean;
  ended_at: string | null;
  position: number;
}

const table: TableSpecFor<'dashboard_episodes'> = {
  name: 'dashboard_episodes',
  key: 'episode_id',
  columns: { episode_id: 'text', unit_id: 'text', therapist_id: 'text', assigned_at: 'text', active: 'bool', position: 'bigint' },
  fields: [
    'personnummer', 'access_until', 'parts_done', 'hidden_modules', 'after_read', 'unread_count', 'last_patient_message_at',
    'warnings', 'ended_at',
  ],
  indexes: { unit: ['unit_id', 'active', 'assigned_at'], therapist: ['therapist_id', 'active', 'assigned_at'] },
};

export const dashboardProjection: Projection = {
  name: 'dashboard',
  version: 1,
  tables: [table],
  handles: typeSet(
    'AssignmentStarted', 'ModuleHidden', 'ModuleShown', 'PartCompleted', 'MessageSent', 'MessagesRead',
    'TherapistChanged', 'EpisodeCompleted', 'EpisodeAbandoned',
  ),
  apply: (batch: readonly RecordedEvent[], session: RowSession) =>
    foldEpisodeRows<DashboardRow>(batch, session, {
      table: 'dashboard_episodes',
      start: (id, d, e) => ({
        episode_id: id,
        unit_id: d.unitId,
        therapist_id: d.therapistId,
        personnummer: d.patient.personnummer,
        assigned_at: utc(d.at),
        access_until: d.accessUntil,
        parts_done: {},
        hidden_modules: [],
        after_read: [],
        unread_count: 0,
        last_patient_message_at: null,
        warnings: [...d.warnings],
        active: true,
        ended_at: null,
        position: Number(e.position),
      }),
      evolve: evolveRow,
    }),
};

function evolveRow(row: DashboardRow, e: RecordedEvent): void {
  switch (e.type) {
    case 'ModuleHidden':
    case 'ModuleShown':
      row.hidden_modules = hiddenModulesAfter(row.hidden_modules, e);
      break;
    case 'PartCompleted': {
      const { moduleId } = episodeData(e, 'PartCompleted');
      row.parts_done[moduleId] = (row.parts_done[moduleId] ?? 0) + 1;
      break;
    }
    case 'MessageSent': {
      const d = episodeData(e, 'MessageSent');
      noteMessage(row.after_read, d.messageId, d.senderRole === 'patient');
      if (d.senderRole === 'patient') row.last_patient_message_at = d.at;
      row.unread_count = unreadCount(row.after_read);
      break;
    }
    case 'MessagesRead': {
      row.after_read = noteRead(row.after_read, episodeData(e, 'MessagesRead').upToMessageId).list;
      row.unread_count = unreadCount(row.after_read);
      break;
    }
    case 'TherapistChanged':
      row.therapist_id = episodeData(e, 'TherapistChanged').toTherapistId;
      break;
    case 'EpisodeCompleted':
    case 'EpisodeAbandoned':
      row.active = false;
      row.ended_at = (e.data as { at: string }).at;
      break;
  }
}

export interface DashboardFilter {
  readonly unitId: string;
  /** Only this therapist's patients (a therapist sees their own). */
  readonly therapistId?: string;
  /** Momentstart, ascending (default) or descending. */
  readonly sort?: 'assignedAt' | '-assignedAt';
  readonly limit?: number;
  readonly offset?: number;
  /** For the unit's current absence notice; default: the present instant. */
  readonly now?: string;
  /**
   * Parts per theory module (from the content catalogue, supplied by the app): progress is
   * parts done / parts of the visible modules. Without it `totalParts` is null.
   */
  readonly partsPerModule?: Readonly<Record<string, number>>;
  /** Decrypts a stored personnummer (PersonalDataCipher.reveal) before it is masked. */
  readonly reveal?: Reveal;
  /**
   * The episodes among these with a registry follow-up due today (registry-follow-ups.ts,
   * episodesWithFollowUpDue, with the domain's calendar). Without it there is no marker.
   */
  readonly followUpsDue?: (episodeIds: readonly string[]) => Promise<ReadonlySet<string>>;
}

export interface DashboardEpisode {
  readonly episodeId: string;
  readonly unitId: string;
  /** YYYYMMDD-****: never the full personnummer. */
  readonly patient: { readonly personnummerMasked: string };
  readonly therapistId: string;
  readonly assignedAt: string;
  readonly accessUntil: string;
  readonly progress: { readonly partsDone: number; readonly totalParts: number | null; readonly hiddenModules: readonly string[] };
  readonly unreadMessages: { readonly marker: boolean; readonly count: number; readonly lastPatientMessageAt: string | null };
  readonly warnings: readonly string[];
  /** A quality-registry follow-up is due (its window is open and it is not recorded). */
  readonly registryFollowUpDue?: boolean;
}

export interface DashboardView {
  readonly episodes: DashboardEpisode[];
  readonly absenceNotice: AbsenceNoticeView | null;
}

export async function queryDashboard(db: ReadModelDb, filter: DashboardFilter): Promise<DashboardView> {
  const direction = filter.sort === '-assignedAt' ? 'desc' : 'asc';
  let q = db.selectFrom('dashboard_episodes').selectAll().where('unit_id', '=', filter.unitId).where('active', '=', 1);
  if (filter.therapistId !== undefined) q = q.where('therapist_id', '=', filter.therapistId);
  q = q.orderBy('assigned_at', direction).orderBy('episode_id', direction);
  if (filter.limit !== undefined) q = q.limit(filter.limit).offset(filter.offset ?? 0);
  const [rows, absenceNotice] = await Promise.all([
    q.execute(),
    currentAbsenceNotice(db, filter.unitId, filter.now ?? new Date().toISOString()),
  ]);
  const due = filter.followUpsDue ? await filter.followUpsDue(rows.map((r) => r.episode_id)) : undefined;
  const episodes = await Promise.all(
    rows.map(async (raw) => {
      const r = decodeRow<DashboardRow>(table, raw);
      const episode = toEpisode(r, await maskedPersonnummer(r.personnummer, filter.reveal), filter.partsPerModule);
      return due ? { ...episode, registryFollowUpDue: due.has(r.episode_id) } : episode;
    }),
  );
  return { episodes, absenceNotice };
}

function toEpisode(r: DashboardRow, masked: string, partsPerModule: Readonly<Record<string, number>> | undefined): DashboardEpisode {
  const visible = (m: string) => !r.hidden_modules.includes(m);
  const modules = partsPerModule ? Object.keys(partsPerModule) : Object.keys(r.parts_done);
  const partsDone = modules.filter(visible).reduce((n, m) => n + (r.parts_done[m] ?? 0), 0);
  const totalParts = partsPerModule ? modules.filter(visible).reduce((n, m) => n + partsPerModule[m], 0) : null;
  return {
    episodeId: r.episode_id,
    unitId: r.unit_id,
    patient: { personnummerMasked: masked },
    therapistId: r.therapist_id,
    assignedAt: r.assigned_at,
    accessUntil: r.access_until,
    progress: { partsDone, totalParts, hiddenModules: r.hidden_modules },
    unreadMessages: { marker: r.unread_count > 0, count: r.unread_count, lastPatientMessageAt: r.last_patient_message_at },
    warnings: r.warnings,
  };
}
