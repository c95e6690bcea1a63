// The journal/KVÅ trail: every journal obligation with its trigger, KVÅ codes, diagnosis and
// search word, outstanding until a JournalEntryRecorded, with its corrections (a correction
// never edits: it is counted and its reference shown). Plus a compliance summary per unit
// and per therapist. Rows carry the position of the last event folded in, so re-applying
// a batch (an EventStoreDB checkpoint is not atomic with the log) changes nothing.
import type { SelectQueryBuilder } from 'kysely';
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import type { ReadModelDatabase, ReadModelDb } from './read-model-schema';
import type { TableSpecFor } from './table-spec';
import { decodeRow, type RowSession } from './row-cache';
import { episodeData, episodeIdOf, episodeKeys, typeSet } from './event-data';
import { utc } from './stockholm';

interface ObligationRow {
  obligation_key: string;
  episode_id: string;
  obligation_id: string;
  unit_id: string;
  trigger: string;
  trigger_revision: number;
  conversation_id: string | null;
  /** UTC ISO, so the oldest outstanding sorts first. */
  raised_at: string;
  therapist_id: string;
  kva_codes: string[];
  diagnosis_code: string;
  search_word: string;
  status: 'outstanding' | 'recorded';
  recorded_by: string | null;
  recorded_at: string | null;
  journal_reference: string | null;
  form: string | null;
  corrections: number;
  corrected_reference: string | null;
  corrected_at: string | null;
  corrected_by: string | null;
  correction_reason: string | null;
  position: number;
}

interface EpisodeRow {
  episode_id: string;
  unit_id: string;
  position: number;
}

const obligations: TableSpecFor<'journal_obligations'> = {
  name: 'journal_obligations',
  key: 'obligation_key',
  columns: {
    obligation_key: 'text', episode_id: 'text', unit_id: 'text', therapist_id: 'text', status: 'text', raised_at: 'text', position: 'bigint',
  },
  fields: [
    'obligation_id', 'trigger', 'trigger_revision', 'conversation_id', 'kva_codes', 'diagnosis_code', 'search_word', 'recorded_by',
    'recorded_at', 'journal_reference', 'form', 'corrections', 'corrected_reference', 'corrected_at', 'corrected_by', 'correction_reason',
  ],
  indexes: { unit: ['unit_id', 'status', 'raised_at'], therapist: ['therapist_id', 'status'], episode: ['episode_id'] },
};

const episodes: TableSpecFor<'journal_episodes'> = {
  name: 'journal_episodes',
  key: 'episode_id',
  columns: { episode_id: 'text', position: 'bigint' },
  fields: ['unit_id'],
};

const keyOf = (episodeId: string, obligationId: string) => `${episodeId}/${obligationId}`;

export const journalObligationsProjection: Projection = {
  name: 'journal_obligations',
  version: 1,
  tables: [obligations, episodes],
  handles: typeSet('AssignmentStarted', 'JournalObligationRaised', 'JournalEntryRecorded', 'JournalEntryCorrected'),
  async apply(batch: readonly RecordedEvent[], session: RowSession) {
    const eps = session.table<EpisodeRow>('journal_episodes');
    const rows = session.table<ObligationRow>('journal_obligations');
    const keys: string[] = [];
    for (const e of batch) {
      const id = episodeIdOf(e);
      if (id !== undefined && e.type !== 'AssignmentStarted') keys.push(keyOf(id, e.data.obligationId as string));
    }
    await Promise.all([eps.load(episodeKeys(batch)), rows.load(keys)]);
    for (const e of batch) {
      const id = episodeIdOf(e);
      if (id === undefined) continue;
      const position = Number(e.position);
      switch (e.type) {
        case 'AssignmentStarted':
          if (!eps.get(id)) eps.set(id, { episode_id: id, unit_id: episodeData(e, 'AssignmentStarted').unitId, position });
          break;
        case 'JournalObligationRaised': {
          const d = episodeData(e, 'JournalObligationRaised');
          const key = keyOf(id, d.obligationId);
          const episode = eps.get(id);
          if (!episode || rows.get(key)) break;
          rows.set(key, {
            obligation_key: key, episode_id: id, obligation_id: d.obligationId, unit_id: episode.unit_id, trigger: d.trigger,
            trigger_revision: d.triggerRevision, conversation_id: d.conversationId, raised_at: utc(d.at), therapist_id: d.therapistId,
            kva_codes: d.kvaCodes, diagnosis_code: d.diagnosisCode, search_word: d.searchWord, status: 'outstanding',
            recorded_by: null, recorded_at: null, journal_reference: null, form: null, corrections: 0, corrected_reference: null,
            corrected_at: null, corrected_by: null, correction_reason: null, position,
          });
          break;
        }
        case 'JournalEntryRecorded': {
          const d = episodeData(e, 'JournalEntryRecorded');
          const row = rows.get(keyOf(id, d.obligationId));
          if (!row || position <= row.position) break;
          rows.set(row.obligation_key, {
            ...row, status: 'recorded', recorded_by: d.by, recorded_at: d.at, journal_reference: d.journalReference, form: d.form, position,
          });
          break;
        }
        case 'JournalEntryCorrected': {
          const d = episodeData(e, 'JournalEntryCorrected');
          const row = rows.get(keyOf(id, d.obligationId));
          if (!row || position <= row.position) break;
          rows.set(row.obligation_key, {
            ...row, corrections: row.corrections + 1, corrected_reference: d.journalReference, corrected_at: d.at,
            corrected_by: d.by, correction_reason: d.reason, position,
          });
          break;
        }
      }
    }
  },
};

