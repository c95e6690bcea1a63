// The auditor's pages (granskare): find an episode by personnummer or id, replay its
// timeline (any revision or time, what each event changed, integrity, journal obligations),
// print it or download it as JSON, and read the access log with the chain's verification.
// A unit administrator may replay their own unit's episodes, as the API allows.
import { Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { EventStore } from '../../event-store/event-store';
import { episodeStreamId } from '../../domain/episode/decider';
import { DomainError } from '../../domain/shared/domain-error';
import { ERASED } from '../../domain/shared/personal-data';
import { zonedInstant } from '../../domain/shared/time';
import type { Actor } from '../auth/actor';
import { CurrentActor, Public, Roles } from '../auth/roles.decorator';
import { notFound } from '../http/api-error';
import { EPISODE_ID, parseQuery } from '../http/request';
import { ACCESS_LOG_STORE } from '../access-log/access-log.service';
import { verifyAccessLog, type AccessLogStore } from '../access-log/access-log-store';
import { EVENT_STORE } from '../tokens';
import { ApiReads } from './api-reads';
import { EpisodeFinder } from './episode-finder';
import { TIMELINE_PAGE_SIZE, timelinePage } from './timeline-page';
import { href } from './ui-format';
import { UiErrorFilter } from './ui-error.filter';
import { UiAuthGuard, readForm } from './ui-session';
import { UiRenderer } from './ui-views';

const blank = (v: unknown) => (v === '' ? undefined : v);
const TimelinePageQuery = z
  .object({
    revision: z.preprocess(blank, z.coerce.number().int().min(0).optional()),
    /** A Stockholm wall-clock time from the form (YYYY-MM-DDTHH:MM[:SS]) or an ISO instant. */
    at: z.preprocess(blank, z.string().max(40).optional()),
    fromRevision: z.preprocess(blank, z.coerce.number().int().min(0).optional()),
  })
  .strict();

const LocalTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/;

/** The instant of the form's Stockholm time; anything else goes to the API as it is (which checks it). */
export function instantOf(at: string): string {
  const m = LocalTime.exec(at);
  if (!m) return at;
  const instant = Date.parse(zonedInstant(m[1]!, m[2]!)) + Number(m[3] ?? 0) * 1000;
  return new Date(instant).toISOString();
}

const AccessLogPageQuery = z
  .object({
    userId: z.preprocess(blank, z.string().trim().min(1).max(200).optional()),
    episodeId: z.preprocess(blank, z.string().regex(EPISODE_ID, 'an episode id').optional()),
    afterSeq: z.preprocess(blank, z.coerce.number().int().min(0).optional()),
  })
  .strict();

const ACCESS_LOG_PAGE = 100;

@Controller('ui/audit')
@Public()
@UseGuards(UiAuthGuard)
@UseFilters(UiErrorFilter)
export class AuditPagesController {
  constructor(
    private readonly api: ApiReads,
    private readonly finder: EpisodeFinder,
    private readonly renderer: UiRenderer,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ACCESS_LOG_STORE) private readonly accessLogStore: AccessLogStore,
  ) {}

  @Get()
  @Roles('auditor', 'unit_admin')
  search(@Query('episodeId') episodeId: unknown, @CurrentActor() actor: Actor, @Res() res: Response) {
    if (typeof episodeId === 'string' && episodeId.trim() !== '') {
      const id = episodeId.trim().toUpperCase();
      if (EPISODE_ID.test(id)) return res.redirect(303, `/ui/audit/episodes/${id}`);
      return this.showSearch(res, actor, { episodeError: 'Ett moment-id har 26 tecken (ULID), till exempel 01KAX1Z3Q8M5N7P2R4S6T8V0WY.', episodeId }, 400);
    }
    this.showSearch(res, actor, {}, 200);
  }

  @Post('search')
  @Roles('auditor', 'unit_admin')
  async searchByPersonnummer(@Req() req: Request, @CurrentActor() actor: Actor, @Res() res: Response) {
    const form = await readForm(req, res);
    try {
      const found = await this.finder.byPersonnummer(actor, form.personnummer ?? '');
      this.showSearch(res, actor, { found, searched: true }, 200);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'INVALID_PERSONNUMMER') throw error;
      this.showSearch(res, actor, { personnummerError: 'Personnumret är inte giltigt: kontrollera siffrorna och kontrollsiffran.' }, 422);
    }
  }

  @Get('episodes/:id')
  @Roles('auditor', 'unit_admin')
  async timeline(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor, @Res() res: Response) {
    const q = parseQuery(TimelinePageQuery, query);
    const at = q.at !== undefined ? instantOf(q.at) : undefined;
    const fromRevision = q.fromRevision ?? (q.revision !== undefined ? Math.floor(q.revision / TIMELINE_PAGE_SIZE) * TIMELINE_PAGE_SIZE : 0);
    const answer = await this.api.timeline(actor, id, {
      revision: q.revision?.toString(),
      at,
      fromRevision: String(fromRevision),
      limit: String(TIMELINE_PAGE_SIZE),
    });
    const view = timelinePage(answer, q.revision ?? ('asOf' in answer && answer.asOf ? answer.asOf.revision : null));
    const obligations = this.api.mayReadObligations(actor) ? await this.api.obligations(actor, { episodeId: id, limit: '200' }) : null;
    const selection = { revision: q.revision, at: q.at };
    const pageLink = (from: number) => href(`/ui/audit/episodes/${id}`, { ...selection, fromRevision: from });
    this.renderer.send(res, 'timeline.njk', {
      path: '/ui/audit',
      actor,
      title: `Tidslinje för moment ${id}`,
      episodeId: id,
      headRevision: answer.revision,
      view,
      selection,
      asOfChosen: q.revision !== undefined || q.at !== undefined,
      obligations: obligations?.obligations ?? null,
      accessLogLink: this.api.mayReadAccessLog(actor) ? `/ui/audit/access-log?episodeId=${id}` : null,
      jsonLink: href(`/ui/audit/episodes/${id}/timeline.json`, selection),
      previousLink: fromRevision > 0 ? pageLink(Math.max(0, fromRevision - TIMELINE_PAGE_SIZE)) : null,
      nextLink: answer.page.nextFromRevision !== null ? pageLink(answer.page.nextFromRevision) : null,
      fromRevision,
    });
  }

  /** The same timeline as JSON, for the case file (at most 1000 events a file, as the API's page). */
  @Get('episodes/:id/timeline.json')
  @Roles('auditor', 'unit_admin')
  async timelineJson(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor, @Res() res: Response) {
    const q = parseQuery(TimelinePageQuery, query);
    const answer = await this.api.timeline(actor, id, {
      revision: q.revision?.toString(),
      at: q.at !== undefined ? instantOf(q.at) : undefined,
      fromRevision: String(q.fromRevision ?? 0),
      limit: '1000',
    });
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="timeline-${id}${q.revision !== undefined ? `-rev${q.revision}` : ''}.json"`);
    res.send(JSON.stringify(answer, null, 2));
  }

  @Get('access-log')
  @Roles('auditor')
  async accessLog(@Query() query: unknown, @CurrentActor() actor: Actor, @Res() res: Response) {
    const q = parseQuery(AccessLogPageQuery, query);
    if (q.episodeId !== undefined) {
      const personnummer = await this.personnummerOf(q.episodeId);
      if (personnummer === ERASED) return this.showAccessLog(res, actor, { episodeId: q.episodeId, erased: true });
      return this.showAccessLog(res, actor, { episodeId: q.episodeId, personnummer, afterSeq: q.afterSeq });
    }
    if (q.userId !== undefined) return this.showAccessLog(res, actor, { userId: q.userId, afterSeq: q.afterSeq });
    return this.showAccessLog(res, actor, {});
  }

  @Post('access-log')
  @Roles('auditor')
  async accessLogForPatient(@Req() req: Request, @CurrentActor() actor: Actor, @Res() res: Response) {
    const form = await readForm(req, res);
    const afterSeq = /^\d{1,15}$/.test(form.afterSeq ?? '') ? Number(form.afterSeq) : undefined;
    try {
      await this.showAccessLog(res, actor, { personnummer: form.personnummer ?? '', afterSeq, byForm: true });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'INVALID_PERSONNUMMER') throw error;
      await this.showAccessLog(res, actor, { personnummerError: 'Personnumret är inte giltigt: kontrollera siffrorna och kontrollsiffran.' }, 422);
    }
  }

  /** The patient of an episode, from its first event (the store decrypts it; ERASED once erased). */
  private async personnummerOf(episodeId: string): Promise<string> {
    const [first] = await this.store.readStream(episodeStreamId(episodeId), { from: 0, to: 0 });
    const patient = (first?.data as { patient?: { personnummer?: unknown } } | undefined)?.patient;
    if (typeof patient?.personnummer !== 'string') throw notFound('The episode');
    return patient.personnummer;
  }

  private async showAccessLog(
    res: Response,
    actor: Actor,
    ask: { personnummer?: string; userId?: string; episodeId?: string; afterSeq?: number; erased?: boolean; byForm?: boolean; personnummerError?: string },
    status = 200,
  ) {
    const subject = ask.personnummer !== undefined ? 'patient' : ask.userId !== undefined ? 'user' : null;
    const answer = subject
      ? await this.api.accessLogRecords(actor, {
          personnummer: ask.personnummer,
          userId: ask.userId,
          afterSeq: ask.afterSeq?.toString(),
          limit: String(ACCESS_LOG_PAGE),
        })
      : null;
    const verification = await verifyAccessLog(this.accessLogStore);
    const nextSeq = answer?.next?.afterSeq;
    this.renderer.send(
      res,
      'access-log.njk',
      {
        path: '/ui/audit/access-log',
        actor,
        title: 'Åtkomstlogg',
        subject,
        userId: ask.userId,
        episodeId: ask.episodeId,
        erased: ask.erased === true,
        records: answer?.records ?? [],
        // A patient asked by form pages by form (the number stays out of the address bar).
        nextForm: nextSeq !== undefined && ask.byForm ? { personnummer: ask.personnummer, afterSeq: nextSeq } : null,
        nextLink: nextSeq !== undefined && !ask.byForm ? href('/ui/audit/access-log', { userId: ask.userId, episodeId: ask.episodeId, afterSeq: nextSeq }) : null,
        verification: { records: verification.records, problems: verification.problems.slice(0, 50), more: Math.max(0, verification.problems.length - 50), head: verification.head },
        personnummerError: ask.personnummerError,
      },
      status,
    );
  }

  private showSearch(res: Response, actor: Actor, extra: Record<string, unknown>, status: number) {
    this.renderer.send(res, 'audit-search.njk', { path: '/ui/audit', actor, title: 'Granska moment', ...extra }, status);
  }
}
