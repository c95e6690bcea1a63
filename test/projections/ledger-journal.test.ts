// Given assignments, fees and journal events: the billing ledger reconciles and exports, the
// journal trail shows every obligation with its status and corrections, and both stay the
// same when a batch is applied twice (as it may be with a checkpoint beside an EventStoreDB log).
import type { ReadModelDb } from '../../src/projections/read-model-schema';
import type { RecordedEvent } from '../../src/event-store/event-store';
import { countAssignments, billingLedgerProjection, queryLedger } from '../../src/projections/billing-ledger';
import { ledgerToCsv, LEDGER_CSV_COLUMNS } from '../../src/projections/billing-csv';
import { journalObligationsProjection, queryJournalCompliance, queryJournalObligations } from '../../src/projections/journal-obligations';
import type { Projection } from '../../src/projections/projection';
import { readModelDbInfo } from '../../src/projections/read-model-db';
import { RowSession } from '../../src/projections/row-cache';
import { withWriteTransaction } from '../../src/projections/checkpoints';
import { DEFAULT_UNIT_SETTINGS } from '../../src/domain/rules';
import { BACKENDS, closeSharedPool, dumpTables, setup, type Setup } from './harness';
import { patientOf, start, therapistOf, THERAPISTS, UNITS } from './world';

const [U1, U2] = UNITS;
const T1 = therapistOf(U1, 0);

/** Apply events straight to a projection's tables in one transaction (no checkpoint). */
async function applyDirect(db: ReadModelDb, projection: Projection, events: readonly RecordedEvent[]) {
  const info = readModelDbInfo(db);
  await withWriteTransaction(db, info, async (trx) => {
    const session = new RowSession(info, projection.tables, (n) => n, trx);
    await projection.apply(events.filter((e) => projection.handles(e.type)), session);
    await session.flush(trx);
  });
}

async function allEvents(s: Setup): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const batch of s.store.readAll({ batchSize: 1000 })) out.push(...batch);
  return out;
}

