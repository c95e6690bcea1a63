// The read-model database as Kysely sees it: one interface per table, the stored columns
// only (a TableSpec's `columns`, plus `doc` holding its other fields as one JSON text). The
// TableSpecs are checked against these (TableSpecFor in table-spec.ts), and every query
// builder over the read models is typed by ReadModelDatabase, so a wrong table or column
// name fails to compile. A leaf module: types only.
import type { Kysely } from 'kysely';

/** A `bigint` column: a number from SQLite, decimal text from PostgreSQL (pg's int8 default). */
export type StoredBigint = number | string;
/** A `bool` column: 1 or 0. */
export type StoredBool = number;
/** The JSON text of a row's TableSpec.fields. */
export type StoredDoc = string;

export interface EpisodeProgressTable {
  episode_id: string;
  unit_id: string;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface DashboardEpisodesTable {
  episode_id: string;
  unit_id: string;
  therapist_id: string;
  /** UTC ISO (Momentstart), so that text order is time order. */
  assigned_at: string;
  active: StoredBool;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface AbsenceNoticesTable {
  /** `<unitId>/<noticeId>`. */
  notice_key: string;
  unit_id: string;
  from_at: string;
  to_at: string;
  withdrawn: StoredBool;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface BillingLedgerTable {
  /** The fee event's id. */
  line_id: string;
  unit_id: string;
  /** Stockholm date, YYYY-MM-DD. */
  date: string;
  at: string;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface BillingAssignmentsTable {
  episode_id: string;
  unit_id: string;
  date: string;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface JournalObligationsTable {
  /** `<episodeId>/<obligationId>`. */
  obligation_key: string;
  episode_id: string;
  unit_id: string;
  therapist_id: string;
  status: 'outstanding' | 'recorded';
  raised_at: string;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface JournalEpisodesTable {
  episode_id: string;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface MessagesTable {
  /** `<episodeId>/<messageId>`. */
  message_key: string;
  episode_id: string;
  /** 1, 2, ... within the episode, in the order sent. */
  seq: number;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface MessageEpisodesTable {
  episode_id: string;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface OutcomeEpisodesTable {
  episode_id: string;
  unit_id: string;
  /** Month of assignment, YYYY-MM (Stockholm). */
  month: string;
  position: StoredBigint;
  doc: StoredDoc;
}

export interface RegistryFollowUpsTable {
  episode_id: string;
  unit_id: string;
  /** The responsible therapist now. */
  therapist_id: string;
  /** Month of assignment, YYYY-MM (Stockholm). */
  month: string;
  position: StoredBigint;
  doc: StoredDoc;
}

/** One row per projection (checkpoints.ts). */
export interface ProjectionCheckpointsTable {
  name: string;
  version: number;
  /** The last global position applied. */
  position: StoredBigint;
  updated_at: string;
}

export interface ReadModelDatabase {
  episode_progress: EpisodeProgressTable;
  dashboard_episodes: DashboardEpisodesTable;
  absence_notices: AbsenceNoticesTable;
  billing_ledger: BillingLedgerTable;
  billing_assignments: BillingAssignmentsTable;
  journal_obligations: JournalObligationsTable;
  journal_episodes: JournalEpisodesTable;
  messages: MessagesTable;
  message_episodes: MessageEpisodesTable;
  outcome_episodes: OutcomeEpisodesTable;
  registry_follow_ups: RegistryFollowUpsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
}

/** A connection to the read models (createReadModelDb in read-model-db.ts). */
export type ReadModelDb = Kysely<ReadModelDatabase>;
