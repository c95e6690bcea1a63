// GET /episodes/{id}/timeline and /export for auditors (any unit) and unit admins (own unit).
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import type { EventStore } from '../../event-store/event-store';
import { episodeStreamId } from '../../domain/episode/decider';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { notFound } from '../http/api-error';
import { EPISODE_ID, parseQuery } from '../http/request';
import { EVENT_STORE } from '../tokens';
import { buildTimeline, entryAsOf } from './timeline';
import { exportEpisode } from './episode-export';
import { AccessLogService } from '../access-log/access-log.service';
import type { RecordedEvent } from '../../event-store/event-store';

const TimelineQuery = z
  .object({
    revision: z.coerce.number().int().min(0).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
    fromRevision: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
    after: z.string().optional(),
  })
  .refine((q) => q.revision === undefined || q.at === undefined, { message: 'give revision or at, not both', path: ['at'] });

@Controller('episodes')
export class TimelineController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accessLog: AccessLogService,
  ) {}

  @Get(':id/timeline')
  @Roles('auditor', 'unit_admin')
  async timeline(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(TimelineQuery, query);
    const records = await this.records(id, actor);
    await this.logAccess(actor, 'GET /episodes/:id/timeline', id, records, 'read');
    const timeline = buildTimeline(id, records);
    const asOf = q.revision !== undefined || q.at !== undefined ? entryAsOf(timeline, q) : undefined;
    if ((q.revision !== undefined || q.at !== undefined) && !asOf) throw notFound('The episode as of that revision or time');
    const upTo = asOf ? asOf.revision : timeline.revision;
    const page = timeline.entries.filter((e) => e.revision >= q.fromRevision && e.revision <= upTo).slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      episodeId: id,
      revision: timeline.revision,
      integrity: timeline.integrity,
      ...(asOf ? { asOf: { revision: asOf.revision, recordedAt: asOf.recordedAt }, state: asOf.state } : {}),
      entries: page,
      page: {
        fromRevision: q.fromRevision,
        limit: q.limit,
        nextFromRevision: last && last.revision < upTo ? last.revision + 1 : null,
      },
    };
  }

  @Get(':id/export')
  @Roles('auditor')
  async export(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const records = await this.records(id, actor);
    await this.logAccess(actor, 'GET /episodes/:id/export', id, records, 'export');
    return exportEpisode(id, records);
  }

  private logAccess(actor: Actor, endpoint: string, id: string, records: readonly RecordedEvent[], action: string) {
    const first = records[0]!.data as { unitId?: string; patient?: { personnummer?: string } };
    return this.accessLog.record(actor, endpoint, [{ episodeId: id, personnummer: first.patient?.personnummer ?? null, unitId: first.unitId ?? null }], action);
  }

  private async records(id: string, actor: Actor) {
    if (!EPISODE_ID.test(id)) throw notFound('The episode');
    const records = await this.store.readStream(episodeStreamId(id));
    const unitId = records[0]?.data.unitId;
    if (records.length === 0 || (actor.unitId !== undefined && unitId !== actor.unitId)) throw notFound('The episode');
    return records;
  }
}
