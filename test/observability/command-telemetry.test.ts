// The command handler's instrumentation API (observeCommand), called directly: outcomes,
// retries and conflicts on the span and in the metrics, the load child span, refusals and
// failures told apart by the status they answer, and what the store wrapper adds to an
// append made inside a command: its span as a child, the command's trace context in the
// events' metadata, the append histograms with their outcome.
import { randomUUID } from 'node:crypto';
import { SpanStatusCode } from '@opentelemetry/api';
import { observeCommand } from '../../src/app/observability/command-telemetry';
import { InstrumentedEventStore } from '../../src/app/observability/instrumented-event-store';
import { ApiError } from '../../src/app/http/api-error';
import { DomainError } from '../../src/domain/shared/domain-error';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { WrongExpectedRevisionError, type NewEvent } from '../../src/event-store/event-store';
import { sample, startTestTelemetry, type TestTelemetry } from './telemetry-harness';

let telemetry: TestTelemetry;
beforeAll(() => {
  telemetry = startTestTelemetry();
});
afterAll(async () => telemetry?.stop());
beforeEach(() => telemetry.exporter.reset());

const only = (name: string) => {
  const spans = telemetry.spans().filter((s) => s.name === name);
  expect(spans).toHaveLength(1);
  return spans[0]!;
};
const stream = 'episode-01JD8X2QW3E4R5T6Y7U8I9O0PA';
const event = (type: string): NewEvent => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  data: { at: '2026-11-22T09:00:00.000Z' },
  metadata: { actorId: 'SE2321000131-T001', role: 'therapist', commandId: 'cmd-1', correlationId: 'corr-1', causationId: 'cmd-1' },
});

describe('observeCommand', () => {
  it('records an accepted command after a conflict and a retry, with its load as a child span', async () => {
    const before = await telemetry.scrape();
    const answer = await observeCommand({ commandType: 'HideModule', stream, correlationId: 'corr-1' }, async (span) => {
      await span.load(async () => 'folded');
      span.conflict();
      span.retry();
      await span.load(async () => 'folded again');
      return 'answer';
    });
    expect(answer).toBe('answer');
    const command = only('command HideModule');
    expect(command.attributes).toEqual({
      'artrosskola.command.type': 'HideModule',
      'artrosskola.stream': stream,
      'artrosskola.correlation_id': 'corr-1',
      'artrosskola.command.outcome': 'accepted',
      'artrosskola.command.retries': 1,
      'artrosskola.command.conflicts': 1,
    });
    expect(command.events.map((e) => e.name)).toEqual(['concurrency conflict']);
    const loads = telemetry.spans().filter((s) => s.name === 'command.load');
    expect(loads.map((s) => s.parentSpanContext?.spanId)).toEqual([command.spanContext().spanId, command.spanContext().spanId]);
    const after = await telemetry.scrape();
    const delta = (name: string, labels: Record<string, string>) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(delta('artrosskola_command_duration_count', { command_type: 'HideModule', outcome: 'accepted' })).toBe(1);
    expect(delta('artrosskola_command_conflicts_total', { command_type: 'HideModule' })).toBe(1);
    expect(delta('artrosskola_command_retries_total', { command_type: 'HideModule' })).toBe(1);
  });

  it.each<[string, (span: { outcome(o: 'unchanged' | 'idempotent-replay'): void }) => void, string]>([
    ['unchanged', (span) => span.outcome('unchanged'), 'unchanged'],
    ['an Idempotency-Key seen before', (span) => span.outcome('idempotent-replay'), 'idempotent-replay'],
  ])('records %s as its outcome', async (_what, mark, outcome) => {
    await observeCommand({ commandType: 'ShowModule', stream }, async (span) => mark(span));
    expect(only('command ShowModule').attributes['artrosskola.command.outcome']).toBe(outcome);
    expect(only('command ShowModule').attributes['artrosskola.correlation_id']).toBeUndefined();
  });

  it.each<[string, Error, string, string, SpanStatusCode]>([
    ['a rule refusal', new DomainError('MODULE_ALREADY_HIDDEN', 'The module is already hidden.'), 'refused', 'MODULE_ALREADY_HIDDEN', SpanStatusCode.UNSET],
    ['a revision mismatch', new ApiError(412, 'REVISION_MISMATCH', 'The stream is at revision 3, not 2.'), 'refused', 'REVISION_MISMATCH', SpanStatusCode.UNSET],
    ['retries used up', new WrongExpectedRevisionError(stream, 3, 4), 'refused', 'CONCURRENCY_CONFLICT', SpanStatusCode.UNSET],
    ['an unexpected error', new Error('disk on fire'), 'failed', 'INTERNAL_ERROR', SpanStatusCode.ERROR],
  ])('tells %s by the status it answers', async (_what, error, outcome, code, status) => {
    await expect(observeCommand({ commandType: 'HideModule', stream }, async () => Promise.reject(error))).rejects.toBe(error);
    const command = only('command HideModule');
    expect(command.attributes).toMatchObject({ 'artrosskola.command.outcome': outcome, 'artrosskola.command.code': code });
    expect(command.status.code).toBe(status);
  });

  it('marks a failed load span, and the command as failed', async () => {
    await expect(
      observeCommand({ commandType: 'EndEpisode', stream }, (span) => span.load(async () => Promise.reject(Object.assign(new Error('gone'), { name: 'StoreUnavailableError' })))),
    ).rejects.toThrow('gone');
    expect(only('command.load').status).toEqual({ code: SpanStatusCode.ERROR, message: 'StoreUnavailableError' });
    expect(only('command EndEpisode').attributes['artrosskola.command.outcome']).toBe('failed');
  });
});

describe('appends inside a command', () => {
  let store: InstrumentedEventStore;
  beforeEach(() => {
    store = new InstrumentedEventStore(new SqliteEventStore(':memory:'), 'sqlite');
  });
  afterEach(async () => store.close());

  it("are child spans, and their events carry the command's trace context", async () => {
    await observeCommand({ commandType: 'HideModule', stream }, async () => {
      await store.appendToStream(stream, [event('ModuleHidden')], { expectedRevision: 'no_stream' });
    });
    const command = only('command HideModule');
    const append = only('event_store.append');
    expect(append.parentSpanContext?.spanId).toBe(command.spanContext().spanId);
    const [stored] = await store.readStream(stream);
    expect(stored!.metadata.traceparent).toBe(`00-${command.spanContext().traceId}-${command.spanContext().spanId}-01`);
  });

  it('record a conflict as the outcome without marking the span as an error, and outside a span add nothing', async () => {
    const before = await telemetry.scrape();
    await store.appendToStream(stream, [event('ModuleHidden')], { expectedRevision: 'no_stream' });
    await expect(store.appendToStream(stream, [event('ModuleShown')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const [ok, conflict] = telemetry.spans().filter((s) => s.name === 'event_store.append');
    expect([ok!.attributes['artrosskola.append.outcome'], conflict!.attributes['artrosskola.append.outcome']]).toEqual(['ok', 'conflict']);
    expect(conflict!.status.code).toBe(SpanStatusCode.UNSET);
    expect((await store.readStream(stream))[0]!.metadata.traceparent).toBeUndefined();
    const after = await telemetry.scrape();
    const delta = (labels: Record<string, string>) =>
      (sample(after, 'artrosskola_event_store_append_duration_count', labels) ?? 0) - (sample(before, 'artrosskola_event_store_append_duration_count', labels) ?? 0);
    expect([delta({ store: 'sqlite', outcome: 'ok' }), delta({ store: 'sqlite', outcome: 'conflict' })]).toEqual([1, 1]);
  });
});
