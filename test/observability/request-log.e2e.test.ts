// One JSON line per request, written when the answer has left: method, route template,
// status, duration, the caller, the request id (echoed as X-Request-Id) and the command and
// correlation ids of the events it appended. Bodies refused before routing are logged too;
// 5xx lines are errors with their cause beside them; LOG_LEVEL filters.
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { THERAPIST, UNIT } from '../e2e/harness';
import { startObservedApp, type ObservedApp } from './observed-app';
import { eventually } from './eventually';
import { CapturedLog } from './telemetry-harness';

const ASSIGN = { personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' };

describe('request lines at LOG_LEVEL=log', () => {
  const log = new CapturedLog();
  let t: ObservedApp;
  beforeAll(async () => {
    t = await startObservedApp({ logDestination: log, env: { LOG_LEVEL: 'log' } });
  });
  afterAll(async () => t?.stop());

  // The line is written when the answer has been handed to the socket: wait for it.
  const lineOf = async (requestId: string) => {
    const found = await eventually(
      async () => log.lines.filter((l) => l.requestId === requestId && /^request /.test(String(l.msg))),
      (lines) => lines.length > 0,
      `the line of request ${requestId}`,
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('says who did what to which route, how it ended and which command it wrote', async () => {
    const res = await t.http.post('/episodes').set(t.auth('therapist')).set('X-Correlation-Id', 'ticket-4711').set('X-Request-Id', 'lb-req-1').send(ASSIGN);
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe('lb-req-1');
    const [first] = await t.store.readStream(`episode-${res.body.episodeId}`);
    const line = await lineOf('lb-req-1');
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      pid: process.pid,
      hostname: expect.any(String),
      requestId: 'lb-req-1',
      method: 'POST',
      route: '/episodes',
      status: 201,
      durationMs: expect.any(Number),
      userId: THERAPIST,
      role: 'therapist',
      unitId: UNIT,
      commandId: first!.metadata.commandId,
      correlationId: 'ticket-4711',
      msg: 'request completed',
    });
  });

  it('names the route template, never the path with its ids', async () => {
    const res = await t.http.get('/episodes/01JD8X2QW3E4R5T6Y7U8I9O0PA/timeline').set(t.auth('auditor'));
    expect(res.status).toBe(404);
    const line = await lineOf(res.headers['x-request-id']!);
    expect(line).toMatchObject({ method: 'GET', route: '/episodes/:id/timeline', status: 404, role: 'auditor' });
    expect(JSON.stringify(line)).not.toContain('01JD8X2QW3E4R5T6Y7U8I9O0PA');
    expect(line.commandId).toBeUndefined();
  });

  it('logs requests no route answered and bodies refused before routing, with a fresh request id', async () => {
    const unknown = await t.http.get('/no/such/route').set('X-Request-Id', 'not a plain id!');
    const malformed = await t.http.post('/episodes').set(t.auth('therapist')).set('Content-Type', 'application/json').send('{"personnummer":');
    expect([unknown.status, malformed.status]).toEqual([404, 400]);
    expect(unknown.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await lineOf(unknown.headers['x-request-id']!)).toMatchObject({ method: 'GET', route: 'unmatched', status: 404 });
    expect(await lineOf(malformed.headers['x-request-id']!)).toMatchObject({ method: 'POST', route: 'unmatched', status: 400 });
  });

  it('logs probes at debug, below this level', async () => {
    const res = await t.http.get('/health/live');
    expect(res.status).toBe(200);
    expect(log.lines.filter((l) => l.requestId === res.headers['x-request-id'])).toEqual([]);
  });

  it('logs a 5xx as an error, beside the error filter line with its cause', async () => {
    await t.infrastructure.rawStore.close();
    const res = await t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, personnummer: '20190101-2391' });
    expect(res.status).toBe(503);
    const requestId = res.headers['x-request-id']!;
    expect(await lineOf(requestId)).toMatchObject({ level: 'error', route: '/episodes', status: 503, msg: 'request failed' });
    const cause = log.lines.find((l) => l.requestId === requestId && l.context === 'HTTP');
    expect(cause).toMatchObject({ level: 'error', msg: expect.stringMatching(/^POST \/episodes -> 503 STORE_UNAVAILABLE \(StoreUnavailableError: /) });
  });
});

describe('LOG_LEVEL=warn', () => {
  const log = new CapturedLog();
  let t: ObservedApp;
  beforeAll(async () => {
    t = await startObservedApp({ logDestination: log, env: { LOG_LEVEL: 'warn' } });
  });
  afterAll(async () => t?.stop());

  it('keeps request lines and start-up lines out, and warnings in', async () => {
    expect((await t.http.post('/episodes').set(t.auth('therapist')).send(ASSIGN)).status).toBe(201);
    expect(log.lines.filter((l) => l.level === 'info' || l.level === 'debug')).toEqual([]);
    // The start-up's warning of the local JWT secret is not here (main.ts says it): log one.
    t.app.get(PinoNestLogger).warn('a warning', 'Test');
    expect(log.lines).toEqual([expect.objectContaining({ level: 'warn', context: 'Test', msg: 'a warning' })]);
  });
});
