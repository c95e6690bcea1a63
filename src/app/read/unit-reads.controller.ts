// The therapist's dashboard and the unit's absence notices, from the projections.
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { catalogue } from '../../domain/reference/catalogue';
import { queryDashboard } from '../../projections/dashboard';
import { episodesWithFollowUpDue } from '../../projections/registry-follow-ups';
import { localDate } from '../../domain/shared/time';
import { REGISTRY_CALENDAR } from '../registry/registry-calendar';
import { queryAbsenceNotices } from '../../projections/absence-notices';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { forbidden } from '../http/api-error';
import { parseQuery } from '../http/request';
import { AccessLogService } from '../access-log/access-log.service';
import { CLOCK, type Clock } from '../tokens';
import { assertOwnUnit } from '../units/units-write.controller';
import { ReadModels } from './read-models.service';
import { AbsenceNoticesQuery, DashboardQuery } from './query-schemas';
import { ApiOperation } from '../system/api-operation';
import { AbsenceNoticesView, DashboardView } from '../system/report-answers';
import { UnitIdParam } from '../episodes/request-schemas';

const PARTS_PER_MODULE = Object.fromEntries(catalogue.modules.map((m) => [m.id, m.parts.length]));

@Controller()
export class UnitReadsController {
  constructor(
    private readonly reads: ReadModels,
    private readonly accessLog: AccessLogService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Active episodes of the unit (unit_admin) or of the calling therapist ("own"), with the
   * masked patient, Momentstart (sortable both ways), progress, unread marker and warnings.
   */
  @Get('dashboard')
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    operationId: 'getDashboard',
    summary: "Active episodes of the calling therapist, or of the unit",
    description:
      "A therapist sees their own patients; a unit administrator the unit's (`?therapistId=` for one therapist). Each with the masked patient, Momentstart (sortable both ways), progress, unread marker and warnings, and the unit's absence notice in force. Access-logged.",
    tag: 'reads',
    query: DashboardQuery,
    answer: { name: 'DashboardView', schema: DashboardView },
    traits: ['projection', 'accessLogged'],
  })
  async dashboard(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(DashboardQuery, query);
    const unitId = actor.unitId as string;
    if (q.unitId !== undefined && q.unitId !== unitId) throw forbidden('You may read only your own unit.');
    if (actor.role === 'therapist' && q.therapistId !== undefined && q.therapistId !== actor.id)
      throw forbidden("A therapist's dashboard shows their own patients; a unit administrator sees the whole unit.");
    await this.reads.awaitAfter(q.after);
    const therapistId = actor.role === 'therapist' ? actor.id : q.therapistId;
    const limit = q.limit ?? 200;
    const offset = q.offset ?? 0;
    const view = await queryDashboard(this.reads.db, {
      unitId,
      therapistId,
      sort: q.sort ?? 'assignedAt',
      limit,
      offset,
      now: this.clock.now(),
      partsPerModule: PARTS_PER_MODULE,
      reveal: this.reads.reveal,
      followUpsDue: (ids) => episodesWithFollowUpDue(this.reads.db, ids, localDate(this.clock.now()), REGISTRY_CALENDAR),
    });
    await this.accessLog.record(actor, 'GET /dashboard', await this.reads.patientsOf(view.episodes.map((e) => e.episodeId)));
    return {
      unitId,
      therapistId: therapistId ?? null,
      sort: q.sort ?? 'assignedAt',
      episodes: view.episodes.map((e) => ({ ...e, unreadCount: e.unreadMessages.count, registryFollowUpDue: e.registryFollowUpDue ?? false })),
      absenceNotice: view.absenceNotice,
      page: { limit, offset, next: view.episodes.length === limit ? { offset: offset + limit } : null },
    };
  }

  /** The unit's absence notices to citizens; `?active=true` for those in force now. */
  @Get('units/:unitId/absence-notices')
  @Roles('unit_admin', 'therapist', 'patient_gateway')
  @ApiOperation({
    operationId: 'listAbsenceNotices',
    summary: "The unit's absence notices to citizens",
    description: '`?active=true` for those in force now; staff may ask for withdrawn ones too.',
    tag: 'reads',
    params: { unitId: UnitIdParam },
    query: AbsenceNoticesQuery,
    answer: { name: 'AbsenceNoticesView', schema: AbsenceNoticesView },
    traits: ['projection'],
  })
  async absenceNotices(@Param('unitId') unitId: string, @Query() query: unknown, @CurrentActor() actor: Actor) {
    assertOwnUnit(unitId, actor);
    const q = parseQuery(AbsenceNoticesQuery, query);
    await this.reads.awaitAfter(q.after);
    const notices = await queryAbsenceNotices(this.reads.db, unitId, {
      activeAt: q.active === 'true' ? this.clock.now() : undefined,
      // Citizens see only what is published; staff may ask for withdrawn ones too.
      includeWithdrawn: q.includeWithdrawn === 'true' && actor.role !== 'patient_gateway',
    });
    return { unitId, notices };
  }
}
