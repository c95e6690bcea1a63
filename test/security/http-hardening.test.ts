// HTTP hardening end to end: security headers on every answer (and a /docs page that still
// loads under its Content-Security-Policy), the body size limit (413, nothing written) and
// the per-user rate limit (429 RATE_LIMITED with Retry-After).
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { startApp, THERAPIST, UNIT, type TestApp } from '../e2e/harness';
// Raw HTTP hardening (the docs page, body limits, rate limits counted per request) runs
// without the harness's OpenAPI check of every answer: it asks for what the document
// does not describe, and the check's own request would count against the limits.
import { ConfigError, loadConfig } from '../../src/app/config';
import { rateLimitTracker } from '../../src/app/http/rate-limit';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // supertest's parsed body: JSON of any shape.
  body: { error?: { code?: string; message?: unknown; details?: unknown }; openapi?: string };
}

function expectErrorBody(res: Answer, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error?.message).toBe('string');
  expect(res.body.error?.details).toEqual(expect.any(Array));
}

/** The headers every answer carries, whatever its status. */
function expectSecurityHeaders(res: Answer, options: { api?: boolean } = { api: true }): void {
  const h = res.headers;
  const csp = String(h['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['referrer-policy']).toBe('no-referrer');
  expect(String(h['strict-transport-security'])).toMatch(/max-age=\d+/);
  expect(h['cross-origin-opener-policy']).toBe('same-origin');
  expect(h['cross-origin-resource-policy']).toBe('same-origin');
  expect(h['x-powered-by']).toBeUndefined();
  if (options.api) expect(h['cache-control']).toBe('no-store');
}

const ASSIGN = { personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' };

describe('security headers and the body limit (default configuration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ validateAnswers: false });
  });
  afterAll(async () => t.stop());

  it('sets the security headers on successes, refusals and unknown routes', async () => {
    const answers: Answer[] = [
      await t.http.get('/health'),
      await t.http.get('/openapi.json'),
      await t.http.get('/catalogue').set(t.auth('therapist')),
      await t.http.get('/catalogue'),
      await t.http.get('/catalogue').set('Authorization', 'Bearer not-a-token'),
      await t.http.post('/episodes').set(t.auth('auditor')).send(ASSIGN),
      await t.http.get('/no/such/route'),
      await t.http.post('/episodes').set(t.auth('therapist')).set('Content-Type', 'application/json').send('{"personnummer":'),
      await t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, personnummer: 'x'.repeat(300_000) }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 401, 401, 403, 404, 400, 413]);
    for (const a of answers) expectSecurityHeaders(a);
  });

  it('serves /docs: its HTML, scripts and styles load from this origin under the CSP', async () => {
    const page = await t.http.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(page, { api: false });
    const html = page.text;
    // script-src 'self' forbids inline scripts: every script has a same-origin src.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    const scriptSrcs = scripts.map((m) => {
      expect(m[2]!.trim()).toBe('');
      const src = /\bsrc="([^"]+)"/.exec(m[1]!)?.[1];
      expect(src).toMatch(/^\/(?!\/)/);
      return src!;
    });
    expect(scriptSrcs).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui-bundle.js', '/docs/init.js']));
    const styles = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
    for (const href of styles) expect(href).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers (script-src-attr 'none')

    for (const src of scriptSrcs) {
      const js = await t.http.get(src);
      expect(js.status).toBe(200);
      // nosniff: a script must come with a JavaScript MIME type.
      expect(js.headers['content-type']).toMatch(/^(application|text)\/javascript/);
      expect(Number(js.headers['content-length'] ?? js.text.length)).toBeGreaterThan(0);
      expectSecurityHeaders(js, { api: false });
    }
    for (const href of styles) {
      const css = await t.http.get(href);
      expect(css.status).toBe(200);
      expect(css.headers['content-type']).toMatch(/^text\/css/);
      expectSecurityHeaders(css, { api: false });
    }
    // init.js fetches the OpenAPI document from this origin (connect-src 'self').
    const init = await t.http.get('/docs/init.js');
    expect(init.text).toContain("url: '/openapi.json'");
    const doc = await t.http.get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
  });

  it('answers 413 PAYLOAD_TOO_LARGE over BODY_LIMIT (256kb) and writes nothing', async () => {
    const before = await t.store.headPosition();
    const big = { ...ASSIGN, welcomeText: 'å'.repeat(140_000) }; // ~280 kB in UTF-8
    const res = await t.http.post('/episodes').set(t.auth('therapist')).send(big);
    expectErrorBody(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.body.error.details).toEqual([]);
    // A body just under the limit is read (and refused by the schema, not by size).
    const under = await t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, welcomeText: 'a'.repeat(200_000) });
    expectErrorBody(under, 400, 'VALIDATION_FAILED');
    expect(await t.store.headPosition()).toBe(before);
  });

  it('answers 413 for a chunked body without Content-Length', async () => {
    const before = await t.store.headPosition();
    const server = t.app.getHttpServer() as http.Server;
    const listening = !server.listening ? await new Promise<http.Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server))) : server;
    try {
      const { port } = listening.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, method: 'POST', path: '/episodes', headers: { ...t.auth('therapist'), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.write('{"personnummer":"19121212-1212","welcomeText":"');
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 8) {
            sent++;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end('"}');
        };
        pump();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String), details: [] } });
    } finally {
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    }
    expect(await t.store.headPosition()).toBe(before);
  });

  it("answers what Node's HTTP parser refuses with the contract's error body too", async () => {
    const server = t.app.getHttpServer() as http.Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const raw = (payload: string) =>
        new Promise<string>((resolve) => {
          let out = '';
          const socket = net.connect(port, '127.0.0.1', () => socket.write(payload));
          socket.setEncoding('utf8');
          socket.on('data', (d: string) => (out += d));
          socket.on('close', () => resolve(out));
          socket.on('error', () => undefined); // the server may close while we still write
        });
      const parse = (answer: string) => {
        const [head, body] = answer.split('\r\n\r\n');
        return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1]), head: head ?? '', body: JSON.parse(body ?? 'null') };
      };
      const overflow = parse(await raw(`POST /episodes HTTP/1.1\r\nHost: x\r\nIdempotency-Key: ${'k'.repeat(20_000)}\r\n\r\n`));
      expect(overflow.status).toBe(431);
      expect(overflow.body).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String), details: [] } });
      expect(overflow.head).toMatch(/X-Content-Type-Options: nosniff/i);
      for (const payload of ['GARBAGE\r\n\r\n', 'POST /episodes HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 'GET / HTTP/1.1\r\nBad Header\r\n\r\n']) {
        const answer = parse(await raw(payload));
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: [] } });
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('does not echo a personnummer from a path it cannot decode', async () => {
    const res = await t.http.post('/episodes/19121212-1212%ZZ/end').set(t.auth('therapist')).send({ outcome: 'completed' });
    expectErrorBody(res, 400, 'VALIDATION_FAILED');
    expect(res.text).not.toContain('1212-1212');
  });

  it('the default rate limit leaves ordinary use alone and says so in X-RateLimit headers', async () => {
    const res = await t.http.get('/catalogue').set(t.auth('therapist'));
    expect(res.status).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBe('1200');
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeGreaterThan(1000);
  });
});

