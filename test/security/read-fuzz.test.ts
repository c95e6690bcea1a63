// Fuzzing every read endpoint of API_ROUTES over HTTP with fast-check: random and hostile
// query strings (unknown and prototype keys, repeated keys, bracket keys, wrong types,
// huge and unicode values, bad dates and numbers, bad positions for ?after=), path values
// (unknown, malformed and other units' ids, traversal, encoded junk), headers (Accept,
// If-None-Match, Range, encodings, a body on a GET, garbage Authorization) against a real
// episode at the caller's unit and one at another unit.
//
// The properties, per request:
// - never a 5xx; a refusal has the contract's error body { error: { code, message, details } };
// - no request writes an event (the store's head position is unchanged);
// - a request that is certainly wrong (an id that names nothing, another unit's episode asked
//   by a role with a unit, another unit's id in /units/{unitId}, a query its route's own schema
//   refuses as Express parses it, a garbage token, a gateway token for another episode) is a 4xx;
//   an auditor (no unit) may read another unit's episode, as the read controllers allow;
// - a well-formed query the route's schema accepts, from a role the route allows, is a 200;
// - nothing pollutes Object.prototype.
import querystring from 'node:querystring';
import fc from 'fast-check';
import { API_ROUTES, type RouteDoc } from '../../src/app/system/api-routes';
import { OTHER_UNIT, startApp, TestClock, THERAPIST, THERAPIST_2, UNIT, type TestApp } from '../e2e/harness';

const READ_ROUTES = API_ROUTES.filter((r) => r.method === 'get');
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
// Hundreds of HTTP requests per property: time enough on a busy two-core machine. A test
// cut short by jest's timeout would leave its requests running into the next one.
jest.setTimeout(300_000);
const clock = new TestClock('2026-11-22T09:00:00.000Z');
const prototypeBaseline = Object.getOwnPropertyNames(Object.prototype).sort();
/** Well-formed, and no episode's id. */
const UNKNOWN_EPISODE = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

let t: TestApp;
let episodeId: string;
let otherUnitEpisodeId: string;
let head: bigint;

beforeAll(async () => {
  // Hostile requests lie outside the contract on purpose: the fuzz oracle judges the answers.
  t = await startApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '0' }, validateAnswers: false });
  const th = t.auth('therapist');
  const a = await t.http.post('/episodes').set(th).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
  expect(a.status).toBe(201);
  episodeId = a.body.episodeId;
  const gw = t.auth('patient_gateway', { episode: episodeId });
  expect((await t.http.post(`/episodes/${episodeId}/activity-plan`).set(th).send({})).status).toBe(200);
  expect((await t.http.post(`/episodes/${episodeId}/messages`).set(gw).send({ text: 'Får jag träna när det gör ont?' })).status).toBe(201);
  expect((await t.http.post(`/episodes/${episodeId}/journal-entries`).set(th).send({ obligationId: 'assignment' })).status).toBe(200);
  const notice = { from: '2026-11-23T07:00:00+01:00', to: '2026-11-25T17:00:00+01:00', text: 'Semester' };
  expect((await t.http.post(`/units/${UNIT}/absence-notices`).set(t.auth('unit_admin')).send(notice)).status).toBe(201);
  const other = await t.http.post('/episodes').set(t.auth('therapist', { unit: OTHER_UNIT })).send({ personnummer: '20190101-2391', therapistId: THERAPIST_2, diagnosisCode: 'M16.1' });
  expect(other.status).toBe(201);
  otherUnitEpisodeId = other.body.episodeId;
  head = await t.store.headPosition();
  // The projections have caught up before the fuzz starts.
  expect((await t.http.get(`/episodes/${otherUnitEpisodeId}?after=${head}`).set(t.auth('auditor'))).status).toBe(200);
});
afterAll(async () => t?.stop());

// ---------------------------------------------------------------- values

