// The progress view of one episode (GET /episodes/{id}): everything the therapist follows,
// folded from every event of the episode stream, so `revision` is the stream's revision.
// Personal fields (personnummer, birth date, welcome text) are kept as the events carry
// them (ciphertext from the raw store) and decrypted at query time.
import type { RecordedEvent } from '../event-store/event-store';
import type { PlanQuestion, PlanSchedule } from '../domain/episode/events';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model-schema';
import type { TableSpecFor } from './table-spec';
import { decodeRow, type RowSession } from './row-cache';
import { foldEpisodeRows } from './episode-rows';
import { episodeData, hiddenModulesAfter, reveal, typeSet, type Reveal } from './event-data';
import { noteMessage, noteRead, unreadCount, type AfterRead } from './unread';

export type FeeLine =
  | { readonly kind: 'charged'; readonly amountSek: number; readonly at: string }
  | { readonly kind: 'exempted'; readonly exemptionKind: string; readonly reason: string; readonly waivedAmountSek: number; readonly at: string };

interface Done {
  id: string;
  at: string;
}

export interface ProgressRow {
  episode_id: string;
  unit_id: string;
  revision: number;
  status: 'active' | 'completed' | 'abandoned';
  personnummer: string;
  patient_kind: string;
  birth_date: string;
  therapist_id: string;
  /** The ordinary therapist while a stand-in covers an absence. */
  ordinary_therapist_id: string | null;
  assigned_by: string;
  assigned_at: string;
  access_until: string;
  diagnosis: { code: string; examinedBy: string; examinedOn: string | null };
  welcome_text: string;
  fee: FeeLine | null;
  hidden_modules: string[];
  parts_done: Record<string, Done[]>;
  school_completed: { basis: string; moduleId: string | null; at: string } | null;
  exercises: Record<string, Done[]>;
  plan: { questions: PlanQuestion[]; schedule: PlanSchedule; activatedAt: string; activatedBy: string } | null;
  /** Reported occasion date -> when it was reported. */
  reports: Record<string, string>;
  message_count: number;
  after_read: AfterRead;
  unread_count: number;
  last_message_at: string | null;
  warnings: string[];
  journal_outstanding: number;
  follow_ups: Record<string, string>;
  ended_at: string | null;
  ended_by: string | null;
  position: number;
}

const table: TableSpecFor<'episode_progress'> = {
  name: 'episode_progress',
  key: 'episode_id',
  columns: { episode_id: 'text', unit_id: 'text', position: 'bigint' },
  fields: [
    'revision', 'status', 'personnummer', 'patient_kind', 'birth_date', 'therapist_id', 'ordinary_therapist_id', 'assigned_by',
    'assigned_at', 'access_until', 'diagnosis', 'welcome_text', 'fee', 'hidden_modules', 'parts_done', 'school_completed',
    'exercises', 'plan', 'reports', 'message_count', 'after_read', 'unread_count', 'last_message_at', 'warnings',
    'journal_outstanding', 'follow_ups', 'ended_at', 'ended_by',
  ],
};

const pushUnique = (list: Done[], id: string, at: string) => {
  if (!list.some((d) => d.id === id)) list.push({ id, at });
};

/** Fold one event (not the first) into the row, in place. */
function evolve(row: ProgressRow, e: RecordedEvent): void {
  switch (e.type) {
    case 'FeeCharged': {
      const d = episodeData(e, 'FeeCharged');
      row.fee = { kind: 'charged', amountSek: d.amountSek, at: d.at };
      break;
    }
    case 'FeeExempted': {
      const d = episodeData(e, 'FeeExempted');
      row.fee = { kind: 'exempted', exemptionKind: d.kind, reason: d.reason, waivedAmountSek: d.waivedAmountSek, at: d.at };
      break;
    }
    case 'WelcomeTextEdited':
      row.welcome_text = episodeData(e, 'WelcomeTextEdited').text;
      break;
    case 'ModuleHidden':
    case 'ModuleShown':
      row.hidden_modules = hiddenModulesAfter(row.hidden_modules, e);
      break;
    case 'PartCompleted': {
      const d = episodeData(e, 'PartCompleted');
      pushUnique((row.parts_done[d.moduleId] ??= []), d.partId, d.at);
      break;
    }
    case 'SchoolCompleted': {
      const d = episodeData(e, 'SchoolCompleted');
      row.school_completed = { basis: d.basis, moduleId: d.moduleId, at: d.at };
      break;
    }
    case 'ExercisesRevealed': {
      const d = episodeData(e, 'ExercisesRevealed');
      const list = (row.exercises[d.programme] ??= []);
      for (const id of d.exerciseIds) pushUnique(list, id, d.at);
      break;
    }
    case 'PlanActivated': {
      const d = episodeData(e, 'PlanActivated');
      row.plan = { questions: d.questions, schedule: d.schedule, activatedAt: d.at, activatedBy: d.by };
      break;
    }
    case 'ActivityReported': {
      const d = episodeData(e, 'ActivityReported');
      row.reports[d.occasion] = d.at;
      break;
    }
    case 'MessageSent': {
      const d = episodeData(e, 'MessageSent');
      row.message_count += 1;
      row.last_message_at = d.at;
      row.unread_count = unreadCount(noteMessage(row.after_read, d.messageId, d.senderRole === 'patient'));
      break;
    }
    case 'MessagesRead':
      row.after_read = noteRead(row.after_read, episodeData(e, 'MessagesRead').upToMessageId).list;
      row.unread_count = unreadCount(row.after_read);
      break;
    case 'TherapistChanged': {
      const d = episodeData(e, 'TherapistChanged');
      // As the domain's evolve: cover for an absence remembers the ordinary therapist, and
      // moving back to that therapist (for whatever reason) ends the cover.
      const ordinary = d.reason === 'absence' ? (row.ordinary_therapist_id ?? d.fromTherapistId) : null;
      row.ordinary_therapist_id = ordinary === d.toTherapistId ? null : ordinary;
      row.therapist_id = d.toTherapistId;
      break;
    }
    case 'JournalObligationRaised':
      row.journal_outstanding += 1;
      break;
    case 'JournalEntryRecorded':
      row.journal_outstanding = Math.max(0, row.journal_outstanding - 1);
      break;
    case 'EpisodeCompleted':
    case 'EpisodeAbandoned': {
      const d = episodeData(e, 'EpisodeCompleted');
      row.status = e.type === 'EpisodeCompleted' ? 'completed' : 'abandoned';
      row.ended_at = d.at;
      row.ended_by = d.by;
      break;
    }
    case 'RegistryFollowUpRecorded': {
      const d = episodeData(e, 'RegistryFollowUpRecorded');
      row.follow_ups[d.timepoint] = d.at;
      break;
    }
  }
}