export interface ObligationFilter {
  readonly status?: 'outstanding' | 'recorded';
  readonly unitId?: string;
  readonly therapistId?: string;
  readonly episodeId?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface ObligationView {
  readonly episodeId: string;
  readonly unitId: string;
  readonly obligationId: string;
  readonly trigger: string;
  /** Revision (in the episode stream) of the event that raised the duty. */
  readonly triggerRevision: number;
  readonly conversationId: string | null;
  readonly raisedAt: string;
  readonly therapistId: string;
  readonly kvaCodes: readonly string[];
  readonly diagnosisCode: string;
  readonly searchWord: string;
  readonly status: 'outstanding' | 'recorded';
  readonly recorded: null | { readonly by: string; readonly at: string; readonly journalReference: string | null; readonly form: string | null };
  readonly corrections: { readonly count: number; readonly latestReference: string | null; readonly latestAt: string | null; readonly latestBy: string | null };
}

function filtered<O>(q: SelectQueryBuilder<ReadModelDatabase, 'journal_obligations', O>, f: ObligationFilter) {
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.unitId !== undefined) q = q.where('unit_id', '=', f.unitId);
  if (f.therapistId !== undefined) q = q.where('therapist_id', '=', f.therapistId);
  if (f.episodeId !== undefined) q = q.where('episode_id', '=', f.episodeId);
  return q;
}

/** Obligations, oldest first. */
export async function queryJournalObligations(db: ReadModelDb, filter: ObligationFilter = {}): Promise<ObligationView[]> {
  let q = filtered(db.selectFrom('journal_obligations').selectAll(), filter).orderBy('raised_at').orderBy('obligation_key');
  if (filter.limit !== undefined) q = q.limit(filter.limit).offset(filter.offset ?? 0);
  return (await q.execute()).map((raw) => toView(decodeRow<ObligationRow>(obligations, raw)));
}

const toView = (r: ObligationRow): ObligationView => ({
  episodeId: r.episode_id,
  unitId: r.unit_id,
  obligationId: r.obligation_id,
  trigger: r.trigger,
  triggerRevision: r.trigger_revision,
  conversationId: r.conversation_id,
  raisedAt: r.raised_at,
  therapistId: r.therapist_id,
  kvaCodes: r.kva_codes,
  diagnosisCode: r.diagnosis_code,
  searchWord: r.search_word,
  status: r.status,
  recorded: r.status === 'recorded' ? { by: r.recorded_by ?? '', at: r.recorded_at ?? '', journalReference: r.journal_reference, form: r.form } : null,
  corrections: { count: r.corrections, latestReference: r.corrected_reference, latestAt: r.corrected_at, latestBy: r.corrected_by },
});

export interface ComplianceLine {
  readonly total: number;
  readonly recorded: number;
  readonly outstanding: number;
  /** recorded / total; null when there are no obligations. */
  readonly shareRecorded: number | null;
  readonly oldestOutstandingAt: string | null;
}

export interface ComplianceSummary {
  readonly units: readonly (ComplianceLine & { readonly unitId: string })[];
  readonly therapists: readonly (ComplianceLine & { readonly unitId: string; readonly therapistId: string })[];
}

/** Journal compliance per unit and per therapist (of the unit, when given). */
export async function queryJournalCompliance(db: ReadModelDb, filter: { readonly unitId?: string } = {}): Promise<ComplianceSummary> {
  const counted = filtered(db.selectFrom('journal_obligations'), filter).select((eb) => [
    eb.fn.countAll().as('total'),
    eb.fn.sum(eb.case().when('status', '=', 'recorded').then(1).else(0).end()).as('recorded'),
    eb.fn.min(eb.case().when('status', '=', 'outstanding').then(eb.ref('raised_at')).end()).as('oldest'),
  ]);
  const [units, therapists] = await Promise.all([
    counted.select('unit_id').groupBy('unit_id').orderBy('unit_id').execute(),
    counted.select(['unit_id', 'therapist_id']).groupBy(['unit_id', 'therapist_id']).orderBy('unit_id').orderBy('therapist_id').execute(),
  ]);
  // Counts come back as numbers from SQLite and as decimal text from PostgreSQL.
  const line = (r: { total: unknown; recorded: unknown; oldest: string | null }): ComplianceLine => {
    const total = Number(r.total);
    const recorded = Number(r.recorded ?? 0);
    return { total, recorded, outstanding: total - recorded, shareRecorded: total ? recorded / total : null, oldestOutstandingAt: r.oldest ?? null };
  };
  return {
    units: units.map((r) => ({ unitId: r.unit_id, ...line(r) })),
    therapists: therapists.map((r) => ({ unitId: r.unit_id, therapistId: r.therapist_id, ...line(r) })),
  };
}