const HOSTILE = [
  '', ' ', '\t\n', '\u0000', '\u202e\u0000abc', '\ud800', '🙂👩‍⚕️', 'Å'.repeat(300), 'null', 'undefined', 'NaN', 'Infinity',
  '-1', '-0', '0x10', '1e309', '1e3', '1.5', '99999999999999999999', '__proto__', 'constructor', 'toString',
  '../../../../etc/passwd', '%2e%2e%2f', '<script>alert(1)</script>', "'; DROP TABLE access_log; --", '${jndi:ldap://x}',
  '19121212-1212', '19121212-1213', '191212121212', '0'.repeat(12), '9999-99-99', '2026-02-30', '2026-13', '2026-00',
  '2026-13-01T25:61:00Z', '2026-11-22T09:00:00', '2026-11-22T09:00:00.000Z', 'true', 'TRUE', 'false', 'csv', 'xml',
  'assignedAt', '-assignedAt', 'outstanding', 'recorded', UNIT, OTHER_UNIT, THERAPIST, 'x'.repeat(201), 'y'.repeat(5000),
];
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

/** The parameters each read knows (its schema's, or those its controller reads). */
function knownKeys(route: RouteDoc): string[] {
  if (route.querySchema) return Object.keys(route.querySchema.shape);
  return ['after', ...Object.keys(route.query ?? {})];
}

/** encodeURIComponent, with lone surrogates made U+FFFD first (they cannot be encoded). */
const encode = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

/**
 * ?after= that names a well-formed position beyond the log would wait 5 s and answer the
 * contract's 503 PROJECTION_BEHIND (tested in test/read): here such values become the head.
 */
const tame = (key: string, value: string) => (key === 'after' && /^\d{1,19}$/.test(value) && BigInt(value) > head ? head.toString() : value);