describe('BODY_LIMIT from the environment', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { BODY_LIMIT: '2kb' }, validateAnswers: false });
  });
  afterAll(async () => t.stop());

  it('refuses a 3 kB body with 413 and accepts a small one', async () => {
    const before = await t.store.headPosition();
    const tooBig = await t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, welcomeText: 'w'.repeat(3000) });
    expectErrorBody(tooBig, 413, 'PAYLOAD_TOO_LARGE');
    expect(await t.store.headPosition()).toBe(before);
    const ok = await t.http.post('/episodes').set(t.auth('therapist')).send({ ...ASSIGN, welcomeText: 'Välkommen' });
    expect(ok.status).toBe(201);
  });
});

describe('rate limit (RATE_LIMIT_PER_MINUTE=5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '5' }, validateAnswers: false });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.stop();
  });

  it('answers 429 RATE_LIMITED with Retry-After past the limit, per user, and writes nothing', async () => {
    const alice = t.auth('therapist', { sub: 'SE2321000131-T101' });
    const bob = t.auth('therapist', { sub: 'SE2321000131-T102' });
    for (let i = 0; i < 5; i++) {
      const ok = await t.http.get('/catalogue').set(alice);
      expect(ok.status).toBe(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(4 - i));
    }
    const limited = await t.http.get('/catalogue').set(alice);
    expectErrorBody(limited, 429, 'RATE_LIMITED');
    expect(limited.body.error.details).toEqual([]);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expectSecurityHeaders(limited);

    // A write past the limit is refused before anything is written.
    const before = await t.store.headPosition();
    const write = await t.http.post('/episodes').set(alice).send(ASSIGN);
    expectErrorBody(write, 429, 'RATE_LIMITED');
    expect(await t.store.headPosition()).toBe(before);

    // The limit is per user: another therapist of the same unit goes on.
    expect((await t.http.get('/catalogue').set(bob)).status).toBe(200);
    expect((await t.http.post('/episodes').set(bob).send(ASSIGN)).status).toBe(201);

    // A sliding 60 s window: a minute later Alice may go on.
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    expect((await t.http.get('/catalogue').set(alice)).status).toBe(200);
    jest.restoreAllMocks();
  });

  it('counts public routes by client address, apart from the users', async () => {
    for (let i = 0; i < 5; i++) expect((await t.http.get('/openapi.json')).status).toBe(200);
    const limited = await t.http.get('/openapi.json');
    expectErrorBody(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await t.http.get('/catalogue').set(t.auth('unit_admin', { unit: UNIT }))).status).toBe(200);
  });

  it('does not count refused tokens against the user', async () => {
    const carol = t.auth('therapist', { sub: 'SE2321000131-T103' });
    for (let i = 0; i < 10; i++) expect((await t.http.get('/catalogue').set('Authorization', 'Bearer junk')).status).toBe(401);
    expect((await t.http.get('/catalogue').set(carol)).status).toBe(200);
  });
});

