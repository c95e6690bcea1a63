// The billing ledger: one line per fee event (FeeCharged, or FeeExempted with kind, reason
// and the waived amount), dated by the Stockholm date of the event, so a unit can reconcile
// its invoicing: every assignment has exactly one fee line (charges + exemptions =
// assignments). Lines are keyed by event id: applying an event twice changes nothing.
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model-schema';
import type { TableSpecFor } from './table-spec';
import { decodeRow, type RowSession } from './row-cache';
import { episodeData, episodeIdOf, episodeKeys, maskedPersonnummer, reveal, typeSet, type Reveal } from './event-data';
import { stockholmDate } from './stockholm';

interface LineRow {
  line_id: string;
  episode_id: string;
  unit_id: string;
  kind: 'charge' | 'exemption';
  date: string;
  at: string;
  amount_sek: number;
  exemption_kind: string | null;
  reason: string | null;
  waived_sek: number;
  /** As in the event (possibly ciphertext); masked at query time. */
  personnummer: string;
  position: number;
}

interface AssignmentRow {
  episode_id: string;
  unit_id: string;
  date: string;
  at: string;
  personnummer: string;
  position: number;
}

const lines: TableSpecFor<'billing_ledger'> = {
  name: 'billing_ledger',
  key: 'line_id',
  columns: { line_id: 'text', unit_id: 'text', date: 'text', at: 'text', position: 'bigint' },
  fields: ['episode_id', 'kind', 'amount_sek', 'exemption_kind', 'reason', 'waived_sek', 'personnummer'],
  indexes: { unit_date: ['unit_id', 'date'], date: ['date'] },
};

const assignments: TableSpecFor<'billing_assignments'> = {
  name: 'billing_assignments',
  key: 'episode_id',
  columns: { episode_id: 'text', unit_id: 'text', date: 'text', position: 'bigint' },
  fields: ['at', 'personnummer'],
  indexes: { unit_date: ['unit_id', 'date'], date: ['date'] },
};

export const billingLedgerProjection: Projection = {
  name: 'billing_ledger',
  version: 1,
  tables: [lines, assignments],
  handles: typeSet('AssignmentStarted', 'FeeCharged', 'FeeExempted'),
  async apply(batch: readonly RecordedEvent[], session: RowSession) {
    const assigned = session.table<AssignmentRow>('billing_assignments');
    const ledger = session.table<LineRow>('billing_ledger');
    await Promise.all([assigned.load(episodeKeys(batch)), ledger.load(batch.filter((e) => e.type !== 'AssignmentStarted').map((e) => e.id))]);
    for (const e of batch) {
      const id = episodeIdOf(e);
      if (id === undefined) continue;
      const position = Number(e.position);
      if (e.type === 'AssignmentStarted') {
        if (assigned.get(id)) continue;
        const d = episodeData(e, 'AssignmentStarted');
        assigned.set(id, { episode_id: id, unit_id: d.unitId, date: stockholmDate(d.at), at: d.at, personnummer: d.patient.personnummer, position });
        continue;
      }
      const episode = assigned.get(id);
      if (!episode || ledger.get(e.id)) continue;
      const base = { line_id: e.id, episode_id: id, unit_id: episode.unit_id, personnummer: episode.personnummer, position };
      if (e.type === 'FeeCharged') {
        const d = episodeData(e, 'FeeCharged');
        ledger.set(e.id, { ...base, kind: 'charge', date: stockholmDate(d.at), at: d.at, amount_sek: d.amountSek, exemption_kind: null, reason: null, waived_sek: 0 });
      } else {
        const d = episodeData(e, 'FeeExempted');
        ledger.set(e.id, { ...base, kind: 'exemption', date: stockholmDate(d.at), at: d.at, amount_sek: 0, exemption_kind: d.kind, reason: d.reason, waived_sek: d.waivedAmountSek });
      }
    }
  },
};