const toQuery = (pairs: readonly (readonly [string, string])[], raw = false) =>
  pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => (raw ? `${k}=${v}` : `${encode(k)}=${encode(tame(k, v))}`)).join('&')}`;

function hostileQuery(route: RouteDoc): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...knownKeys(route)) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'a[b]', 'unitId[]', '__proto__[polluted]', 'hasOwnProperty', 'q') },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 6, arbitrary: fc.array(fc.tuple(key, hostileString), { minLength: 1, maxLength: 5 }).map((pairs) => toQuery(pairs)) },
    {
      weight: 1,
      // Not percent-encoded: broken escapes, bare separators, overlong strings.
      arbitrary: fc.constantFrom('?a=%ZZ&b=%', '?after=%', '?&&&=', '?=1', '?after', '?after=1&after=2', `?q=${'q'.repeat(4000)}`, '?%00=%00', '?unitId=%E0%A4%A'),
    },
  );
}

/**
 * Values that look right for a parameter of this route. Routes with a query schema take
 * what it accepts of their combinations; the others (episode reads, the access log) get
 * only valid values here, so every combination must answer 200.
 */
function plausible(key: string, route: RouteDoc): fc.Arbitrary<string> {
  const schema = route.querySchema !== undefined;
  const dates = ['2026-11-01', '2026-11-22', '2026-12-31', '2025-01-01'];
  const months = ['2026-01', '2026-11', '2026-12', '2025-06'];
  const instants = ['2026-11-01T00:00:00Z', '2026-11-22T10:00:00+01:00', '2026-12-31T23:59:59.999Z'];
  const pools: Record<string, readonly string[]> = {
    // An empty value counts as absent where a query schema reads it (src/app/read/query-schemas.ts).
    after: schema ? ['0', '1', head.toString(), ''] : ['0', '1', head.toString()],
    // A therapist asking for another therapist's dashboard is refused (403) by design.
    therapistId: [THERAPIST, ''],
    unitId: [UNIT, ''],
    sort: ['assignedAt', '-assignedAt'],
    limit: ['1', '10', '1000'],
    offset: ['0', '1', '50'],
    active: ['true', 'false'],
    includeWithdrawn: ['true', 'false'],
    status: ['outstanding', 'recorded'],
    episodeId: [episodeId, UNKNOWN_EPISODE],
    format: ['json', 'csv'],
    from: route.path === '/access-log' ? instants : [...dates, ...months],
    to: route.path === '/access-log' ? instants.slice(1) : [...dates, ...months],
    fromRevision: ['0', '1', '2'],
    personnummer: ['19121212-1212', '191212121212', '20190101-2391'],
    userId: [THERAPIST, 'SE2321000131-auditor'],
    afterSeq: ['0', '1'],
  };
  return fc.constantFrom(...(pools[key] ?? ['']));
}

// ---------------------------------------------------------------- requests

/** What a path value names: the caller's own episode or unit, another unit's, or nothing. */
type Names = 'own' | 'other-unit' | 'nothing';

interface Case {
  readonly route: RouteDoc;
  readonly role: string;
  readonly gatewayEpisode: 'path' | 'other' | 'none';
  /** The episode a gateway token names when gatewayEpisode is 'other'. */
  readonly otherEpisode: string;
  readonly params: Record<string, { segment: string; names: Names }>;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly garbageToken?: string;
  readonly body?: { contentType: string; raw: string };
}

const MALFORMED_SEGMENTS = ['..', '.', '%2e%2e', '..%2F..%2Fetc%2Fpasswd', '%2F', '%00', '%E0%A4%A', '%ZZ', '%', '%252e', 'null', '__proto__', '0', '-1', UNKNOWN_EPISODE, 'U'.repeat(27), 'x'.repeat(2000)];

function pathValue(name: string): fc.Arbitrary<{ segment: string; names: Names }> {
  const own = name === 'id' ? episodeId : UNIT;
  const otherUnit = name === 'id' ? otherUnitEpisodeId : OTHER_UNIT;
  const variants = name === 'id' ? [otherUnitEpisodeId, episodeId.toLowerCase(), `${episodeId}x`, episodeId.slice(1), `${episodeId}%20`] : [OTHER_UNIT, UNIT.toLowerCase(), `${UNIT}%20`];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ segment: own, names: 'own' as const }) },
    {
      weight: 4,
      // fc.ulid(), not ulid(): every value comes from the seed, so a failure replays.
      arbitrary: fc
        .oneof(fc.constantFrom(...MALFORMED_SEGMENTS, ...variants), fc.string({ minLength: 1, maxLength: 30 }).map(encode), fc.ulid())
        .filter((s) => s !== own && s !== '')
        .map((segment) => ({ segment, names: segment === otherUnit ? ('other-unit' as const) : ('nothing' as const) })),
    },
  );
}

const headerSafe = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      Accept: fc.constantFrom('text/csv', 'application/json', '*/*', 'application/xml', 'text/html;q=0.1, text/csv;q=0.9', 'garbage', ''),
      'Accept-Encoding': fc.constantFrom('gzip', 'br', 'identity;q=0', 'x-unknown', '*'),
      'If-None-Match': fc.oneof(headerSafe, fc.constantFrom('"1"', '*', 'W/"2"')),
      Range: fc.constantFrom('bytes=0-10', 'bytes=999999-', 'items=0-1', 'bytes=-5'),
      'X-Correlation-Id': fc.oneof(headerSafe, fc.constant('c'.repeat(500))),
      'Accept-Language': headerSafe,
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);

const paramNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
const labelled = (r: RouteDoc): RouteDoc => ({ ...r, [fc.toStringMethod]: () => `GET ${r.path}` }) as RouteDoc;
const rolesOf = (r: RouteDoc) => (r.roles.length ? [...r.roles] : ['therapist']);

function hostileCase(route: RouteDoc): fc.Arbitrary<Case> {
  return fc.record({
    route: fc.constant(labelled(route)),
    role: fc.constantFrom(...rolesOf(route)),
    gatewayEpisode: fc.constantFrom('path', 'path', 'other', 'none') as fc.Arbitrary<Case['gatewayEpisode']>,
    otherEpisode: fc.ulid(),
    params: fc.record(Object.fromEntries(paramNames(route.path).map((n) => [n, pathValue(n)]))) as fc.Arbitrary<Case['params']>,
    query: hostileQuery(route),
    headers: hostileHeaders,
    garbageToken: fc.oneof(
      { weight: 9, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.oneof(headerSafe.map((s) => `Bearer ${s}`), fc.constantFrom('Bearer', 'Basic dXNlcjpwYXNz', 'bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImF1ZGl0b3IifQ.')) },
    ),
    body: fc.option(
      fc.record({
        contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'),
        raw: fc.oneof(fc.constantFrom('{"personnummer":', '[]', 'null', '{"__proto__":{"polluted":1}}', '{}'), fc.json()),
      }),
      { nil: undefined },
    ),
  });
}

/** Well-formed: the real ids, the gateway for the episode in the path, a query the schema accepts. */
function validCase(route: RouteDoc): fc.Arbitrary<Case> {
  const keys = knownKeys(route).filter((k) => !(route.path.endsWith('/timeline') && ['revision', 'at', 'limit'].includes(k)));
  return fc
    .record({
      route: fc.constant(labelled(route)),
      role: fc.constantFrom(...rolesOf(route)),
      gatewayEpisode: fc.constant('path' as const),
      otherEpisode: fc.constant(UNKNOWN_EPISODE),
      params: fc.constant(Object.fromEntries(paramNames(route.path).map((n) => [n, { segment: n === 'id' ? episodeId : UNIT, names: 'own' as const }]))),
      query: fc.uniqueArray(fc.constantFrom(...keys), { maxLength: keys.length }).chain((ks) => fc.tuple(...ks.map((k) => fc.tuple(fc.constant(k), plausible(k, route))))).map((pairs) => toQuery(pairs)),
      headers: fc.record({ Accept: fc.constantFrom('application/json', '*/*', 'text/csv') }),
    })
    .filter((c) => !route.querySchema || route.querySchema.safeParse(querystring.parse(c.query.slice(1))).success);
}

/** Roles whose tokens carry no unit (test/e2e/harness.ts gives every other role UNIT). */
const UNITLESS_ROLES = new Set(['auditor', 'reporting']);

/**
 * Whether the app must refuse this request, by the rules of the read controllers: an episode
 * of another unit is "not found" to an actor with a unit, but an auditor reads every unit's
 * episodes (src/app/read/episodes-read.controller.ts, src/app/timeline/timeline.controller.ts);
 * /units/{unitId} answers only the unit's own members (assertOwnUnit).
 */
function certainlyRefused(c: Case): boolean {
  if (c.route.roles.length === 0) return false;
  if (c.garbageToken !== undefined) return true;
  for (const [name, p] of Object.entries(c.params)) {
    if (p.names === 'nothing') return true;
    if (p.names === 'other-unit' && (name === 'unitId' || !UNITLESS_ROLES.has(c.role))) return true;
  }
  if (c.role === 'patient_gateway' && c.gatewayEpisode === 'other' && c.route.path.startsWith('/episodes/{id}')) return true;
  return Boolean(c.route.querySchema && !c.route.querySchema.safeParse(querystring.parse(c.query.slice(1))).success);
}

async function send(c: Case) {
  const path = c.route.path.replace(/\{(\w+)\}/g, (_, n: string) => c.params[n]!.segment) + c.query;
  let req = t.http.get(path);
  if (c.route.roles.length > 0 || c.garbageToken === undefined) {
    const episode = c.role === 'patient_gateway' ? { path: episodeId, other: c.otherEpisode, none: undefined }[c.gatewayEpisode] : undefined;
    req = req.set('Authorization', c.garbageToken ?? `Bearer ${t.token(c.role, { episode })}`);
  }
  for (const [k, v] of Object.entries(c.headers)) req = req.set(k, v);
  if (c.body) req = req.set('Content-Type', c.body.contentType);
  return c.body ? await req.send(c.body.raw) : await req;
}

const describeCase = (c: Case) =>
  JSON.stringify({ route: `GET ${c.route.path}`, role: c.role, gateway: c.gatewayEpisode, params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, v.segment.slice(0, 60)])), query: c.query.slice(0, 200), headers: c.headers, token: c.garbageToken?.slice(0, 40), body: c.body && { ...c.body, raw: c.body.raw.slice(0, 100) } });

const stats = { requests: 0, certainlyRefused: 0, ok: 0, byStatus: new Map<number, number>() };

async function check(c: Case, mustSucceed = false): Promise<void> {
  const res = await send(c);
  const after = await t.store.headPosition();
  stats.requests++;
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  const where = `${res.status} ${(res.text ?? '').slice(0, 300)} for ${describeCase(c)}`;
  if (res.status >= 500) throw new Error(`5xx: ${where}`);
  if (after !== head) throw new Error(`a read wrote events (${head} -> ${after}): ${where}`);
  if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== prototypeBaseline.join() || ({} as Record<string, unknown>).polluted !== undefined)
    throw new Error(`Object.prototype polluted by ${describeCase(c)}`);
  const sure = certainlyRefused(c);
  if (sure) stats.certainlyRefused++;
  if (res.status >= 400) {
    const e = res.body?.error;
    if (!(e && typeof e.code === 'string' && typeof e.message === 'string' && Array.isArray(e.details))) throw new Error(`error body not in the contract's shape: ${where}`);
    if (mustSucceed) throw new Error(`a well-formed read was refused: ${where}`);
    return;
  }
  if (res.status !== 200 && res.status !== 304) throw new Error(`unexpected status: ${where}`);
  if (sure) throw new Error(`a certainly wrong read was answered: ${where}`);
  stats.ok++;
}

