// Health that tells the truth: liveness is the process answering; readiness needs the store,
// a writable access log and every projection live within READY_MAX_LAG. A projection made to
// fail turns readiness to 503 (and /health to "degraded") and back once it recovers, while
// liveness stays 200; the health routes are never rate-limited.
import { sql } from 'kysely';
import { READ_SIDE } from '../../src/app/read/read-models.service';
import type { ReadSide } from '../../src/app/read/read-side';
import { FAILURE_HOLD_MS, InstrumentedAccessLogStore } from '../../src/app/observability/instrumented-access-log';
import type { AccessLogStore } from '../../src/app/access-log/access-log-store';
import { THERAPIST } from '../e2e/harness';
import { eventually } from './eventually';
import { startObservedApp, type ObservedApp } from './observed-app';

const assign = (t: ObservedApp, personnummer: string) =>
  t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1' });

const errorBody = (status: number, code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Array) } });

describe('a healthy service', () => {
  let t: ObservedApp;
  beforeAll(async () => {
    t = await startObservedApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => t?.stop());

  it('is live, ready, and ok, with the store head and every projection', async () => {
    const live = await t.http.get('/health/live');
    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
    const ready = await t.http.get('/health/ready');
    expect([ready.status, ready.body]).toEqual([200, { status: 'ready', store: { headPosition: '0' }, maxBehind: '0', accessLog: { status: 'ok' } }]);
    const health = await t.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', store: { headPosition: '0' }, accessLog: { status: 'ok' }, failing: [] });
    expect(health.body.projections.projections.map((p: { status: string }) => p.status)).toEqual(expect.arrayContaining(['live']));
    expect(health.headers['cache-control']).toBe('no-store');
  });

  it('answers every probe past the rate limit, which still holds for the API', async () => {
    for (let i = 0; i < 12; i++)
      for (const route of ['/health', '/health/live', '/health/ready']) expect({ route, status: (await t.http.get(route)).status }).toEqual({ route, status: 200 });
    const th = t.auth('therapist');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.get('/catalogue').set(th)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('a projection that fails, then recovers', () => {
  let t: ObservedApp;
  let side: ReadSide;
  const dashboard = async () => (await side.projector.lag()).projections.find((p) => p.name === 'dashboard')!;

  beforeAll(async () => {
    // A failed projection is retried after 50 ms here (5 s by default).
    t = await startObservedApp({ readSide: { retryDelayMs: 50, pollIntervalMs: 50 } });
    side = t.app.get<ReadSide>(READ_SIDE);
  });
  afterAll(async () => t?.stop());

  it('turns readiness to 503 naming it, /health to degraded, and back to 200 once it applies again', async () => {
    expect((await t.http.get('/health/ready')).status).toBe(200);
    // The dashboard's table goes missing: its batches fail; the other projections go on.
    await sql`ALTER TABLE dashboard_episodes RENAME TO dashboard_episodes_away`.execute(side.db);
    const written = await assign(t, '19121212-1212');
    expect(written.status).toBe(201);
    const position = BigInt(written.body.position);
    await eventually(dashboard, (p) => p.status === 'failed', 'the dashboard fails');
    expect(await side.projector.waitFor(position, 5000, 'episode_progress')).toBe(true);

    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual(errorBody(503, 'PROJECTION_BEHIND'));
    expect(ready.body.error.details).toEqual([{ path: 'projections.dashboard', problem: expect.stringMatching(/^failed: .*dashboard_episodes/) }]);
    expect(ready.body.error.message).toContain('projections.dashboard');
    const health = await t.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', failing: [{ part: 'projections.dashboard', reason: expect.stringMatching(/^failed/) }] });
    expect((await t.http.get('/health/live')).status).toBe(200);

    await sql`ALTER TABLE dashboard_episodes_away RENAME TO dashboard_episodes`.execute(side.db);
    await eventually(dashboard, (p) => p.status === 'live' && BigInt(p.position) >= position, 'the dashboard recovers');
    const again = await t.http.get('/health/ready');
    expect([again.status, again.body.status]).toEqual([200, 'ready']);
    expect((await t.http.get('/health')).body).toMatchObject({ status: 'ok', failing: [] });
    // What it missed while failing is in its read model now.
    const board = await t.http.get('/dashboard').query({ after: written.body.position }).set(t.auth('therapist'));
    expect(board.body.episodes.map((e: { episodeId: string }) => e.episodeId)).toContain(written.body.episodeId);
  });
});

describe('a projection further behind than READY_MAX_LAG', () => {
  let t: ObservedApp;
  let side: ReadSide;
  beforeAll(async () => {
    t = await startObservedApp({ env: { READY_MAX_LAG: '2' } });
    side = t.app.get<ReadSide>(READ_SIDE);
  });
  afterAll(async () => t?.stop());

  it('is not ready until the projector has caught up', async () => {
    await side.projector.stop();
    expect((await assign(t, '20190101-2391')).status).toBe(201); // four events: reservation, assignment, fee, obligation
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.details).toContainEqual({ path: 'projections.dashboard', problem: expect.stringMatching(/^\d+ events behind the head \(READY_MAX_LAG 2\)$/) });
    await side.projector.start();
    await eventually(async () => (await t.http.get('/health/ready')).status, (s) => s === 200, 'ready again');
  });
});

describe('when the access log or the store is gone', () => {
  let t: ObservedApp;
  beforeAll(async () => {
    t = await startObservedApp();
  });
  afterAll(async () => t?.stop());

  it('names the access log, then the store; liveness stays 200', async () => {
    await t.infrastructure.accessLog.close();
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual(errorBody(503, 'ACCESS_LOG_UNAVAILABLE'));
    expect(ready.body.error.details).toEqual([{ path: 'accessLog', problem: expect.stringMatching(/^the access log cannot be read/) }]);
    expect((await t.http.get('/health')).body).toMatchObject({ status: 'degraded', accessLog: { status: 'failing' } });

    await t.infrastructure.rawStore.close();
    const storeGone = await t.http.get('/health/ready');
    expect(storeGone.status).toBe(503);
    expect(storeGone.body).toEqual(errorBody(503, 'STORE_UNAVAILABLE'));
    expect(storeGone.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['store', 'accessLog']));
    expect((await t.http.get('/health')).body).toEqual(errorBody(503, 'STORE_UNAVAILABLE'));
    expect((await t.http.get('/health/live')).status).toBe(200);
  });
});

describe('the access log as readiness sees it', () => {
  const record = { at: '2026-11-22T09:00:00.000Z', actorId: 'SE2321000131-T001', actorName: null, role: 'therapist', actorUnitId: null, action: 'read', endpoint: 'GET /episodes/:id', episodeId: null, patientKey: null, patientUnitId: null };
  const failing = (fail: { on: boolean; probe?: boolean }): AccessLogStore => ({
    append: async () => {
      if (fail.on) throw Object.assign(new Error('SQLITE_BUSY: database is locked'), { name: 'SqliteError' });
    },
    query: async () => [],
    scan: async () => [],
    probeWrite: async () => {
      if (fail.probe) throw Object.assign(new Error('SQLITE_READONLY: attempt to write a readonly database'), { name: 'SqliteError' });
    },
    close: async () => undefined,
  });

  it('is not ready while the log cannot be written, though it can be read', async () => {
    const fail = { on: false, probe: true };
    const log = new InstrumentedAccessLogStore(failing(fail));
    expect(await log.health()).toEqual({ ok: false, reason: 'the access log cannot be written (SqliteError)' });
    fail.probe = false;
    expect(await log.health()).toEqual({ ok: true });
  });

  it('counts a failed write against readiness until a write succeeds or the hold has passed', async () => {
    const fail = { on: true };
    let now = 1_000_000;
    const log = new InstrumentedAccessLogStore(failing(fail), () => now);
    expect(await log.health()).toEqual({ ok: true });
    await expect(log.append([record])).rejects.toThrow('locked');
    expect(await log.health()).toEqual({ ok: false, reason: 'the last access-log write failed 0 s ago (SqliteError)' });
    now += FAILURE_HOLD_MS - 1;
    expect((await log.health()).ok).toBe(false);
    now += 1;
    expect(await log.health()).toEqual({ ok: true });

    await expect(log.append([record])).rejects.toThrow();
    fail.on = false;
    await log.append([record]);
    expect(await log.health()).toEqual({ ok: true });
  });
});
