// GET /metrics on its own port, scraped after a known number of commands: the command
// counts by type and outcome, appends, HTTP requests by route template and status, the
// access log's writes, and the projections' lag and liveness. The public port has no
// /metrics, and the metrics port serves nothing else.
import { serveMetrics, type MetricsServer } from '../../src/app/observability/metrics-server';
import { READ_SIDE } from '../../src/app/read/read-models.service';
import type { ReadSide } from '../../src/app/read/read-side';
import { THERAPIST } from '../e2e/harness';
import { startObservedApp, type ObservedApp } from './observed-app';
import { sample, startTestTelemetry, type TestTelemetry } from './telemetry-harness';

let telemetry: TestTelemetry;
let metrics: MetricsServer;
let t: ObservedApp;

beforeAll(async () => {
  telemetry = startTestTelemetry();
  metrics = await serveMetrics(telemetry.telemetry.prometheus!, { host: '127.0.0.1', port: 0 });
  t = await startObservedApp();
});
afterAll(async () => {
  await t?.stop();
  await metrics?.close();
  await telemetry?.stop();
});

const scrape = async () => {
  const res = await fetch(`http://127.0.0.1:${metrics.port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
};

describe('GET /metrics', () => {
  it('counts what was done: commands by type and outcome, appends, requests by route and status, access-log writes, lag', async () => {
    const th = t.auth('therapist');
    const assign = (personnummer: string) => t.http.post('/episodes').set(th).send({ personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    const first = await assign('19121212-1212');
    const second = await assign('20190101-2391');
    const refused = await assign('19121212-1212'); // 409 ACTIVE_EPISODE_EXISTS
    const gw = t.auth('patient_gateway', { episode: first.body.episodeId });
    const messages = [];
    for (const text of ['Hej', 'Ont i knät', 'Tack']) messages.push(await t.http.post(`/episodes/${first.body.episodeId}/messages`).set(gw).send({ text }));
    const hidden = await t.http.post(`/episodes/${second.body.episodeId}/modules/hand/hide`).set(th);
    const hiddenAgain = await t.http.post(`/episodes/${second.body.episodeId}/modules/hand/hide`).set(th); // 409 MODULE_ALREADY_HIDDEN
    expect([first, second, refused, ...messages, hidden, hiddenAgain].map((r) => r.status)).toEqual([201, 201, 409, 201, 201, 201, 200, 409]);
    const last = messages.at(-1)!.body.position as string;
    // Two reads of the patient: two access-log writes.
    expect((await t.http.get(`/episodes/${first.body.episodeId}`).query({ after: last }).set(th)).status).toBe(200);
    expect((await t.http.get(`/episodes/${first.body.episodeId}/messages`).query({ after: last }).set(th)).status).toBe(200);
    expect(await t.app.get<ReadSide>(READ_SIDE).projector.waitFor(BigInt(hidden.body.position), 5000)).toBe(true);

    const text = await scrape();
    const commands = (type: string, outcome: string) => sample(text, 'artrosskola_command_duration_count', { command_type: type, outcome });
    expect(commands('StartAssignment', 'accepted')).toBe(2);
    expect(commands('StartAssignment', 'refused')).toBe(1);
    expect(commands('SendMessage', 'accepted')).toBe(3);
    expect(commands('HideModule', 'accepted')).toBe(1);
    expect(commands('HideModule', 'refused')).toBe(1);
    expect(sample(text, 'artrosskola_command_conflicts_total')).toBeUndefined();
    // Six accepted commands, one append each (the assignment's two streams in one transaction).
    expect(sample(text, 'artrosskola_event_store_append_duration_count', { store: 'sqlite', outcome: 'ok' })).toBe(6);
    // Every event of the log, the last written being the hide's (positions are gapless on SQLite).
    const head = Number(hidden.body.position);
    expect(sample(text, 'artrosskola_event_store_append_events_sum', { store: 'sqlite' })).toBe(head);
    const http = (route: string, status: string) => sample(text, 'http_server_request_duration_count', { http_route: route, http_response_status_code: status });
    expect(http('/episodes', '201')).toBe(2);
    expect(http('/episodes', '409')).toBe(1);
    expect(http('/episodes/:id/messages', '201')).toBe(3);
    expect(http('/episodes/:id/modules/:moduleId/hide', '409')).toBe(1);
    expect(sample(text, 'artrosskola_access_log_append_duration_count', { outcome: 'ok' })).toBe(2);
    expect(sample(text, 'artrosskola_access_log_append_failures_total')).toBeUndefined();
    // Every projection live; the ones that have applied the head are 0 events behind.
    expect(sample(text, 'artrosskola_projection_live', { projection: 'dashboard' })).toBe(1);
    expect(sample(text, 'artrosskola_projection_lag_events', { projection: 'dashboard' })).toBe(0);
    expect(sample(text, 'artrosskola_projection_lag_seconds', { projection: 'dashboard' })).toBe(0);
    expect(sample(text, 'artrosskola_projection_events_total', { projection: 'dashboard' })).toBe(head);
    expect(sample(text, 'artrosskola_projection_batch_duration_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('is served on the metrics port only', async () => {
    expect((await t.http.get('/metrics')).status).toBe(404);
    const elsewhere = await fetch(`http://127.0.0.1:${metrics.port}/health`);
    expect(elsewhere.status).toBe(404);
    await elsewhere.text();
  });
});