describe('rate limit switched off (RATE_LIMIT_PER_MINUTE=0)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '0' }, validateAnswers: false });
  });
  afterAll(async () => t.stop());

  it('never answers 429 and sets no rate-limit headers', async () => {
    const th = t.auth('therapist');
    for (let i = 0; i < 30; i++) {
      const res = await t.http.get('/catalogue').set(th);
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('configuration of the limits', () => {
  it('defaults to 256kb and 1200 requests per minute', () => {
    const c = loadConfig({});
    expect(c.bodyLimit).toBe('256kb');
    expect(c.rateLimitPerMinute).toBe(1200);
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0', BODY_LIMIT: '1mb' })).toMatchObject({ rateLimitPerMinute: 0, bodyLimit: '1mb' });
  });

  it.each([
    ['BODY_LIMIT', 'lots'],
    ['BODY_LIMIT', '-1kb'],
    ['RATE_LIMIT_PER_MINUTE', '-1'],
    ['RATE_LIMIT_PER_MINUTE', 'many'],
    ['RATE_LIMIT_PER_MINUTE', '1.5'],
  ])('refuses %s=%s at start, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('counts a user by role and sub, a gateway token per episode, and public callers by address', () => {
    expect(rateLimitTracker({ id: 'SE1', role: 'therapist', unitId: UNIT }, '127.0.0.1')).toBe('user:therapist:SE1');
    expect(rateLimitTracker({ id: 'GW', role: 'patient_gateway', unitId: UNIT, episodeId: 'E1' }, undefined)).toBe('user:patient_gateway:GW:episode:E1');
    expect(rateLimitTracker(undefined, '10.0.0.7')).toBe('ip:10.0.0.7');
  });
});
