// The span tree of one command and of the projection of its events, from an in-memory
// exporter behind the same scrubbing as OTLP: the command's span (type, stream, correlation
// id, outcome, retries) with its load and append children, the command's trace context in
// the stored events' metadata, and the projector's batch spans linking back to it with the
// correlation id. No span carries personal data in any name or attribute.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { trace } from '@opentelemetry/api';
import { READ_SIDE } from '../../src/app/read/read-models.service';
import type { ReadSide } from '../../src/app/read/read-side';
import { TRACER_NAME } from '../../src/app/observability/trace-context';
import { THERAPIST } from '../e2e/harness';
import { eventually } from './eventually';
import { startObservedApp, type ObservedApp } from './observed-app';
import { startTestTelemetry, type TestTelemetry } from './telemetry-harness';

const PATIENT = '19121212-1212';
const MESSAGE = 'Jag har ont i knät på nätterna';

let telemetry: TestTelemetry;
let t: ObservedApp;
let side: ReadSide;

beforeAll(async () => {
  telemetry = startTestTelemetry();
  t = await startObservedApp();
  side = t.app.get<ReadSide>(READ_SIDE);
});
afterAll(async () => {
  await t?.stop();
  await telemetry?.stop();
});

const byId = (spans: readonly ReadableSpan[], spanId: string) => spans.filter((s) => s.parentSpanContext?.spanId === spanId);
const commandSpan = (spans: readonly ReadableSpan[], correlationId: string) => {
  const found = spans.filter((s) => s.name.startsWith('command ') && s.attributes['artrosskola.correlation_id'] === correlationId);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('one command and the projection of its events', () => {
  it('is one command span with its load and append, and projector batches linked to it by the correlation id', async () => {
    const res = await t.http.post('/episodes').set(t.auth('therapist')).set('X-Correlation-Id', 'corr-assign-1').send({ personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(res.status).toBe(201);
    expect(await side.projector.waitFor(BigInt(res.body.position), 5000)).toBe(true);
    const spans = telemetry.spans();

    const command = commandSpan(spans, 'corr-assign-1');
    expect(command.name).toBe('command StartAssignment');
    expect(command.parentSpanContext).toBeUndefined();
    expect(command.attributes).toEqual({
      'artrosskola.command.type': 'StartAssignment',
      // The assignment decides on the patient's stream, shown by a pseudonym only.
      'artrosskola.stream': 'patient-[pseudonym]',
      'artrosskola.correlation_id': 'corr-assign-1',
      'artrosskola.command.outcome': 'accepted',
      'artrosskola.command.retries': 0,
      'artrosskola.command.conflicts': 0,
    });
    const children = byId(spans, command.spanContext().spanId);
    expect(children.map((s) => s.name).sort()).toEqual(expect.arrayContaining(['command.load', 'event_store.append']));
    const append = children.find((s) => s.name === 'event_store.append')!;
    // The patient's reservation and the episode, in one transaction.
    expect(append.attributes).toEqual({
      'artrosskola.store': 'sqlite',
      'artrosskola.append.streams': expect.arrayContaining([`episode-${res.body.episodeId}`, 'patient-[pseudonym]']),
      'artrosskola.append.events': 4,
      'artrosskola.append.outcome': 'ok',
    });
    expect(append.attributes['artrosskola.append.streams']).toHaveLength(2);

    // The command's trace context travels in every event it wrote.
    const { traceId, spanId } = command.spanContext();
    const stored = await t.store.readStream(`episode-${res.body.episodeId}`);
    expect(stored.map((e) => e.metadata.traceparent)).toEqual(stored.map(() => `00-${traceId}-${spanId}-01`));

    // The projector's batches that applied them are traces of their own, linked back. (A
    // batch's span ends just after the readers waiting for it are told: wait for the spans.)
    const projectionsOf = (batches: readonly ReadableSpan[]) => new Set(batches.flatMap((b) => b.attributes['artrosskola.projections'] as string[]));
    const batches = await eventually(
      async () => telemetry.spans().filter((s) => s.name === 'projector.batch' && s.links.some((l) => l.context.spanId === spanId)),
      (found) => ['dashboard', 'episode_progress', 'billing_ledger', 'journal_obligations'].every((p) => projectionsOf(found).has(p)),
      'the batch spans of every projection that applies an assignment',
    );
    for (const batch of batches) {
      expect(batch.parentSpanContext).toBeUndefined();
      expect(batch.spanContext().traceId).not.toBe(traceId);
      const link = batch.links.find((l) => l.context.spanId === spanId)!;
      expect(link.context.traceId).toBe(traceId);
      expect(link.attributes).toEqual({ 'artrosskola.correlation_id': 'corr-assign-1', 'artrosskola.command_id': stored[0]!.metadata.commandId });
      expect(batch.attributes).toMatchObject({ 'artrosskola.projection.outcome': 'ok', 'artrosskola.correlation_ids': expect.arrayContaining(['corr-assign-1']) });
      expect(batch.attributes['artrosskola.projection.events']).toBeGreaterThanOrEqual(1);
      expect(batch.attributes['artrosskola.projection.lag_events']).toBeGreaterThanOrEqual(0);
      expect(batch.attributes['artrosskola.projection.lag_seconds']).toBeGreaterThanOrEqual(0);
    }
  });

  it('marks a refusal as refused with its code, without an error status', async () => {
    const again = await t.http.post('/episodes').set(t.auth('therapist')).set('X-Correlation-Id', 'corr-assign-2').send({ personnummer: PATIENT, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(again.status).toBe(409);
    const command = commandSpan(telemetry.spans(), 'corr-assign-2');
    expect(command.attributes).toMatchObject({ 'artrosskola.command.outcome': 'refused', 'artrosskola.command.code': 'ACTIVE_EPISODE_EXISTS' });
    expect(command.status.code).toBe(0); // UNSET
    expect(byId(telemetry.spans(), command.spanContext().spanId).map((s) => s.name)).not.toContain('event_store.append');
  });
});

describe('no personal data in any span', () => {
  it('carries none after writes and reads full of it, a correlation id naming a patient included', async () => {
    const th = t.auth('therapist');
    const a = await t.http.post('/episodes').set(th).set('X-Correlation-Id', 'pnr 20190101-2391').send({ personnummer: '20190101-2391', therapistId: THERAPIST, diagnosisCode: 'M17.1', welcomeText: 'Välkommen Greta' });
    expect(a.status).toBe(201);
    const gw = t.auth('patient_gateway', { episode: a.body.episodeId });
    const m = await t.http.post(`/episodes/${a.body.episodeId}/messages`).set(gw).send({ text: MESSAGE });
    expect(m.status).toBe(201);
    expect((await t.http.get('/access-log').query({ personnummer: '20190101-2391' }).set(t.auth('auditor'))).status).toBe(200);
    expect((await t.http.get(`/episodes/${a.body.episodeId}/messages`).query({ after: m.body.position }).set(th)).status).toBe(200);
    // A span of an instrumentation would carry URLs and statements: scrubbed before export.
    trace.getTracer(TRACER_NAME).startActiveSpan('GET /patients/19030818-9802', { attributes: { 'http.target': '/access-log?personnummer=19030818-9802', 'url.query': 'personnummer=19030818-9802', 'db.statement': "SELECT 1 WHERE p = '190308189802'" } }, (span) => {
      span.addEvent('exception', { 'exception.message': 'no patient 19030818-9802' });
      span.setStatus({ code: 2, message: 'failed for 19030818-9802' });
      span.end();
    });
    const scrubbed = telemetry.spans().find((s) => s.name === 'GET /patients/[personnummer]')!;
    expect(scrubbed.attributes).toEqual({ 'http.target': '/access-log', 'db.statement': "SELECT 1 WHERE p = '[personnummer]'" });
    expect(scrubbed.events[0]!.attributes).toEqual({ 'exception.message': 'no patient [personnummer]' });
    expect(scrubbed.status.message).toBe('failed for [personnummer]');

    const command = commandSpan(telemetry.spans(), 'pnr [personnummer]');
    expect(command.name).toBe('command StartAssignment');
    const everything = JSON.stringify(
      telemetry.spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, links: s.links.map((l) => l.attributes), status: s.status })),
    );
    for (const pnr of ['19121212-1212', '20190101-2391', '19030818-9802']) {
      const d = pnr.replace(/\D/g, '');
      for (const form of [pnr, d, d.slice(2), `${d.slice(2, 8)}-${d.slice(8)}`]) expect({ form, found: everything.includes(form) }).toEqual({ form, found: false });
    }
    for (const text of [MESSAGE, 'Välkommen Greta']) expect(everything).not.toContain(text);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]+\./);
  });
});
