// The quality registry's reads: the follow-up due list (per episode and timepoint: due
// date, window, status, who recorded) and the export that feeds BOA / Svenska
// Artrosregistret (with the personnummer, so every patient in it is access-logged).
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { occasionsUntil } from '../../domain/episode/activity-plan';
import { ERASED } from '../../domain/shared/personal-data';
import { localDate } from '../../domain/shared/time';
import { queryFollowUps } from '../../projections/registry-follow-ups';
import { queryRegistryExport, registryExportToCsv } from '../../projections/registry-export';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { forbidden } from '../http/api-error';
import { parseQuery } from '../http/request';
import { AccessLogService } from '../access-log/access-log.service';
import { CLOCK, type Clock } from '../tokens';
import { ReadModels } from '../read/read-models.service';
import { ApiOperation } from '../system/api-operation';
import { REGISTRY_CALENDAR } from './registry-calendar';
import { FollowUpsQuery, FollowUpsView, RegistryExportCsv, RegistryExportQuery, RegistryExportView } from './registry-schemas';

const dueOccasions: Parameters<typeof queryRegistryExport>[1]['dueOccasions'] = (schedule, lastDate) => occasionsUntil(schedule, lastDate).length;

/** The access log's reason for every patient in an export. */
export const REGISTRY_REPORTING = 'registry reporting';

const wantsCsv = (req: Request, format: string | undefined) =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(String(req.headers.accept ?? '')));

function ownUnit(actor: Actor, asked: string | undefined): string | undefined {
  if (actor.unitId === undefined) return asked;
  if (asked !== undefined && asked !== actor.unitId) throw forbidden('You may read only your own unit.');
  return actor.unitId;
}

@Controller('registry')
export class RegistryController {
  constructor(
    private readonly reads: ReadModels,
    private readonly accessLog: AccessLogService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('follow-ups')
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    operationId: 'listRegistryFollowUps',
    summary: 'Quality-registry follow-ups: what is due, overdue or recorded',
    description:
      "Per episode and timepoint (baseline, 3 months, 12 months, the 12-month ones of ended episodes too): the due date, the window in which the patient may answer through 1177, the status on today's date and who recorded it, how, and whether outside the window. Your own unit; `?therapistId=` for one therapist's patients. Access-logged (the patient is shown masked).",
    tag: 'reads',
    query: FollowUpsQuery,
    answer: { name: 'FollowUpsView', schema: FollowUpsView },
    traits: ['projection', 'accessLogged'],
  })
  async followUps(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(FollowUpsQuery, query);
    const unitId = ownUnit(actor, q.unitId)!;
    await this.reads.awaitAfter(q.after);
    const today = localDate(this.clock.now());
    const limit = q.limit ?? 500;
    const offset = q.offset ?? 0;
    const followUps = await queryFollowUps(this.reads.db, {
      unitId, therapistId: q.therapistId, status: q.status, today, calendar: REGISTRY_CALENDAR, reveal: this.reads.reveal, limit, offset,
    });
    await this.accessLog.record(actor, 'GET /registry/follow-ups', await this.reads.patientsOf(followUps.map((f) => f.episodeId)));
    return {
      unitId,
      status: q.status ?? null,
      therapistId: q.therapistId ?? null,
      today,
      followUps,
      page: { limit, offset, next: followUps.length === limit ? { offset: offset + limit } : null },
    };
  }

  @Get('export')
  @Roles('unit_admin', 'registry_export')
  @ApiOperation({
    operationId: 'exportRegistryFollowUps',
    summary: 'The export that feeds the quality registry (BOA / Svenska Artrosregistret)',
    description:
      'One row per episode and recorded timepoint (recorded or last corrected between `from` and `to`): the personnummer, unit, diagnosis, dates, the measures on their instruments\' scales, school completed and plan adherence. Only recorded follow-ups. A unit administrator exports their own unit; the `registry_export` role its unit, or any when its token names none. Every patient in it is access-logged with the reason "registry reporting".',
    tag: 'reads',
    query: RegistryExportQuery,
    answer: { name: 'RegistryExportView', schema: RegistryExportView },
    alternatives: [{ mediaType: 'text/csv', schema: RegistryExportCsv, description: 'the same rows as CSV (or `?format=csv`).' }],
    answerHeaders: ['Content-Disposition'],
    traits: ['projection', 'accessLogged'],
  })
  async export(@Query() query: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const q = parseQuery(RegistryExportQuery, query);
    const unitId = ownUnit(actor, q.unitId);
    await this.reads.awaitAfter(q.after);
    const today = localDate(this.clock.now());
    const { rows, leftOutErased } = await queryRegistryExport(this.reads.db, {
      unitId, from: q.from, to: q.to, today, calendar: REGISTRY_CALENDAR, dueOccasions, reveal: this.reads.reveal, erased: ERASED,
    });
    // Before the answer leaves: one record per patient, the export's reason as the action.
    const shown = new Map(rows.map((r) => [r.episodeId, { episodeId: r.episodeId, unitId: r.unitId, personnummer: r.personnummer }]));
    await this.accessLog.record(actor, 'GET /registry/export', [...shown.values()], REGISTRY_REPORTING);
    if (wantsCsv(req, q.format)) {
      const name = `registry-${unitId ?? 'all-units'}-${q.from ?? 'start'}-${q.to ?? today}.csv`;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`);
      return registryExportToCsv(rows);
    }
    return { unitId: unitId ?? null, from: q.from ?? null, to: q.to ?? null, rows, leftOutErased };
  }
}
