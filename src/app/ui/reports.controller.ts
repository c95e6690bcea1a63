// The unit manager's and the reporting job's page: outcomes per unit and month as charts
// with the table beside them and a CSV of the same lines, journal compliance (outstanding
// obligations per therapist) for those the API lets read it, and the month's billing
// ledger with its reconciliation (and the API's CSV for the invoicing).
import { Controller, Get, Inject, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { addMonths, localDate } from '../../domain/shared/time';
import { queryJournalCompliance } from '../../projections/journal-obligations';
import type { Actor } from '../auth/actor';
import { CurrentActor, Public, Roles } from '../auth/roles.decorator';
import { forbidden } from '../http/api-error';
import { parseQuery } from '../http/request';
import { ReadModels } from '../read/read-models.service';
import { CLOCK, type Clock } from '../tokens';
import { ApiReads, type OutcomesAnswer } from './api-reads';
import { href } from './ui-format';
import { UiErrorFilter } from './ui-error.filter';
import { UiAuthGuard } from './ui-session';
import { UiRenderer } from './ui-views';

const blank = (v: unknown) => (v === '' ? undefined : v);
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const ReportsQuery = z
  .object({
    unitId: z.preprocess(blank, z.string().trim().min(1).max(200).optional()),
    from: z.preprocess(blank, Month.optional()),
    to: z.preprocess(blank, Month.optional()),
    ledgerMonth: z.preprocess(blank, Month.optional()),
  })
  .strict();

type Line = OutcomesAnswer['lines'][number];

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly kind: 'bar' | 'line';
  readonly unit: 'percent' | 'days' | 'count';
  readonly labels: readonly string[];
  readonly datasets: readonly { readonly label: string; readonly data: readonly (number | null)[] }[];
}

const share = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/** Every month from one to the other, inclusive (YYYY-MM). */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to && months.length < 240; m = addMonths(`${m}-01`, 1).slice(0, 7)) months.push(m);
  return months;
}

/** The four charts of the outcomes over every month of the period, one series per unit (and measure). */
export function outcomeCharts(lines: readonly Line[], months: readonly string[]): ChartSpec[] {
  const units = [...new Set(lines.map((l) => l.unitId))].sort();
  const named = (what: string, unit: string) => (units.length > 1 ? `${what}, ${unit}` : what);
  const series = (what: string, pick: (l: Line) => number | null) =>
    units.map((unit) => ({ label: named(what, unit), data: months.map((m) => { const l = lines.find((x) => x.unitId === unit && x.month === m); return l ? pick(l) : null; }) }));
  return [
    { id: 'rates', title: 'Slutförda och avbrutna moment (andel av tilldelade)', kind: 'bar', unit: 'percent', labels: months,
      datasets: [...series('Moment slutfört', (l) => share(l.completionRate)), ...series('Invånare avbröt', (l) => share(l.abandonmentRate))] },
    { id: 'days', title: 'Dagar till avslut', kind: 'line', unit: 'days', labels: months,
      datasets: [...series('Medel', (l) => l.meanDaysToEnd), ...series('Median', (l) => l.medianDaysToEnd)] },
    { id: 'adherence', title: 'Följsamhet till aktivitetsplanen (rapporterade av förfallna tillfällen)', kind: 'line', unit: 'percent', labels: months,
      datasets: series('Följsamhet', (l) => share(l.activityPlan.adherence)) },
    { id: 'messages', title: 'Meddelanden per moment', kind: 'bar', unit: 'count', labels: months, datasets: series('Meddelanden per moment', (l) => l.messagesPerEpisode) },
  ];
}

const OUTCOME_COLUMNS = [
  'unit_id', 'month', 'assignments', 'completed', 'abandoned', 'active', 'completion_rate', 'abandonment_rate',
  'mean_days_to_end', 'median_days_to_end', 'episodes_with_plan', 'occasions_due', 'occasions_reported', 'plan_adherence', 'messages_per_episode', 'exemptions',
] as const;