export const episodeProgressProjection: Projection = {
  name: 'episode_progress',
  version: 2, // 2: returning to the ordinary therapist ends the absence cover
  tables: [table],
  // Every episode event, so that `revision` follows the stream.
  handles: typeSet(
    'AssignmentStarted', 'FeeCharged', 'FeeExempted', 'WelcomeTextEdited', 'ModuleHidden', 'ModuleShown', 'PartCompleted',
    'SchoolCompleted', 'ExercisesRevealed', 'PlanActivated', 'ActivityReported', 'MessageSent', 'MessagesRead',
    'TherapistChanged', 'JournalObligationRaised', 'JournalEntryRecorded', 'JournalEntryCorrected', 'EpisodeCompleted',
    'EpisodeAbandoned', 'RegistryFollowUpRecorded',
  ),
  apply: (batch: readonly RecordedEvent[], session: RowSession) =>
    foldEpisodeRows<ProgressRow>(batch, session, {
      table: 'episode_progress',
      start: (id, d, e) => ({
        episode_id: id, unit_id: d.unitId, revision: e.revision, status: 'active',
        personnummer: d.patient.personnummer, patient_kind: d.patient.kind, birth_date: d.patient.birthDate,
        therapist_id: d.therapistId, ordinary_therapist_id: null, assigned_by: d.assignedBy, assigned_at: d.at,
        access_until: d.accessUntil, diagnosis: { code: d.diagnosis.code, examinedBy: d.diagnosis.examinedBy, examinedOn: d.diagnosis.examinedOn },
        welcome_text: d.welcomeText, fee: null, hidden_modules: [], parts_done: {}, school_completed: null, exercises: {},
        plan: null, reports: {}, message_count: 0, after_read: [], unread_count: 0, last_message_at: null,
        warnings: [...d.warnings], journal_outstanding: 0, follow_ups: {}, ended_at: null, ended_by: null, position: Number(e.position),
      }),
      evolve: (row, e) => {
        evolve(row, e);
        row.revision = e.revision;
      },
    }),
};

/** Catalogue shape the app may pass to list every module and part (only ids are read). */
export interface ModuleOutline {
  readonly id: string;
  readonly parts: readonly { readonly id: string }[];
}

export interface EpisodeProgress {
  readonly episodeId: string;
  readonly unitId: string;
  /** The episode stream's revision this view reflects. */
  readonly revision: number;
  readonly position: string;
  readonly status: 'active' | 'completed' | 'abandoned';
  readonly outcome: 'completed' | 'abandoned' | null;
  /** Canonical 12 digits: for access logging and the patient view only; never in logs. */
  readonly patient: { readonly personnummer: string; readonly kind: string; readonly birthDate: string };
  readonly therapistId: string;
  readonly ordinaryTherapistId: string | null;
  readonly assignedAt: string;
  readonly assignedBy: string;
  readonly accessUntil: string;
  readonly diagnosis: { readonly code: string; readonly examinedBy: string; readonly examinedOn: string | null };
  readonly welcomeText: string;
  readonly fee: FeeLine | null;
  /** Visible or hidden ("Kommande"), with the parts done (green). */
  readonly modules: readonly {
    readonly moduleId: string;
    readonly visible: boolean;
    readonly partsDone: readonly { readonly partId: string; readonly at: string }[];
    /** Every part with its state, when the app passed the catalogue outline. */
    readonly parts?: readonly { readonly partId: string; readonly done: boolean }[];
  }[];
  readonly schoolCompleted: { readonly basis: string; readonly moduleId: string | null; readonly at: string } | null;
  readonly exercises: Readonly<Record<string, readonly { readonly exerciseId: string; readonly revealedAt: string }[]>>;
  /** The plan as stored; the app computes occasions from `schedule`. */
  readonly activityPlan: null | {
    readonly questions: readonly PlanQuestion[];
    readonly schedule: PlanSchedule;
    readonly activatedAt: string;
    readonly activatedBy: string;
    readonly reportedOccasions: readonly { readonly occasion: string; readonly reportedAt: string }[];
  };
  readonly messages: { readonly count: number; readonly unread: number; readonly lastMessageAt: string | null };
  readonly journalObligationsOutstanding: number;
  readonly registryFollowUps: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
  readonly endedAt: string | null;
  readonly endedBy: string | null;
}

