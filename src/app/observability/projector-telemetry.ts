// Telemetry for the projector: a span per batch transaction (projections, events, lag) linked
// to the command spans whose events it applies (their `traceparent` in the metadata, with
// the correlation id on each link), batch and per-projection metrics, the lag gauges read at
// each collection, and rebuilds (span, progress gauge, duration).
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import type { BatchAttempt, LagReport } from '../../projections/projector';
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

const ageSeconds = (event: RecordedEvent | undefined, now: number): number =>
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

  /** The projector's `observeBatch` hook. */
  readonly observeBatch = <T>(batch: BatchAttempt, run: () => Promise<T>): Promise<T> => {
    const m = instruments();
    const position = batch.position;
    if (position > this.head) this.head = position;
    const names = batch.projections.map((p) => p.name);
    const tracer = trace.getTracer(TRACER_NAME);
    // A batch is work of its own (a new trace), reached from the commands by its links.
    return tracer.startActiveSpan('projector.batch', { kind: SpanKind.INTERNAL, root: true }, ROOT_CONTEXT, async (span) => {
      // Only a recording span is worth the walk over the batch's metadata (tracing off: skipped).
      if (span.isRecording()) {
        const correlationIds = new Set(batch.events.map((e) => correlationAttribute(e.metadata.correlationId)).filter((c): c is string => c !== undefined));
        span.setAttributes({
          'artrosskola.projections': names,
          'artrosskola.projection.events': batch.events.length,
          'artrosskola.projection.position': Number(position),
          'artrosskola.projection.lag_events': Number(this.head - position),
          'artrosskola.projection.lag_seconds': ageSeconds(batch.events[0], Date.now()),
          'artrosskola.correlation_ids': [...correlationIds].slice(0, 64),
        });
        span.addLinks(linksFromMetadata(batch.events.map((e) => e.metadata), linkAttributes));
      }
      const started = process.hrtime.bigint();
      let outcome: 'ok' | 'error' = 'ok';
      try {
        const value = await run();
        const committed = Date.now();
        for (const p of batch.projections) {
          const mine = batch.events.filter((e) => e.position > p.from);
          m.projectionEvents.add(mine.length, { projection: p.name });
          if (mine.length) m.projectionDelay.record(ageSeconds(mine[0], committed), { projection: p.name });
        }
        return value;
      } catch (error) {
        outcome = 'error';
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        // Several projections failing together are retried one by one; those attempts say which.
        if (names.length === 1) m.projectionFailures.add(1, { projection: names[0]! });
        throw error;
      } finally {
        span.setAttribute('artrosskola.projection.outcome', outcome);
        span.end();
        m.projectionBatchDuration.record(secondsSince(started), { outcome });
      }
    });
  };

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
