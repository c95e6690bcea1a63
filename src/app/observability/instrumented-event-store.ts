// The event-store port with telemetry around its appends: a span per append (store, streams,
// events), the append-duration and events-per-append histograms, and the request's command
// ids for its log line. While a sampled span is active (the command's), its trace context
// goes into each event's metadata as `traceparent`, for the projector's span links. Every
// other call is passed straight through. Wraps the raw store, so the encrypting store and
// the projector both go through it.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
} from '../../event-store/event-store';
import { instruments, secondsSince } from './instruments';
import { noteAppended } from './request-context';
import { streamAttribute } from './scrub';
import { activeTraceparent, TRACEPARENT, TRACER_NAME } from './trace-context';

export type AppendOutcome = 'ok' | 'conflict' | 'unavailable' | 'error';

export const appendOutcome = (error: unknown): AppendOutcome =>
  error instanceof WrongExpectedRevisionError ? 'conflict' : error instanceof StoreUnavailableError ? 'unavailable' : 'error';

function stamped(events: readonly NewEvent[], traceparent: string | undefined): readonly NewEvent[] {
  for (const e of events) noteAppended(e.metadata);
  if (!traceparent) return events;
  return events.map((e) => (e.metadata[TRACEPARENT] ? e : { ...e, metadata: { ...e.metadata, [TRACEPARENT]: traceparent } }));
}

export class InstrumentedEventStore implements EventStore {
  readonly appendToStreams?: (appends: readonly StreamAppend[]) => Promise<AppendResult[]>;

  constructor(
    private readonly inner: EventStore,
    /** `sqlite`, `postgres` or `eventstoredb`: the `store` attribute. */
    private readonly kind: string,
  ) {
    // The group commit's size, where the adapter groups appends (SQLite, PostgreSQL).
    inner.onGroupCommitted?.((group) => instruments().groupCommitAppends.record(group.appends, { store: this.kind }));
    // Optional on the port: present here exactly when the adapter has it.
    const many = inner.appendToStreams?.bind(inner);
    if (many)
      this.appendToStreams = (appends) => {
        const traceparent = activeTraceparent();
        const marked = appends.map((a) => ({ ...a, events: stamped(a.events, traceparent) }));
        return this.observe(marked, () => many(marked));
      };
  }

  appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const marked = stamped(events, activeTraceparent());
    return this.observe([{ streamId, events: marked, expectedRevision: options.expectedRevision }], () => this.inner.appendToStream(streamId, marked, options));
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  onAppended(listener: (position: bigint) => void): () => void {
    return this.inner.onAppended(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async observe<T>(appends: readonly StreamAppend[], write: () => Promise<T>): Promise<T> {
    const m = instruments();
    const events = appends.reduce((n, a) => n + a.events.length, 0);
    const attributes = {
      'artrosskola.store': this.kind,
      'artrosskola.append.streams': appends.map((a) => streamAttribute(a.streamId)),
      'artrosskola.append.events': events,
    };
    return trace.getTracer(TRACER_NAME).startActiveSpan('event_store.append', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const started = process.hrtime.bigint();
      let outcome: AppendOutcome = 'ok';
      try {
        return await write();
      } catch (error) {
        outcome = appendOutcome(error);
        // A conflict is the optimistic check working, not a failure of the store.
        if (outcome !== 'conflict') span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        throw error;
      } finally {
        span.setAttribute('artrosskola.append.outcome', outcome);
        span.end();
        m.appendDuration.record(secondsSince(started), { store: this.kind, outcome });
        m.appendEvents.record(events, { store: this.kind });
      }
    });
  }
}
