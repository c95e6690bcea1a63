// CSV export of the billing ledger (GET /billing/ledger with Accept: text/csv).
// UTF-8, comma-separated, one header row, RFC 4180 quoting (csv-stringify), one row per
// ledger line in the order of queryLedger. Columns:
//   date            Stockholm date of the fee event, YYYY-MM-DD
//   unit_id         care unit (HSA id)
//   episode_id      the treatment episode
//   patient         masked personnummer, YYYYMMDD-****
//   kind            charge | exemption
//   amount_sek      charged amount in SEK (0 for an exemption)
//   exemption_kind  high-cost-card | age | other (empty for a charge)
//   reason          the recorded exemption reason (empty for a charge)
//   waived_sek      the fee waived by an exemption in SEK (0 for a charge)
//   recorded_at     the event's instant, ISO 8601
//   line_id         the fee event's id (stable across exports)
import { stringify } from 'csv-stringify/sync';
import type { LedgerLine } from './billing-ledger';

export const LEDGER_CSV_COLUMNS = [
  'date', 'unit_id', 'episode_id', 'patient', 'kind', 'amount_sek', 'exemption_kind', 'reason', 'waived_sek', 'recorded_at', 'line_id',
] as const;

export function ledgerToCsv(lines: readonly LedgerLine[], options: { readonly bom?: boolean } = {}): string {
  const records = lines.map((l) => [
    l.date, l.unitId, l.episodeId, l.patient, l.kind, l.amountSek, l.exemptionKind ?? '', l.reason ?? '', l.waivedSek, l.at, l.lineId,
  ]);
  // A BOM helps Excel read UTF-8 (å, ä, ö in reasons); off by default for other tools.
  return stringify(records, { header: true, columns: [...LEDGER_CSV_COLUMNS], bom: options.bom ?? false, record_delimiter: '\r\n' });
}
