// The therapist's pages: the dashboard (Momentstart either way, progress in green, the
// unread-message marker, warnings, access end, the unit's absence notice) and one patient's
// page (progress per module and part, the activity plan's occasions as a weekly strip,
// and the conversations). A unit administrator sees the whole unit.
import { Controller, Get, Param, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor, Public, Roles } from '../auth/roles.decorator';
import { parseQuery } from '../http/request';
import { ApiReads, type ProgressAnswer } from './api-reads';
import { href, isoWeek } from './ui-format';
import { UiErrorFilter } from './ui-error.filter';
import { UiAuthGuard } from './ui-session';
import { UiRenderer } from './ui-views';

export const DASHBOARD_PAGE_SIZE = 50;

const blank = (v: unknown) => (v === '' ? undefined : v);
const DashboardPageQuery = z
  .object({
    sort: z.preprocess(blank, z.enum(['assignedAt', '-assignedAt']).optional()),
    offset: z.preprocess(blank, z.coerce.number().int().min(0).optional()),
    therapistId: z.preprocess(blank, z.string().trim().min(1).max(200).optional()),
  })
  .strict();

type Occasion = NonNullable<ProgressAnswer['activityPlan']>['occasions'][number];

/** The plan's occasions by ISO week, oldest first: the weekly strip. */
export function weeklyStrip(occasions: readonly Occasion[]): { week: string; occasions: Occasion[] }[] {
  const weeks: { week: string; occasions: Occasion[] }[] = [];
  for (const o of occasions) {
    const week = `v. ${isoWeek(o.occasion)}`;
    const last = weeks[weeks.length - 1];
    if (last && last.week === week) last.occasions.push(o);
    else weeks.push({ week, occasions: [o] });
  }
  return weeks;
}

@Controller('ui')
@Public()
@UseGuards(UiAuthGuard)
@UseFilters(UiErrorFilter)
export class StaffPagesController {
  constructor(
    private readonly api: ApiReads,
    private readonly renderer: UiRenderer,
  ) {}

  @Get('dashboard')
  @Roles('therapist', 'unit_admin')
  async dashboard(@Query() query: unknown, @CurrentActor() actor: Actor, @Res() res: Response) {
    const q = parseQuery(DashboardPageQuery, query);
    const sort = q.sort ?? 'assignedAt';
    const offset = q.offset ?? 0;
    const view = await this.api.dashboard(actor, { sort, offset: String(offset), limit: String(DASHBOARD_PAGE_SIZE), therapistId: q.therapistId });
    const link = (changes: Record<string, string | number | undefined>) => href('/ui/dashboard', { sort, therapistId: q.therapistId, ...changes });
    this.renderer.send(res, 'dashboard.njk', {
      path: '/ui/dashboard',
      actor,
      title: actor.role === 'therapist' ? 'Mina patienter' : 'Enhetens patienter',
      view,
      sort,
      therapistId: q.therapistId,
      sortLink: link({ sort: sort === 'assignedAt' ? '-assignedAt' : 'assignedAt', offset: undefined }),
      nextLink: view.page.next ? link({ offset: view.page.next.offset }) : null,
      previousLink: offset > 0 ? link({ offset: Math.max(0, offset - DASHBOARD_PAGE_SIZE) }) : null,
      first: offset + 1,
    });
  }

  @Get('episodes/:id')
  @Roles('therapist', 'unit_admin')
  async episode(@Param('id') id: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const progress = await this.api.progress(actor, id);
    const messages = await this.api.messages(actor, id);
    this.renderer.send(res, 'episode.njk', {
      path: '/ui/dashboard',
      actor,
      title: `Patient ${progress.patient.personnummerMasked}`,
      p: progress,
      strip: progress.activityPlan ? weeklyStrip(progress.activityPlan.occasions) : [],
      conversations: messages.conversations,
      mayAudit: actor.role === 'unit_admin',
    });
  }
}
