// For backend teams that keep their own copy of the history: the event schemas, and the
// event feed (pages, or Server-Sent Events that follow live) for the `integration` role.
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { parseQuery } from '../http/request';
import { ApiError } from '../http/api-error';
import { FeedQuery, FeedStreamQuery } from '../read/query-schemas';
import { ApiOperation } from '../system/api-operation';
import { EventFeed } from './event-feed.service';
import { EventSchemasView, eventSchemas } from './event-schemas';
import { FeedPage } from './feed-event';

const LastEventId = z.string().regex(/^\d{1,19}$/, 'a position, as the `id:` of an event');

const SSE_EXAMPLE =
  'retry: 2000\n\n' +
  'id: 42\ndata: {"position":"42","eventId":"3f2a9c1e-7b4d-4e8a-9c21-5d6e7f8a9b0c","streamId":"episode-01KAX1Z3Q8M5N7P2R4S6T8V0WY","revision":4,"type":"ModuleHidden","schemaVersion":1,' +
  '"recordedAt":"2026-11-22T09:05:00.000Z","episodeId":"01KAX1Z3Q8M5N7P2R4S6T8V0WY","unitId":"SE2321000131-E001","patientRef":"9f1c2b7e4d5a6c3b8e9f0a1b2c3d4e5f6a7b8c9d",' +
  '"data":{"moduleId":"hand","by":"SE2321000131-T001","at":"2026-11-22T09:05:00.000Z"},"withheld":[],"actor":{"id":"SE2321000131-T001","role":"therapist","unitId":"SE2321000131-E001"},' +
  '"commandId":"c0a8e2f4-1b3d-4c5e-8f70-9a1b2c3d4e5f","correlationId":"c0a8e2f4-1b3d-4c5e-8f70-9a1b2c3d4e5f","causationId":"c0a8e2f4-1b3d-4c5e-8f70-9a1b2c3d4e5f"}\n\n' +
  ': keep-alive\n\n';

@Controller()
export class FeedController {
  constructor(private readonly feed: EventFeed) {}

  @Get('schemas/events')
  @ApiOperation({
    operationId: 'getEventSchemas',
    summary: 'The JSON Schema of every event type and schema version',
    description:
      "Generated from the zod schemas the service decides and folds with: each type's `data` at every version still in stores, which fields are personal data, and `data` as the feed carries it (personal fields left out). Any authenticated caller.",
    tag: 'integration',
    answer: { name: 'EventSchemasView', schema: EventSchemasView },
  })
  async schemas() {
    return { events: await eventSchemas() };
  }

  @Get('events')
  @Roles('integration')
  @ApiOperation({
    operationId: 'listEvents',
    summary: 'A page of the event feed',
    description:
      'Events in position order after `after`, with the `after` of the next page. A token with a `unit` claim sees that unit\'s events only. No personal data: the patient is a pseudonymous key (`patientRef`), personnummer and message texts are left out. Each page is access-logged as the caller\'s read (`feed-read`).',
    tag: 'integration',
    query: FeedQuery,
    answer: { name: 'FeedPage', schema: FeedPage },
    traits: ['accessLogged'],
    errors: ['STORE_UNAVAILABLE'],
  })
  async events(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(FeedQuery, query);
    return this.feed.page(actor, BigInt(q.after ?? '0'), q.limit ?? 100);
  }

  @Get('events/stream')
  @Roles('integration')
  @ApiOperation({
    operationId: 'streamEvents',
    summary: 'The event feed as Server-Sent Events: catch up, then follow live',
    description:
      'Each event is one SSE message: `id:` is its position, `data:` the event as in `GET /events`. A client that reconnects with `Last-Event-ID` (browsers do this themselves) resumes right after it: it misses nothing and sees nothing twice. Comments (`: keep-alive`) keep idle connections open. The server reads the next events only once the client has taken the last ones, so a slow client is sent less, not buffered. Access-logged per batch.',
    tag: 'integration',
    query: FeedStreamQuery,
    headers: { 'Last-Event-ID': { schema: LastEventId, description: 'Resume after this position (wins over `?after=`).' } },
    answer: { name: 'FeedStream', schema: z.string().meta({ description: `Server-Sent Events; each \`data:\` is a FeedEvent.` }), mediaType: 'text/event-stream', example: SSE_EXAMPLE },
    traits: ['accessLogged'],
    errors: ['STORE_UNAVAILABLE'],
  })
  async stream(@Query() query: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const q = parseQuery(FeedStreamQuery, query);
    const header = req.headers['last-event-id'];
    let after = BigInt(q.after ?? '0');
    if (header !== undefined) {
      const parsed = LastEventId.safeParse(Array.isArray(header) ? header[0] : header);
      if (!parsed.success)
        throw new ApiError(400, 'VALIDATION_FAILED', 'Last-Event-ID must be a position, as the id: of an event.', [{ path: 'header.Last-Event-ID', problem: 'not a position' }]);
      after = BigInt(parsed.data);
    }
    await this.feed.stream(actor, after, req, res);
  }
}
