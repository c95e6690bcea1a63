// The event feed for backend teams that keep their own copy of the history: the global log
// in position order, as pages (`GET /events`) or as Server-Sent Events that catch up and
// then follow live (`GET /events/stream`). It reads the store as written (personal fields
// encrypted) and leaves the personal fields out, so no personnummer or message text ever
// leaves; every page is recorded in the access log as the caller's read before it is sent.
// Back-pressure: the stream reads the next batch only once the socket has taken the last.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import { episodeStreamId } from '../../domain/episode/decider';
import { AccessLogService, type PatientShown } from '../access-log/access-log.service';
import type { Actor } from '../auth/actor';
import { EVENT_STORE, RAW_EVENT_STORE } from '../tokens';
import { episodeOf, toFeedEvent, visibleTo, type FeedEvent } from './feed-event';

/** A page never scans more than this many events for a caller who sees few of them. */
const MAX_SCAN = 10_000;
/** Events per SSE batch: what the stream holds in memory at a time. */
const STREAM_BATCH = 100;
/** Caught up, the stream also looks again this often (a store may not tell of others' appends). */
const POLL_MS = 2_000;
const HEARTBEAT_MS = 15_000;

export interface FeedRead {
  readonly records: RecordedEvent[];
  /** The last position read: where the next read continues. */
  readonly next: bigint;
  readonly caughtUp: boolean;
}

/** What an open stream holds, for the operators (and the back-pressure test). */
export interface StreamState {
  readonly cursor: bigint;
  readonly bufferedBytes: number;
  readonly waitingForDrain: boolean;
}

@Injectable()
export class EventFeed implements OnModuleDestroy {
  private readonly streams = new Map<Response, { cursor: bigint; waitingForDrain: boolean; end: () => void }>();

  constructor(
    @Inject(RAW_EVENT_STORE) private readonly raw: EventStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accessLog: AccessLogService,
  ) {}

  /** Up to `limit` events after `after` that the caller may see. */
  async read(actor: Actor, after: bigint, limit: number): Promise<FeedRead> {
    const records: RecordedEvent[] = [];
    let next = after;
    let scanned = 0;
    let stopped = false;
    for await (const batch of this.raw.readAll({ after, batchSize: Math.min(500, Math.max(limit, 50)) })) {
      for (const r of batch) {
        // Stopping before an unread event means there is more.
        if (records.length >= limit || scanned >= MAX_SCAN) {
          stopped = true;
          break;
        }
        scanned++;
        next = r.position;
        if (visibleTo(actor, r)) records.push(r);
      }
      if (stopped) break;
    }
    return { records, next, caughtUp: !stopped };
  }

  async page(actor: Actor, after: bigint, limit: number): Promise<{ events: FeedEvent[]; next: { after: string }; caughtUp: boolean }> {
    const { records, next, caughtUp } = await this.read(actor, after, limit);
    await this.logRead(actor, 'GET /events', records);
    return { events: await Promise.all(records.map(toFeedEvent)), next: { after: next.toString() }, caughtUp };
  }

  /** Serves the stream until the client goes or the service stops. */
  async stream(actor: Actor, after: bigint, req: Request, res: Response): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let closed = false;
    let appended = false;
    let wake: (() => void) | undefined;
    const signal = () => {
      appended = true;
      wake?.();
    };
    const close = () => {
      closed = true;
      wake?.();
    };
    const state = { cursor: after, waitingForDrain: false, end: () => (close(), res.end()) };
    this.streams.set(res, state);
    req.on('close', close);
    res.on('close', close);
    const unsubscribe = this.raw.onAppended(signal);
    const heartbeat = setInterval(() => closed || res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    try {
      res.write(`retry: ${POLL_MS}\n\n`);
      while (!closed) {
        appended = false;
        const { records, next, caughtUp } = await this.read(actor, state.cursor, STREAM_BATCH);
        if (records.length > 0) await this.logRead(actor, 'GET /events/stream', records);
        for (const r of records) {
          if (closed) break;
          if (!res.write(`id: ${r.position}\ndata: ${JSON.stringify(await toFeedEvent(r))}\n\n`)) {
            state.waitingForDrain = true;
            await drained(res);
            state.waitingForDrain = false;
          }
        }
        if (closed) break;
        state.cursor = next;
        if (caughtUp && !appended)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, POLL_MS);
            wake = () => (clearTimeout(timer), resolve());
          });
        wake = undefined;
      }
    } catch {
      // The store or the access log failed: end here; the client resumes from its Last-Event-ID.
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(res);
      if (!res.writableEnded) res.end();
    }
  }

  openStreams(): StreamState[] {
    return [...this.streams].map(([res, s]) => ({ cursor: s.cursor, bufferedBytes: res.writableLength, waitingForDrain: s.waitingForDrain }));
  }

  onModuleDestroy(): void {
    for (const s of this.streams.values()) s.end();
  }

  /** The patients the events concern, with their clear personnummer for the log's keyed hash. */
  private async logRead(actor: Actor, endpoint: string, records: readonly RecordedEvent[]): Promise<void> {
    const episodes = [...new Set(records.map(episodeOf).filter((id): id is string => id !== null))];
    const shown: PatientShown[] = [];
    for (const episodeId of episodes) {
      const [first] = await this.store.readStream(episodeStreamId(episodeId), { from: 0, to: 0 });
      const data = first?.data as { unitId?: string; patient?: { personnummer?: string } } | undefined;
      if (data) shown.push({ episodeId, personnummer: data.patient?.personnummer ?? null, unitId: data.unitId ?? null });
    }
    await this.accessLog.record(actor, endpoint, shown, 'feed-read');
  }
}

const drained = (res: Response) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
