// Telemetry for the projector: a span per batch transaction (projections, events, lag) linked
// to the command spans whose events it applies (their `traceparent` in the metadata, with
// the correlation id on each link), batch and per-projection metrics, the lag gauges read at
// each collection, and rebuilds (span, progress gauge, duration).
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import type { BatchAttempt } from '../../projections/projector';
import type { LagReport } from '../../projections/live-projector';
import type { RebuildOptions, RebuildResult } from '../../projections/rebuild';
import { instruments, secondsSince } from './instruments';
import { correlationAttribute } from './scrub';
import { linksFromMetadata, TRACER_NAME } from './trace-context';

const linkAttributes = (m: Readonly<Record<string, unknown>>): Attributes => {
  const correlationId = correlationAttribute(m.correlationId);
  return {
    ...(correlationId ? { 'artrosskola.correlation_id': correlationId } : {}),
    ...(typeof m.commandId === 'string' ? { 'artrosskola.command_id': m.commandId } : {}),
  };
};

/** What the batch span and metrics read of a batch: positions, times and the events' metadata (no event data). */
export interface BatchRecord {
  readonly position: bigint;
  readonly projections: readonly { readonly name: string; readonly from: bigint }[];
  readonly events: readonly { readonly position: bigint; readonly recordedAt: string; readonly metadata: Readonly<Record<string, unknown>> }[];
}

/** A batch run elsewhere (the projector's worker thread), with its outcome. */
export interface RanBatch extends BatchRecord {
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** The error's name when the batch failed. */
  readonly failed?: string;
}

const ageSeconds = (event: Pick<RecordedEvent, 'recordedAt'> | undefined, now: number): number =>
  event ? Math.max(0, (now - Date.parse(event.recordedAt)) / 1000) : 0;

