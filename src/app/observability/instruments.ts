// The service's metrics in one place: name, unit and attributes of each (README.md,
// "Operations", says what each means). Instruments come from the global meter provider as
// it is when first asked: the API's no-op meter unless telemetry was started, so recording
// costs nothing then. A new provider (tests start one per file) gets fresh instruments.
import { metrics, type Counter, type Gauge, type Histogram, type Meter, type MeterProvider } from '@opentelemetry/api';

export const METER_NAME = 'artrosskola-core';

/** Seconds, from a fast SQLite append to a slow PostgreSQL transaction under load. */
const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Events per append or batch. */
const COUNTS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

export interface Instruments {
  readonly meter: Meter;
  /** artrosskola.command.duration {command_type, outcome}: load, decide, append, retries included. */
  readonly commandDuration: Histogram;
  /** artrosskola.command.conflicts {command_type}: appends refused because the stream moved on. */
  readonly commandConflicts: Counter;
  /** artrosskola.command.retries {command_type}: commands decided again after a conflict. */
  readonly commandRetries: Counter;
  /** artrosskola.event_store.append.duration {store, outcome}. */
  readonly appendDuration: Histogram;
  /** artrosskola.event_store.append.events {store}: events per append (one caller's append). */
  readonly appendEvents: Histogram;
  /** artrosskola.event_store.group_commit.appends {store}: appends one transaction of the group commit wrote. */
  readonly groupCommitAppends: Histogram;
  /** artrosskola.projection.batch.duration {outcome}: one projector transaction over all projections it serves. */
  readonly projectionBatchDuration: Histogram;
  /** artrosskola.projection.events {projection}: events of the log a projection moved past. */
  readonly projectionEvents: Counter;
  /** artrosskola.projection.failures {projection}: batches a projection failed to apply (retried). */
  readonly projectionFailures: Counter;
  /** artrosskola.projection.delay {projection}: from an event's commit to its projection's commit, seconds. */
  readonly projectionDelay: Histogram;
  /** artrosskola.rebuild.progress {projection}: share of the log replayed by a running rebuild, 0 to 1. */
  readonly rebuildProgress: Gauge;
  /** artrosskola.rebuild.duration {projection}: whole rebuilds, seconds. */
  readonly rebuildDuration: Histogram;
  /** artrosskola.access_log.append.duration {outcome}. */
  readonly accessLogDuration: Histogram;
  /** artrosskola.access_log.append.failures: writes that failed (the read was answered 503). */
  readonly accessLogFailures: Counter;
  /** http.server.request.duration {http.request.method, http.route, http.response.status_code}. */
  readonly httpDuration: Histogram;
}

function create(meter: Meter): Instruments {
  const seconds = (name: string, description: string) => meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: SECONDS } });
  return {
    meter,
    commandDuration: seconds('artrosskola.command.duration', 'Command handling time by command type and outcome'),
    commandConflicts: meter.createCounter('artrosskola.command.conflicts', { description: 'Concurrency conflicts met by commands' }),
    commandRetries: meter.createCounter('artrosskola.command.retries', { description: 'Commands decided again after a concurrency conflict' }),
    appendDuration: seconds('artrosskola.event_store.append.duration', 'Event store append time by store and outcome'),
    appendEvents: meter.createHistogram('artrosskola.event_store.append.events', {
      unit: '{event}',
      description: 'Events per append',
      advice: { explicitBucketBoundaries: COUNTS },
    }),
    groupCommitAppends: meter.createHistogram('artrosskola.event_store.group_commit.appends', {
      unit: '{append}',
      description: 'Appends written by one transaction of the group commit',
      advice: { explicitBucketBoundaries: COUNTS },
    }),
    projectionBatchDuration: seconds('artrosskola.projection.batch.duration', 'Projector batch time (rows and checkpoints in one transaction)'),
    projectionEvents: meter.createCounter('artrosskola.projection.events', { unit: '{event}', description: 'Events a projection moved past' }),
    projectionFailures: meter.createCounter('artrosskola.projection.failures', { description: 'Batches a projection failed to apply' }),
    projectionDelay: seconds('artrosskola.projection.delay', 'Time from an event being committed to its projection committing it'),
    rebuildProgress: meter.createGauge('artrosskola.rebuild.progress', { unit: '1', description: 'Share of the log a running rebuild has replayed' }),
    rebuildDuration: seconds('artrosskola.rebuild.duration', 'Rebuild time'),
    accessLogDuration: seconds('artrosskola.access_log.append.duration', 'PDL access-log write time by outcome'),
    accessLogFailures: meter.createCounter('artrosskola.access_log.append.failures', { description: 'PDL access-log writes that failed' }),
    httpDuration: seconds('http.server.request.duration', 'HTTP request time by route template and status'),
  };
}

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider !== provider) cached = { provider, instruments: create(provider.getMeter(METER_NAME)) };
  return cached.instruments;
}

/** Seconds since a process.hrtime.bigint() reading. */
export const secondsSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
