// PROJECTOR_THREAD: the live projector runs in a worker thread by default wherever a second
// connection can reach the store (a SQLite file, PostgreSQL), in the API's thread otherwise;
// the app serves the worker's state in /health within its OpenAPI document (the harness
// checks every answer) and reads its writes with ?after= across the thread boundary.
import { ConfigError, loadConfig } from '../../src/app/config';
import { READ_SIDE } from '../../src/app/read/read-models.service';
import type { ReadSide } from '../../src/app/read/read-side';
import { WorkerProjector } from '../../src/app/read/worker-projector';
import { Projector } from '../../src/projections/projector';
import { startApp, THERAPIST, type TestApp } from '../e2e/harness';

describe('PROJECTOR_THREAD', () => {
  it('is worker for a SQLite file and PostgreSQL, main for an in-memory SQLite store and EventStoreDB, and as set', () => {
    expect(loadConfig({}).projectorThread).toBe('worker');
    expect(loadConfig({ EVENT_STORE: 'postgres' }).projectorThread).toBe('worker');
    expect(loadConfig({}, { sqliteFile: ':memory:' }).projectorThread).toBe('main');
    expect(loadConfig({ EVENT_STORE: 'eventstoredb', EVENTSTOREDB_URL: 'esdb://localhost:2113?tls=false' }).projectorThread).toBe('main');
    expect(loadConfig({ PROJECTOR_THREAD: 'main' }).projectorThread).toBe('main');
    expect(loadConfig({ PROJECTOR_THREAD: '' }).projectorThread).toBe('worker');
  });

  it('refuses a worker where a second connection cannot reach the store, and an unknown value', () => {
    expect(() => loadConfig({ PROJECTOR_THREAD: 'worker', EVENT_STORE: 'eventstoredb', EVENTSTOREDB_URL: 'esdb://localhost:2113?tls=false' })).toThrow(/PROJECTOR_THREAD/);
    expect(() => loadConfig({ PROJECTOR_THREAD: 'worker' }, { sqliteFile: ':memory:' })).toThrow(ConfigError);
    expect(() => loadConfig({ PROJECTOR_THREAD: 'thread' })).toThrow(/PROJECTOR_THREAD/);
  });
});

const assign = (t: TestApp) =>
  t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });

describe('the service with the projector in its worker thread (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => t?.stop());

  it('reads its writes with ?after= and shows the worker in /health', async () => {
    expect(t.app.get<ReadSide>(READ_SIDE).projector).toBeInstanceOf(WorkerProjector);
    const written = await assign(t);
    expect(written.status).toBe(201);
    const board = await t.http.get('/dashboard').query({ after: written.body.position }).set(t.auth('therapist'));
    expect(board.status).toBe(200);
    expect(board.body.episodes.map((e: { episodeId: string }) => e.episodeId)).toEqual([written.body.episodeId]);
    const health = await t.http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', projectorWorker: { state: 'running', restarts: 0, lastExit: null }, failing: [] });
    expect(health.body.projections.maxBehind).toBe('0');
    expect(health.body.projections).not.toHaveProperty('worker');
  });
});

describe('the service with PROJECTOR_THREAD=main', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { PROJECTOR_THREAD: 'main' } });
  });
  afterAll(async () => t?.stop());

  it('runs the projector in its own thread, and /health has no worker', async () => {
    expect(t.app.get<ReadSide>(READ_SIDE).projector).toBeInstanceOf(Projector);
    const written = await assign(t);
    const board = await t.http.get('/dashboard').query({ after: written.body.position }).set(t.auth('therapist'));
    expect(board.body.episodes).toHaveLength(1);
    const health = await t.http.get('/health');
    expect(health.body.status).toBe('ok');
    expect(health.body).not.toHaveProperty('projectorWorker');
  });
});
