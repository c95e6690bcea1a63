// Without OTLP or METRICS_PORT nothing of the SDK is started: the service runs on the API's
// no-op tracer and meter. Commands, appends and projector batches still work; no event
// carries a trace context; the configuration starts no telemetry.
import { metrics, trace } from '@opentelemetry/api';
import { loadConfig } from '../../src/app/config';
import { startConfiguredTelemetry } from '../../src/app/observability/start-telemetry';
import { observeCommand } from '../../src/app/observability/command-telemetry';
import { instruments } from '../../src/app/observability/instruments';
import { READ_SIDE } from '../../src/app/read/read-models.service';
import type { ReadSide } from '../../src/app/read/read-side';
import { THERAPIST } from '../e2e/harness';
import { startObservedApp, type ObservedApp } from './observed-app';

let t: ObservedApp;
beforeAll(async () => {
  t = await startObservedApp();
});
afterAll(async () => t?.stop());

it('starts no SDK for a configuration without an OTLP endpoint or METRICS_PORT', async () => {
  expect(await startConfiguredTelemetry(loadConfig({}))).toBeUndefined();
  expect(await startConfiguredTelemetry(loadConfig({ OTEL_SDK_DISABLED: 'true', METRICS_PORT: '9464', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBeUndefined();
  // The API's globals are still the no-ops: nothing registered a provider.
  expect(trace.getTracer('x').startSpan('probe').isRecording()).toBe(false);
  expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
  expect(instruments().commandDuration.constructor.name).toBe('NoopHistogramMetric');
});

it('writes, projects and answers as ever, and no event carries a trace context', async () => {
  const res = await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
  expect(res.status).toBe(201);
  expect(await t.app.get<ReadSide>(READ_SIDE).projector.waitFor(BigInt(res.body.position), 5000)).toBe(true);
  const stored = await t.store.readStream(`episode-${res.body.episodeId}`);
  expect(stored.length).toBeGreaterThan(0);
  expect(stored.every((e) => e.metadata.traceparent === undefined)).toBe(true);
  expect(await observeCommand({ commandType: 'HideModule', stream: 'episode-x' }, async (span) => span.load(async () => 42))).toBe(42);
});

it('shuts down the telemetry it is given when the app shuts down, after the app', async () => {
  const order: string[] = [];
  const app = await startObservedApp({ telemetry: { shutdown: async () => void order.push('telemetry') } });
  const side = app.app.get<ReadSide>(READ_SIDE);
  const stop = side.projector.stop.bind(side.projector);
  side.projector.stop = async () => {
    order.push('projector');
    await stop();
  };
  await app.stop();
  expect(order).toEqual(['projector', 'telemetry']);
});