/** One episode's progress view, or null when the projection has not seen it. */
export async function queryEpisodeProgress(
  db: ReadModelDb,
  episodeId: string,
  options: {
    readonly modules?: readonly ModuleOutline[];
    /** Decrypts stored personal fields (personnummer, birth date, welcome text). */
    readonly reveal?: Reveal;
  } = {},
): Promise<EpisodeProgress | null> {
  const raw = await db.selectFrom('episode_progress').selectAll().where('episode_id', '=', episodeId).executeTakeFirst();
  if (!raw) return null;
  const r = decodeRow<ProgressRow>(table, raw);
  const [personnummer, birthDate, welcomeText] = await Promise.all([
    reveal(r.personnummer, options.reveal),
    reveal(r.birth_date, options.reveal),
    reveal(r.welcome_text, options.reveal),
  ]);
  return toView({ ...r, personnummer, birth_date: birthDate, welcome_text: welcomeText }, options.modules);
}

/** The stored episode and patient (personnummer as stored: ciphertext from the raw store) of these episodes. */
export async function queryEpisodePatients(
  db: ReadModelDb,
  episodeIds: readonly string[],
): Promise<{ readonly episodeId: string; readonly unitId: string; readonly personnummer: string }[]> {
  const out: { episodeId: string; unitId: string; personnummer: string }[] = [];
  // In chunks: a parameter per id, and SQLite allows 32,766.
  for (let i = 0; i < episodeIds.length; i += 500) {
    const rows = await db.selectFrom('episode_progress').selectAll().where('episode_id', 'in', episodeIds.slice(i, i + 500)).execute();
    for (const raw of rows) {
      const r = decodeRow<ProgressRow>(table, raw);
      out.push({ episodeId: r.episode_id, unitId: r.unit_id, personnummer: r.personnummer });
    }
  }
  return out;
}

function toView(r: ProgressRow, outline: readonly ModuleOutline[] | undefined): EpisodeProgress {
  const ids = [...new Set([...(outline ?? []).map((m) => m.id), ...Object.keys(r.parts_done), ...r.hidden_modules])];
  const modules = ids.map((moduleId) => {
    const done = r.parts_done[moduleId] ?? [];
    const parts = outline?.find((m) => m.id === moduleId)?.parts.map((p) => ({ partId: p.id, done: done.some((d) => d.id === p.id) }));
    return {
      moduleId,
      visible: !r.hidden_modules.includes(moduleId),
      partsDone: done.map((d) => ({ partId: d.id, at: d.at })),
      ...(parts ? { parts } : {}),
    };
  });
  const exercises: Record<string, { exerciseId: string; revealedAt: string }[]> = {};
  for (const [programme, list] of Object.entries(r.exercises)) exercises[programme] = list.map((x) => ({ exerciseId: x.id, revealedAt: x.at }));
  return {
    episodeId: r.episode_id,
    unitId: r.unit_id,
    revision: r.revision,
    position: String(r.position),
    status: r.status,
    outcome: r.status === 'active' ? null : r.status,
    patient: { personnummer: r.personnummer, kind: r.patient_kind, birthDate: r.birth_date },
    therapistId: r.therapist_id,
    ordinaryTherapistId: r.ordinary_therapist_id,
    assignedAt: r.assigned_at,
    assignedBy: r.assigned_by,
    accessUntil: r.access_until,
    diagnosis: r.diagnosis,
    welcomeText: r.welcome_text,
    fee: r.fee,
    modules,
    schoolCompleted: r.school_completed,
    exercises,
    activityPlan: r.plan && {
      ...r.plan,
      reportedOccasions: Object.entries(r.reports)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([occasion, reportedAt]) => ({ occasion, reportedAt })),
    },
    messages: { count: r.message_count, unread: r.unread_count, lastMessageAt: r.last_message_at },
    journalObligationsOutstanding: r.journal_outstanding,
    registryFollowUps: r.follow_ups,
    warnings: r.warnings,
    endedAt: r.ended_at,
    endedBy: r.ended_by,
  };
}
