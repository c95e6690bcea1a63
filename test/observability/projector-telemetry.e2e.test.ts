// The projector as the monitoring sees it: a failing projection counts failures, marks its
// batch span as an error and shows as not live and behind in the gauges; a rebuild has a
// span, a progress gauge that reaches 1 and a duration, and still reports its progress to
// the caller.
import { sql } from 'kysely';
import { SpanStatusCode } from '@opentelemetry/api';
import { observeRebuild } from '../../src/app/observability/projector-telemetry';
import { READ_SIDE } from '../../src/app/read/read-models.service';
import type { ReadSide } from '../../src/app/read/read-side';
import { THERAPIST } from '../e2e/harness';
import { eventually } from './eventually';
import { startObservedApp, type ObservedApp } from './observed-app';
import { sample, startTestTelemetry, type TestTelemetry } from './telemetry-harness';

let telemetry: TestTelemetry;
let t: ObservedApp;
let side: ReadSide;

beforeAll(async () => {
  telemetry = startTestTelemetry();
  t = await startObservedApp({ readSide: { retryDelayMs: 50, pollIntervalMs: 50 } });
  side = t.app.get<ReadSide>(READ_SIDE);
});
afterAll(async () => {
  await t?.stop();
  await telemetry?.stop();
});

const assign = (personnummer: string) => t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1' });

it('shows a failing projection in its failures, its batch spans and its gauges, and its recovery', async () => {
  await sql`ALTER TABLE dashboard_episodes RENAME TO dashboard_episodes_away`.execute(side.db);
  const res = await assign('19121212-1212');
  expect(res.status).toBe(201);
  const failing = await eventually(telemetry.scrape, (text) => (sample(text, 'artrosskola_projection_failures_total', { projection: 'dashboard' }) ?? 0) >= 1, 'a dashboard failure counted');
  expect(sample(failing, 'artrosskola_projection_live', { projection: 'dashboard' })).toBe(0);
  expect(sample(failing, 'artrosskola_projection_lag_events', { projection: 'dashboard' })).toBeGreaterThanOrEqual(1);
  expect(sample(failing, 'artrosskola_projection_lag_seconds', { projection: 'dashboard' })).toBeGreaterThanOrEqual(0);
  expect(sample(failing, 'artrosskola_projection_live', { projection: 'episode_progress' })).toBe(1);
  expect(sample(failing, 'artrosskola_projection_batch_duration_count', { outcome: 'error' })).toBeGreaterThanOrEqual(1);
  const failed = telemetry.spans().filter((s) => s.name === 'projector.batch' && s.attributes['artrosskola.projection.outcome'] === 'error');
  expect(failed.length).toBeGreaterThanOrEqual(1);
  expect(failed.every((s) => s.status.code === SpanStatusCode.ERROR)).toBe(true);
  expect(failed.some((s) => (s.attributes['artrosskola.projections'] as string[]).join() === 'dashboard')).toBe(true);

  await sql`ALTER TABLE dashboard_episodes_away RENAME TO dashboard_episodes`.execute(side.db);
  const recovered = await eventually(telemetry.scrape, (text) => sample(text, 'artrosskola_projection_live', { projection: 'dashboard' }) === 1, 'the dashboard live again');
  expect(sample(recovered, 'artrosskola_projection_lag_events', { projection: 'dashboard' })).toBe(0);
});

it('follows a rebuild: span, progress to 1, duration, and the caller still told of the progress', async () => {
  expect((await assign('20190101-2391')).status).toBe(201);
  const head = await t.store.headPosition();
  expect(await side.projector.waitFor(head, 5000)).toBe(true);
  const told: Array<[number, number]> = [];
  const result = await observeRebuild('dashboard', (options) => side.projector.rebuild('dashboard', options), { batchSize: 2, onProgress: (done, total) => told.push([done, total]) });
  expect(result).toMatchObject({ projections: ['dashboard'], events: Number(head) });
  expect(told.at(-1)).toEqual([Number(head), Number(head)]);
  const span = telemetry.spans().find((s) => s.name === 'projector.rebuild')!;
  expect(span.attributes).toEqual({ 'artrosskola.rebuild.which': 'dashboard', 'artrosskola.rebuild.events': Number(head), 'artrosskola.rebuild.projections': ['dashboard'] });
  const text = await telemetry.scrape();
  expect(sample(text, 'artrosskola_rebuild_progress', { projection: 'dashboard' })).toBe(1);
  expect(sample(text, 'artrosskola_rebuild_duration_count', { projection: 'dashboard' })).toBe(1);
});