export interface LedgerFilter {
  readonly unitId?: string;
  /** Inclusive Stockholm dates, YYYY-MM-DD. */
  readonly from?: string;
  readonly to?: string;
}

export interface LedgerOptions {
  /** Decrypts stored personal fields (personnummer before masking, exemption reasons). */
  readonly reveal?: Reveal;
}

export interface LedgerLine {
  readonly lineId: string;
  readonly date: string;
  readonly at: string;
  readonly unitId: string;
  readonly episodeId: string;
  /** YYYYMMDD-****. */
  readonly patient: string;
  readonly kind: 'charge' | 'exemption';
  /** Charged amount; 0 for an exemption. */
  readonly amountSek: number;
  readonly exemptionKind: string | null;
  readonly reason: string | null;
  readonly waivedSek: number;
}

export interface LedgerTotals {
  readonly chargedSek: number;
  readonly charges: number;
  readonly exemptions: number;
  readonly waivedSek: number;
}

export interface LedgerReport {
  readonly lines: LedgerLine[];
  readonly totals: LedgerTotals;
  /** charges + exemptions = assignments in the same unit and period. */
  readonly reconciliation: { readonly assignments: number; readonly feeLines: number; readonly balanced: boolean };
}

/** The filter's conditions, for either table: both have `unit_id` and the Stockholm `date`. */
function filterTerms(f: LedgerFilter): ['unit_id' | 'date', '=' | '>=' | '<=', string][] {
  const terms: ['unit_id' | 'date', '=' | '>=' | '<=', string][] = [];
  if (f.unitId !== undefined) terms.push(['unit_id', '=', f.unitId]);
  if (f.from !== undefined) terms.push(['date', '>=', f.from]);
  if (f.to !== undefined) terms.push(['date', '<=', f.to]);
  return terms;
}

/** Ledger lines of a unit (or all units) and period, in date order, with totals and the reconciliation. */
export async function queryLedger(db: ReadModelDb, filter: LedgerFilter = {}, options: LedgerOptions = {}): Promise<LedgerReport> {
  const [rows, assignmentCount] = await Promise.all([
    filterTerms(filter)
      .reduce((q, [column, op, value]) => q.where(column, op, value), db.selectFrom('billing_ledger').selectAll())
      .orderBy('date')
      .orderBy('at')
      .orderBy('position')
      .execute(),
    countAssignments(db, filter),
  ]);
  const out = await Promise.all(rows.map((raw) => toLine(decodeRow<LineRow>(lines, raw), options.reveal)));
  const totals = { chargedSek: 0, charges: 0, exemptions: 0, waivedSek: 0 };
  for (const l of out) {
    if (l.kind === 'charge') {
      totals.charges += 1;
      totals.chargedSek += l.amountSek;
    } else {
      totals.exemptions += 1;
      totals.waivedSek += l.waivedSek;
    }
  }
  const feeLines = totals.charges + totals.exemptions;
  return { lines: out, totals, reconciliation: { assignments: assignmentCount, feeLines, balanced: feeLines === assignmentCount } };
}

/** AssignmentStarted events per unit and period (for the reconciliation check). */
export async function countAssignments(db: ReadModelDb, filter: LedgerFilter = {}): Promise<number> {
  const row = await filterTerms(filter)
    .reduce((q, [column, op, value]) => q.where(column, op, value), db.selectFrom('billing_assignments').select((eb) => eb.fn.countAll().as('n')))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

const toLine = async (r: LineRow, how: Reveal | undefined): Promise<LedgerLine> => ({
  lineId: r.line_id,
  date: r.date,
  at: r.at,
  unitId: r.unit_id,
  episodeId: r.episode_id,
  patient: await maskedPersonnummer(r.personnummer, how),
  kind: r.kind,
  amountSek: r.amount_sek,
  exemptionKind: r.exemption_kind,
  reason: await reveal(r.reason, how),
  waivedSek: r.waived_sek,
});
