// Reporting reads: the billing ledger (JSON or CSV for the unit's invoicing), the
// journal/KVÅ trail with its compliance summary, and the outcomes report (no personal data).
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { occasionsUntil } from '../../domain/episode/activity-plan';
import { localDate } from '../../domain/shared/time';
import { queryLedger } from '../../projections/billing-ledger';
import { ledgerToCsv } from '../../projections/billing-csv';
import { queryJournalCompliance, queryJournalObligations } from '../../projections/journal-obligations';
import { queryOutcomes } from '../../projections/outcomes';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { forbidden } from '../http/api-error';
import { parseQuery } from '../http/request';
import { AccessLogService } from '../access-log/access-log.service';
import { CLOCK, type Clock } from '../tokens';
import { ReadModels } from './read-models.service';
import { LedgerQuery, ObligationsQuery, OutcomesQuery } from './query-schemas';
import { ApiOperation } from '../system/api-operation';
import { LedgerCsv, LedgerView, ObligationsView } from '../system/report-answers';
import { OutcomesReport } from '../registry/outcome-answers';
import { withRegistryResults } from '../registry/outcome-report';

/** Staff of a unit read their own unit only; auditors and reporting read any (or all). */
function scopedUnit(actor: Actor, asked: string | undefined): string | undefined {
  if (actor.unitId === undefined) return asked;
  if (asked !== undefined && asked !== actor.unitId) throw forbidden('You may read only your own unit.');
  return actor.unitId;
}

const wantsCsv = (req: Request, format: string | undefined) =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(String(req.headers.accept ?? '')));

@Controller()
export class ReportingController {
  constructor(
    private readonly reads: ReadModels,
    private readonly accessLog: AccessLogService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One line per fee event (charge at assignment, or exemption with its reason), with totals and reconciliation. */
  @Get('billing/ledger')
  @Roles('unit_admin', 'reporting')
  @ApiOperation({
    operationId: 'getBillingLedger',
    summary: 'The billing ledger: fee lines with totals and reconciliation',
    description:
      "One line per fee event (the charge at assignment, or an exemption with its reason), the totals, and the reconciliation (charges plus exemptions equal assignments). A unit administrator reads their own unit; the reporting job any (`?unitId=`). Access-logged (`billing-read`).",
    tag: 'reads',
    query: LedgerQuery,
    answer: { name: 'LedgerView', schema: LedgerView },
    alternatives: [{ mediaType: 'text/csv', schema: LedgerCsv, description: 'the same lines as CSV for the invoicing (or `?format=csv`).' }],
    answerHeaders: ['Content-Disposition'],
    traits: ['projection', 'accessLogged'],
  })
  async ledger(@Query() query: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const q = parseQuery(LedgerQuery, query);
    const unitId = scopedUnit(actor, q.unitId);
    await this.reads.awaitAfter(q.after);
    const report = await queryLedger(this.reads.db, { unitId, from: q.from, to: q.to }, { reveal: this.reads.reveal });
    await this.accessLog.record(actor, 'GET /billing/ledger', await this.reads.patientsOf(report.lines.map((l) => l.episodeId)), 'billing-read');
    if (wantsCsv(req, q.format)) {
      const name = `ledger-${unitId ?? 'all-units'}-${q.from ?? 'start'}-${q.to ?? localDate(this.clock.now())}.csv`;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`);
      return ledgerToCsv(report.lines);
    }
    const lines = report.lines.map((l) => ({ ...l, personnummerMasked: l.patient }));
    return { unitId: unitId ?? null, from: q.from ?? null, to: q.to ?? null, ...report, lines };
  }

  /** Journal obligations (trigger, KVÅ codes, diagnosis, search word, status) and compliance per unit and therapist. */
  @Get('journal/obligations')
  @Roles('therapist', 'unit_admin', 'auditor')
  @ApiOperation({
    operationId: 'listJournalObligations',
    summary: 'Journal obligations and compliance',
    description:
      'Each obligation with its trigger, KVÅ codes, diagnosis, search word and status (`?status=outstanding` or `recorded`); compliance per unit and therapist. Staff read their own unit, auditors any. Access-logged (they carry the diagnosis).',
    tag: 'reads',
    query: ObligationsQuery,
    answer: { name: 'ObligationsView', schema: ObligationsView },
    traits: ['projection', 'accessLogged'],
  })
  async obligations(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(ObligationsQuery, query);
    const unitId = scopedUnit(actor, q.unitId);
    await this.reads.awaitAfter(q.after);
    const limit = q.limit ?? 500;
    const offset = q.offset ?? 0;
    const filter = { status: q.status, unitId, therapistId: q.therapistId, episodeId: q.episodeId };
    const [obligations, compliance] = await Promise.all([
      queryJournalObligations(this.reads.db, { ...filter, limit, offset }),
      queryJournalCompliance(this.reads.db, { unitId }),
    ]);
    // Obligations carry the diagnosis: a read of the patients' data.
    await this.accessLog.record(actor, 'GET /journal/obligations', await this.reads.patientsOf(obligations.map((o) => o.episodeId)));
    return {
      unitId: unitId ?? null,
      obligations,
      compliance,
      page: { limit, offset, next: obligations.length === limit ? { offset: offset + limit } : null },
    };
  }

  /** Volumes, completion and abandonment, days to end, plan adherence, messages: per unit and month of assignment. */
  @Get('reports/outcomes')
  @Roles('reporting', 'unit_admin')
  @ApiOperation({
    operationId: 'getOutcomes',
    summary: 'Outcomes per unit and month of assignment',
    description:
      'Volumes, completion and abandonment rates, days to end, plan adherence, messages per episode; and how good: registry coverage, the change in pain, EQ-5D index and EQ VAS from baseline to 3 and 12 months, satisfaction, by adherence band and by outcome, per unit and month and for the region. No personal data; a cell of fewer than 5 patients says "fewer than 5".',
    tag: 'reads',
    query: OutcomesQuery,
    answer: { name: 'OutcomesView', schema: OutcomesReport },
    traits: ['projection'],
  })
  async outcomes(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(OutcomesQuery, query);
    const unitId = scopedUnit(actor, q.unitId);
    await this.reads.awaitAfter(q.after);
    const today = localDate(this.clock.now());
    const lines = await queryOutcomes(this.reads.db, {
      unitId,
      fromMonth: q.from,
      toMonth: q.to,
      today,
      dueOccasions: (schedule, lastDate) => occasionsUntil(schedule, lastDate).length,
    });
    const results = await withRegistryResults(this.reads.db, lines, { unitId, fromMonth: q.from, toMonth: q.to, today });
    return { unitId: unitId ?? null, from: q.from ?? null, to: q.to ?? null, today, ...results };
  }
}