describe('fuzzing the read endpoints over HTTP', () => {
  it('covers every read route of API_ROUTES', () => {
    expect(READ_ROUTES.map((r) => r.path)).toEqual(expect.arrayContaining(['/episodes/{id}', '/episodes/{id}/messages', '/episodes/{id}/patient-view', '/units/{unitId}/absence-notices', '/dashboard', '/billing/ledger', '/journal/obligations', '/reports/outcomes', '/access-log']));
    for (const r of READ_ROUTES) for (const n of paramNames(r.path)) expect(['id', 'unitId']).toContain(n);
  });

  // The oracle's rule for another unit's episode, pinned to what the app does.
  it("another unit's episode: an auditor reads it, the unit's staff and gateway are told it is not found", async () => {
    for (const path of [`/episodes/${otherUnitEpisodeId}`, `/episodes/${otherUnitEpisodeId}/timeline`, `/episodes/${otherUnitEpisodeId}/export`])
      expect((await t.http.get(path).set(t.auth('auditor'))).status).toBe(200);
    expect((await t.http.get(`/episodes/${otherUnitEpisodeId}`).set(t.auth('therapist'))).status).toBe(404);
    expect((await t.http.get(`/episodes/${otherUnitEpisodeId}/timeline`).set(t.auth('unit_admin'))).status).toBe(404);
    expect((await t.http.get(`/episodes/${otherUnitEpisodeId}/messages`).set(t.auth('patient_gateway'))).status).toBe(404);
    expect(await t.store.headPosition()).toBe(head);
  });

  it('hostile requests to any read: never a 5xx, refusals in the contract shape, nothing written', async () => {
    const before = stats.certainlyRefused;
    await fc.assert(fc.asyncProperty(fc.oneof(...READ_ROUTES.map(hostileCase)), (c) => check(c)), { numRuns: NUM_RUNS });
    expect(stats.certainlyRefused - before).toBeGreaterThan(NUM_RUNS / 4);
  });

  it.each(READ_ROUTES.map((r) => [`GET ${r.path}`, r] as const))('hostile requests to %s', async (_name, route) => {
    await fc.assert(fc.asyncProperty(hostileCase(route), (c) => check(c)), { numRuns: Math.max(20, Math.round(NUM_RUNS / 5)) });
  });

  it.each(READ_ROUTES.map((r) => [`GET ${r.path}`, r] as const))('well-formed queries to %s answer 200', async (_name, route) => {
    await fc.assert(fc.asyncProperty(validCase(route), (c) => check(c, true)), { numRuns: 25 });
  });

  afterAll(() => {
    if (process.env.FUZZ_STATS) console.info({ ...stats, byStatus: Object.fromEntries(stats.byStatus) });
  });
});