export function outcomesCsv(lines: readonly Line[]): string {
  const rows = lines.map((l) => [
    l.unitId, l.month, l.assignments, l.completed, l.abandoned, l.active, l.completionRate, l.abandonmentRate,
    l.meanDaysToEnd ?? '', l.medianDaysToEnd ?? '', l.activityPlan.episodesWithPlan, l.activityPlan.occasionsDue ?? '', l.activityPlan.occasionsReported,
    l.activityPlan.adherence ?? '', l.messagesPerEpisode, l.exemptions,
  ]);
  return stringify(rows, { header: true, columns: [...OUTCOME_COLUMNS], record_delimiter: '\r\n' });
}

/** The last day of a month YYYY-MM (day 0 of the next month). */
export const lastDay = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);

@Controller('ui/reports')
@Public()
@UseGuards(UiAuthGuard)
@UseFilters(UiErrorFilter)
export class ReportsPagesController {
  constructor(
    private readonly api: ApiReads,
    private readonly reads: ReadModels,
    private readonly renderer: UiRenderer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The period asked for, by default the last twelve months; staff see their own unit only. */
  private period(actor: Actor, query: unknown) {
    const q = parseQuery(ReportsQuery, query);
    if (actor.unitId !== undefined && q.unitId !== undefined && q.unitId !== actor.unitId) throw forbidden('You may read only your own unit.');
    const thisMonth = localDate(this.clock.now()).slice(0, 7);
    const to = q.to ?? thisMonth;
    const from = q.from ?? addMonths(`${to}-01`, -11).slice(0, 7);
    // The ledger of the period's last month, or this month's when the period runs on.
    return { unitId: actor.unitId ?? q.unitId, from, to, ledgerMonth: q.ledgerMonth ?? (to < thisMonth ? to : thisMonth) };
  }

  @Get()
  @Roles('unit_admin', 'reporting')
  async page(@Query() query: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const p = this.period(actor, query);
    const outcomes = await this.api.outcomes(actor, { unitId: p.unitId, from: p.from, to: p.to });
    const compliance = this.api.mayReadObligations(actor) ? await queryJournalCompliance(this.reads.db, { unitId: actor.unitId }) : null;
    const ledger = await this.api.ledger(actor, { unitId: p.unitId, from: `${p.ledgerMonth}-01`, to: lastDay(p.ledgerMonth) }, req, res);
    this.renderer.send(res, 'reports.njk', {
      path: '/ui/reports',
      actor,
      title: 'Rapporter',
      period: p,
      outcomes,
      charts: outcomeCharts(outcomes.lines, monthsBetween(p.from, p.to)),
      compliance,
      ledger: typeof ledger === 'string' ? null : ledger,
      outcomesCsv: href('/ui/reports/outcomes.csv', { unitId: p.unitId, from: p.from, to: p.to }),
      ledgerCsv: href('/ui/reports/ledger.csv', { unitId: p.unitId, from: p.from, to: p.to, ledgerMonth: p.ledgerMonth }),
    });
  }

  @Get('outcomes.csv')
  @Roles('unit_admin', 'reporting')
  async outcomesCsv(@Query() query: unknown, @CurrentActor() actor: Actor, @Res() res: Response) {
    const p = this.period(actor, query);
    const outcomes = await this.api.outcomes(actor, { unitId: p.unitId, from: p.from, to: p.to });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${`outcomes-${p.unitId ?? 'all-units'}-${p.from}-${p.to}.csv`.replace(/[^\w.-]/g, '_')}"`);
    res.send(outcomesCsv(outcomes.lines));
  }

  /** The API's own invoicing CSV for the chosen month (it names the file). */
  @Get('ledger.csv')
  @Roles('unit_admin', 'reporting')
  async ledgerCsv(@Query() query: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const p = this.period(actor, query);
    const csv = await this.api.ledger(actor, { unitId: p.unitId, from: `${p.ledgerMonth}-01`, to: lastDay(p.ledgerMonth), format: 'csv' }, req, res);
    res.send(csv);
  }
}
