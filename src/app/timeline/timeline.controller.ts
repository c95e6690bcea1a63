// GET /episodes/{id}/timeline and /export for auditors (any unit) and unit admins (own unit).
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import { episodeStreamId } from '../../domain/episode/decider';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { notFound } from '../http/api-error';
import { EPISODE_ID, parseQuery } from '../http/request';
import { EVENT_STORE } from '../tokens';
import { buildTimeline, entryAsOf } from './timeline';
import { exportEpisode } from './episode-export';
import { AccessLogService } from '../access-log/access-log.service';
import { ApiOperation } from '../system/api-operation';
import { ExportView, TimelineView } from '../system/audit-answers';
import { EpisodePath } from '../episodes/request-schemas';
import { TimelineQuery } from '../read/query-schemas';

@Controller('episodes')
export class TimelineController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accessLog: AccessLogService,
  ) {}

  @Get(':id/timeline')
  @Roles('auditor', 'unit_admin')
  @ApiOperation({
    operationId: 'getTimeline',
    summary: "The auditor's timeline of one episode",
    description:
      'Every event in order with revision, global position, recorded time, actor, data, what it changed and the state after it, with an integrity report; `?revision=N` or `?at=<time>` gives the state as it stood then; `?fromRevision=&limit=` pages. Read from the store itself, not a projection. Access-logged.',
    tag: 'audit',
    params: EpisodePath,
    query: TimelineQuery,
    answer: { name: 'TimelineView', schema: TimelineView },
    traits: ['accessLogged'],
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  })
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
  @ApiOperation({
    operationId: 'exportEpisode',
    summary: "One episode's complete history with envelopes",
    description: 'What `npm run import` appends to another installation, where it replays to the same timeline. Personal fields in clear. Access-logged (`export`).',
    tag: 'audit',
    params: EpisodePath,
    answer: { name: 'ExportView', schema: ExportView },
    traits: ['accessLogged'],
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  })
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