/** RFC 4180, enough for the test: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

afterAll(closeSharedPool);

for (const backend of BACKENDS) {
  // PostgreSQL runs only when DATABASE_URL names a server (CI starts one); otherwise skipped.
  const suite = backend.available ? describe : describe.skip;
  suite(`billing ledger and journal trail (${backend.name})`, () => {
    let s: Setup;
    beforeEach(async () => {
      s = await setup(backend);
      const w = s.world;
      w.now = Date.parse('2026-03-02T09:00:00Z');
      await w.episode('A', start('A'), T1);
      w.now = Date.parse('2026-03-03T23:30:00Z'); // 00:30 on 4 March in Stockholm
      await w.episode('B', start('B', { personnummer: '20190101-2391', exemption: 'Frikort till och med 2026-12-31' }), T1);
      w.now = Date.parse('2026-03-05T10:00:00Z');
      await w.episode('C', start('C', { unitId: U2 }), therapistOf(U2));
      await w.episode('D', start('D', { personnummer: '19030818-9802' }), T1, { ...DEFAULT_UNIT_SETTINGS, ageExemption: { from: 85 } });
    });
    afterEach(() => s.close());

    it('has one line per fee event, dated in Stockholm, with totals and the reconciliation per unit and period', async () => {
      await s.projector.catchUp();
      const all = await queryLedger(s.db, { unitId: U1 });
      expect(all.lines.map((l) => [l.episodeId, l.date, l.kind, l.amountSek, l.exemptionKind, l.waivedSek, l.patient])).toEqual([
        ['A', '2026-03-02', 'charge', 200, null, 0, '19121212-****'],
        ['B', '2026-03-04', 'exemption', 0, 'high-cost-card', 200, '20190101-****'],
        ['D', '2026-03-05', 'exemption', 0, 'age', 200, '19030818-****'],
      ]);
      expect(all.lines[1].reason).toBe('Frikort till och med 2026-12-31');
      expect(all.totals).toEqual({ chargedSek: 200, charges: 1, exemptions: 2, waivedSek: 400 });
      expect(all.reconciliation).toEqual({ assignments: 3, feeLines: 3, balanced: true });

      const period = await queryLedger(s.db, { unitId: U1, from: '2026-03-03', to: '2026-03-04' });
      expect(period.lines.map((l) => l.episodeId)).toEqual(['B']);
      expect(period.reconciliation).toEqual({ assignments: 1, feeLines: 1, balanced: true });
      expect((await queryLedger(s.db)).totals).toEqual({ chargedSek: 400, charges: 2, exemptions: 2, waivedSek: 400 });
      expect(await countAssignments(s.db, { unitId: U2 })).toBe(1);
      expect(await countAssignments(s.db, { from: '2026-03-05', to: '2026-03-05' })).toBe(2);
    });

    it('exports the ledger as UTF-8 CSV with a header row', async () => {
      await s.projector.catchUp();
      const csv = ledgerToCsv((await queryLedger(s.db, { unitId: U1 })).lines);
      const [header, ...body] = parseCsv(csv);
      expect(header).toEqual([...LEDGER_CSV_COLUMNS]);
      const rows = body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
      expect(rows.map((r) => [r.date, r.kind, r.amount_sek, r.waived_sek, r.patient])).toEqual([
        ['2026-03-02', 'charge', '200', '0', '19121212-****'],
        ['2026-03-04', 'exemption', '0', '200', '20190101-****'],
        ['2026-03-05', 'exemption', '0', '200', '19030818-****'],
      ]);
      expect(csv).not.toContain('191212121212');
      expect(ledgerToCsv([], { bom: true }).startsWith('\ufeffdate,unit_id')).toBe(true);
      const quoted = ledgerToCsv([{ ...(await queryLedger(s.db, { unitId: U1 })).lines[1], reason: 'Frikort, "äldre"' }]);
      expect(quoted.split('\r\n')[1]).toContain('"Frikort, ""äldre"""');
      expect(parseCsv(quoted)[1][7]).toBe('Frikort, "äldre"');
    });

    it('tracks each journal obligation from raised to recorded, with corrections, filters and compliance', async () => {
      const w = s.world;
      w.advance(60);
      await w.episode('A', { type: 'SendMessage', data: { messageId: 'm1', newConversationId: 'c1', text: 'Hej' } }, patientOf(U1));
      w.advance(60);
      await w.episode('A', { type: 'RecordJournalEntry', data: { obligationId: 'assignment', journalReference: 'J-1' } }, T1);
      w.advance(60);
      await w.episode('A', { type: 'CorrectJournalEntry', data: { obligationId: 'assignment', journalReference: 'J-2', reason: 'Fel mall' } }, T1);
      await w.episode('A', { type: 'EndEpisode', data: { outcome: 'completed' } }, T1);
      await s.projector.catchUp();

      const mine = await queryJournalObligations(s.db, { unitId: U1, therapistId: THERAPISTS[0] });
      const a = mine.filter((o) => o.episodeId === 'A');
      expect(a.map((o) => [o.obligationId, o.trigger, o.status])).toEqual([
        ['assignment', 'assignment', 'recorded'],
        ['conversation-c1', 'conversation', 'outstanding'],
        ['completed-school', 'completed-school', 'outstanding'],
        ['end', 'end', 'outstanding'],
      ]);
      expect(a[0]).toMatchObject({
        kvaCodes: ['GB020', 'ZV044'],
        diagnosisCode: 'M17.1',
        searchWord: 'Artrosbehandling',
        triggerRevision: 0,
        recorded: { by: THERAPISTS[0], journalReference: 'J-1', form: null },
        corrections: { count: 1, latestReference: 'J-2', latestBy: THERAPISTS[0] },
      });
      expect(a[1].conversationId).toBe('c1');
      const outstanding = await queryJournalObligations(s.db, { status: 'outstanding', unitId: U1 });
      expect(outstanding.map((o) => `${o.episodeId}/${o.obligationId}`)).toEqual([
        'B/assignment', 'D/assignment', 'A/conversation-c1', 'A/completed-school', 'A/end',
      ]);
      expect((await queryJournalObligations(s.db, { status: 'recorded' })).map((o) => o.episodeId)).toEqual(['A']);

      const compliance = await queryJournalCompliance(s.db);
      expect(compliance.units).toEqual([
        { unitId: U1, total: 6, recorded: 1, outstanding: 5, shareRecorded: 1 / 6, oldestOutstandingAt: '2026-03-03T23:30:00.000Z' },
        { unitId: U2, total: 1, recorded: 0, outstanding: 1, shareRecorded: 0, oldestOutstandingAt: '2026-03-05T10:00:00.000Z' },
      ]);
      expect(compliance.therapists.map((t) => [t.unitId, t.therapistId, t.total])).toEqual([
        [U1, THERAPISTS[0], 6],
        [U2, THERAPISTS[0], 1],
      ]);
    });

    it('leaves the ledger and the journal trail unchanged when the same batch is applied twice', async () => {
      const w = s.world;
      await w.episode('A', { type: 'RecordJournalEntry', data: { obligationId: 'assignment' } }, T1);
      await w.episode('A', { type: 'CorrectJournalEntry', data: { obligationId: 'assignment', journalReference: 'J-9', reason: 'Rättelse' } }, T1);
      await w.episode('B', { type: 'EndEpisode', data: { outcome: 'abandoned' } }, T1);
      const events = await allEvents(s);
      for (const projection of [billingLedgerProjection, journalObligationsProjection]) {
        await applyDirect(s.db, projection, events);
        const once = await dumpTables(s.db, [projection]);
        await applyDirect(s.db, projection, events);
        await applyDirect(s.db, projection, events.slice(events.length >> 1));
        expect(await dumpTables(s.db, [projection])).toEqual(once);
      }
      const trail = await queryJournalObligations(s.db, { episodeId: 'A' });
      expect(trail[0].corrections).toMatchObject({ count: 1, latestReference: 'J-9' });
      expect((await queryLedger(s.db)).reconciliation).toEqual({ assignments: 4, feeLines: 4, balanced: true });
    });
  });
}