export class ProjectorTelemetry {
  /** The newest position this process has heard of (appends here, or notified by the store). */
  private head = 0n;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: EventStore) {
    this.unsubscribe = store.onAppended((position) => {
      if (position > this.head) this.head = position;
    });
  }

  /** The projector's `observeBatch` hook (the projector runs in this thread). */
  readonly observeBatch = <T>(batch: BatchAttempt, run: () => Promise<T>): Promise<T> => {
    const tracer = trace.getTracer(TRACER_NAME);
    // A batch is work of its own (a new trace), reached from the commands by its links.
    return tracer.startActiveSpan('projector.batch', { kind: SpanKind.INTERNAL, root: true }, ROOT_CONTEXT, async (span) => {
      this.describe(span, batch);
      const started = process.hrtime.bigint();
      let outcome: 'ok' | 'error' = 'ok';
      try {
        const value = await run();
        this.applied(batch, Date.now());
        return value;
      } catch (error) {
        outcome = 'error';
        this.failed(span, batch, error instanceof Error ? error.name : 'error');
        throw error;
      } finally {
        span.setAttribute('artrosskola.projection.outcome', outcome);
        span.end();
        instruments().projectionBatchDuration.record(secondsSince(started), { outcome });
      }
    });
  };

  /**
   * A batch the projector ran in its worker thread, told afterwards (src/app/read/worker-projector.ts):
   * the same span, with the batch's own start and end, and the same metrics.
   */
  recordBatch(batch: RanBatch): void {
    const span = trace.getTracer(TRACER_NAME).startSpan('projector.batch', { kind: SpanKind.INTERNAL, root: true, startTime: batch.startedAt }, ROOT_CONTEXT);
    this.describe(span, batch);
    if (batch.failed === undefined) this.applied(batch, batch.endedAt);
    else this.failed(span, batch, batch.failed);
    const outcome = batch.failed === undefined ? 'ok' : 'error';
    span.setAttribute('artrosskola.projection.outcome', outcome);
    span.end(batch.endedAt);
    instruments().projectionBatchDuration.record(Math.max(0, batch.endedAt - batch.startedAt) / 1000, { outcome });
  }

  private describe(span: Span, batch: BatchRecord): void {
    const position = batch.position;
    if (position > this.head) this.head = position;
    // Only a recording span is worth the walk over the batch's metadata (tracing off: skipped).
    if (!span.isRecording()) return;
    const correlationIds = new Set(batch.events.map((e) => correlationAttribute(e.metadata.correlationId)).filter((c): c is string => c !== undefined));
    span.setAttributes({
      'artrosskola.projections': batch.projections.map((p) => p.name),
      'artrosskola.projection.events': batch.events.length,
      'artrosskola.projection.position': Number(position),
      'artrosskola.projection.lag_events': Number(this.head - position),
      'artrosskola.projection.lag_seconds': ageSeconds(batch.events[0], Date.now()),
      'artrosskola.correlation_ids': [...correlationIds].slice(0, 64),
    });
    span.addLinks(linksFromMetadata(batch.events.map((e) => e.metadata), linkAttributes));
  }

  private applied(batch: BatchRecord, committed: number): void {
    const m = instruments();
    for (const p of batch.projections) {
      const mine = batch.events.filter((e) => e.position > p.from);
      m.projectionEvents.add(mine.length, { projection: p.name });
      if (mine.length) m.projectionDelay.record(ageSeconds(mine[0], committed), { projection: p.name });
    }
  }

  private failed(span: Span, batch: BatchRecord, errorName: string): void {
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorName });
    // Several projections failing together are retried one by one; those attempts say which.
    if (batch.projections.length === 1) instruments().projectionFailures.add(1, { projection: batch.projections[0]!.name });
  }

  /**
   * Lag gauges, read from the projector at each collection: events behind the head, age in
   * seconds of the oldest event not yet applied, and 1/0 for live. Returns the unregister.
   */
  observeLag(projector: { lag(): Promise<LagReport> }): () => void {
    const { meter } = instruments();
    const events = meter.createObservableGauge('artrosskola.projection.lag.events', { unit: '{event}', description: 'Events a projection is behind the head' });
    const seconds = meter.createObservableGauge('artrosskola.projection.lag.seconds', { unit: 's', description: 'Age of the oldest event a projection has not applied' });
    const live = meter.createObservableGauge('artrosskola.projection.live', { unit: '1', description: '1 while a projection is live (here or in another instance), 0 while starting or failed' });
    const callback: Parameters<typeof meter.addBatchObservableCallback>[0] = async (result) => {
      const report = await projector.lag();
      const now = Date.now();
      const oldest = new Map<string, number>();
      for (const p of report.projections) {
        const attributes = { projection: p.name };
        result.observe(events, Number(p.behind), attributes);
        result.observe(live, p.status === 'live' || p.status === 'elsewhere' ? 1 : 0, attributes);
        if (p.behind === '0') result.observe(seconds, 0, attributes);
        else {
          // One read of one event per distinct checkpoint, at each scrape only.
          if (!oldest.has(p.position)) oldest.set(p.position, ageSeconds(await this.firstAfter(BigInt(p.position)), now));
          result.observe(seconds, oldest.get(p.position)!, attributes);
        }
      }
    };
    meter.addBatchObservableCallback(callback, [events, seconds, live]);
    return () => meter.removeBatchObservableCallback(callback, [events, seconds, live]);
  }

  close(): void {
    this.unsubscribe();
  }

  private async firstAfter(position: bigint): Promise<RecordedEvent | undefined> {
    for await (const batch of this.store.readAll({ after: position, batchSize: 1 })) return batch[0];
    return undefined;
  }
}

/** A rebuild with a span, the progress gauge and the duration histogram around it. */
export function observeRebuild(
  which: string,
  rebuild: (options: RebuildOptions) => Promise<RebuildResult>,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const m = instruments();
  return trace.getTracer(TRACER_NAME).startActiveSpan('projector.rebuild', { attributes: { 'artrosskola.rebuild.which': which } }, async (span) => {
    const started = process.hrtime.bigint();
    try {
      const result = await rebuild({
        ...options,
        onProgress: (done, total, eventsPerSecond, etaSeconds) => {
          m.rebuildProgress.record(total > 0 ? Math.min(1, done / total) : 1, { projection: which });
          options.onProgress?.(done, total, eventsPerSecond, etaSeconds);
        },
      });
      m.rebuildProgress.record(1, { projection: which });
      span.setAttributes({ 'artrosskola.rebuild.events': result.events, 'artrosskola.rebuild.projections': [...result.projections] });
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
      m.rebuildDuration.record(secondsSince(started), { projection: which });
    }
  });
}
