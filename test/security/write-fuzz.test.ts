// Fuzzing every write endpoint of API_ROUTES over HTTP with fast-check: random and hostile
// bodies (wrong types, huge strings, nested junk, prototype-pollution keys, unicode, nulls,
// arrays for objects, malformed JSON, non-JSON content types and encodings), hostile headers
// (If-Match garbage, overlong or empty Idempotency-Key), path values (unknown and malformed
// ids, traversal, encoded junk) and query strings, always with a valid token of a role the
// route allows, against a real assigned episode so that the fuzz reaches the domain.
//
// The properties, per request:
// - never a 5xx, and every refusal has the contract's error body
//   { error: { code: string, message: string, details: array } };
// - a refusal writes nothing (the store's head position is unchanged);
// - a request that is certainly wrong (a body the route's own schema refuses as the server
//   reads it, a malformed header, an id that names nothing, another unit) is a 4xx;
// - nothing pollutes Object.prototype.
// Bodies that happen to satisfy the schema reach the domain; they may be refused (4xx, no
// write) or succeed (2xx). The bodies are made in test/support/fuzz-bodies.ts. The app runs
// on a fixed clock and every generated value comes from fast-check's seed, so a failure
// replays (test/support/fast-check.ts).
import fc from 'fast-check';
import { API_ROUTES, type RouteDoc } from '../../src/app/system/api-routes';
import { catalogue } from '../../src/domain/reference/catalogue';
import { OTHER_UNIT, startApp, TestClock, THERAPIST, THERAPIST_2, UNIT, type TestApp } from '../e2e/harness';
import { bodyCertainlyRefused, bodySpec, hostileString, shaped, type BodySpec } from '../support/fuzz-bodies';

const WRITE_ROUTES = API_ROUTES.filter((r) => r.method !== 'get');
/** What src/app/http/request.ts accepts as If-Match. */
const IF_MATCH_RE = /^\s*(?:W\/)?"?(-?\d+)"?\s*$/;
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 400);
// Hundreds of HTTP requests per property: time enough on a busy two-core machine. A test
// cut short by jest's timeout would leave its requests running into the next one.
jest.setTimeout(300_000);
const NOW = '2026-11-22T09:00:00.000Z';
const clock = new TestClock(NOW);
/** Well-formed, and no episode's id. */
const UNKNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

let t: TestApp;
let episodeId: string;
let conversationId: string;
let messageId: string;
let noticeId: string;
const prototypeBaseline = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  // Hostile requests lie outside the contract on purpose: the fuzz oracle judges the answers.
  t = await startApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '0' }, validateAnswers: false });
  const th = t.auth('therapist');
  const assigned = await t.http.post('/episodes').set(th).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
  expect(assigned.status).toBe(201);
  episodeId = assigned.body.episodeId;
  expect((await t.http.post(`/episodes/${episodeId}/activity-plan`).set(th).send({})).status).toBe(200);
  const sent = await t.http.post(`/episodes/${episodeId}/messages`).set(th).send({ text: 'Hej! Hur går träningen?' });
  expect(sent.status).toBe(201);
  conversationId = sent.body.conversationId;
  messageId = sent.body.messageId;
  const from = instantAfter(1);
  const to = instantAfter(5);
  const notice = await t.http.post(`/units/${UNIT}/absence-notices`).set(t.auth('unit_admin')).send({ from, to, text: 'Semester' });
  expect(notice.status).toBe(201);
  noticeId = notice.body.noticeId ?? notice.body.data?.noticeId;
  expect(typeof noticeId).toBe('string');
});
afterAll(async () => t?.stop());

// ---------------------------------------------------------------- values

const catalogueIds: string[] = [];
(function collect(value: unknown): void {
  if (Array.isArray(value)) value.forEach(collect);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'id' && typeof v === 'string') catalogueIds.push(v);
      else collect(v);
    }
  }
})(catalogue);

function instantAfter(days: number): string {
  return new Date(Date.parse(NOW) + days * 86_400_000).toISOString();
}
const stockholmDate = (offsetDays: number) => new Date(instantAfter(offsetDays)).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });

/** Values the domain knows, so that schema-valid bodies go deep. */
const plausibleString = (): fc.Arbitrary<string> =>
  fc.constantFrom(
    ...catalogueIds,
    'assignment',
    'completed-school',
    'end',
    `conversation-${conversationId}`,
    conversationId,
    messageId,
    noticeId,
    UNKNOWN_ID,
    THERAPIST,
    THERAPIST_2,
    'M17.1',
    'M16.1',
    'GB020',
    'ZV044',
    '20190101-2391',
    '19030818-9802',
    stockholmDate(0),
    stockholmDate(-1),
    stockholmDate(2),
    NOW,
    instantAfter(1 / 24),
    '16:00',
    'Ont i knät efter promenaden.',
  );

// ---------------------------------------------------------------- paths, headers, queries

/** encodeURIComponent, with lone surrogates made U+FFFD first (they cannot be encoded). */
const encode = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

const MALFORMED_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '..%2F..%2Fetc%2Fpasswd',
  '%2F',
  '%00',
  '%E0%A4%A',
  '%ZZ',
  '%',
  '%C0%AE%C0%AE',
  '%252e%252e',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '0',
  '-1',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'IIIIIIIIIIIIIIIIIIIIIIIIII',
  'U'.repeat(27),
  encodeURIComponent('🙂'),
  'x'.repeat(2000),
];

interface PathValue {
  readonly segment: string;
  /** Whether it names the real thing (the fuzz's episode, own unit, a known module or notice). */
  readonly real: boolean;
}
const realOr = (real: string, variants: string[]): fc.Arbitrary<PathValue> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant({ segment: real, real: true }) },
    {
      weight: 4,
      arbitrary: fc
        .oneof(
          fc.constantFrom(...MALFORMED_SEGMENTS, ...variants),
          fc.string({ minLength: 1, maxLength: 30 }).map(encode),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map(encode),
          fc.ulid(),
        )
        .filter((s) => s !== real && s !== '')
        .map((segment) => ({ segment, real: false })),
    },
  );

const pathValues = (name: string): fc.Arbitrary<PathValue> => {
  switch (name) {
    case 'id':
      return realOr(episodeId, [episodeId.toLowerCase(), `${episodeId}x`, `${episodeId}%20`, `${episodeId}%2F..`, ` ${episodeId}`.replace(' ', '%20'), episodeId.slice(1)]);
    case 'moduleId':
      return fc.oneof(fc.constantFrom('hip-knee', 'hand').map((segment) => ({ segment, real: true })), realOr('hand', ['HAND', 'hand%00', 'hip-knee%2Fhand', 'hk-pain']));
    case 'unitId':
      return realOr(UNIT, [OTHER_UNIT, UNIT.toLowerCase(), `${UNIT}%20`]);
    case 'noticeId':
      return realOr(noticeId, [noticeId.toLowerCase()]);
    default:
      throw new Error(`no fuzz values for path parameter {${name}}`);
  }
};

const headerSafe = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

interface HeaderSpec {
  readonly ifMatch?: string;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  readonly certainlyRefused: boolean;
}
const headerSpec: fc.Arbitrary<HeaderSpec> = fc
  .record({
    ifMatch: fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: headerSafe.filter((s) => !IF_MATCH_RE.test(s)) },
      { weight: 1, arbitrary: fc.constantFrom('"1"', '*', 'W/"2"', '"-1"', '99999999999999999999999', '"1", "2"', '"0x10"', '" 3 "', '1e3', '') },
      { weight: 1, arbitrary: fc.integer({ min: -5, max: 50 }).map((n) => `"${n}"`) },
    ),
    idempotencyKey: fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3') },
      { weight: 2, arbitrary: fc.integer({ min: 201, max: 8000 }).map((n) => 'k'.repeat(n)) },
      { weight: 1, arbitrary: fc.constant('') },
    ),
    correlationId: fc.option(fc.oneof(headerSafe, fc.constant('c'.repeat(500))), { nil: undefined }),
  })
  .map((h) => ({
    ...h,
    certainlyRefused:
      (h.ifMatch !== undefined && !IF_MATCH_RE.test(h.ifMatch.trim())) ||
      (h.idempotencyKey !== undefined && (h.idempotencyKey.length === 0 || h.idempotencyKey.length > 200)),
  }));

const queryString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), hostileString.filter((s) => s.length < 1000)), { maxKeys: 4 })
      .map((d) => `?${Object.entries(d).map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('?__proto__[polluted]=1', '?constructor[prototype][polluted]=1', '?a=%ZZ&b=%', '?after=-1', '?after=junk', '?revision=1e99', `?q=${'q'.repeat(4000)}`, '?a&a&a=1&a[]=2', '?&&&=', '?personnummer=19121212-1212'),
  },
);

// ---------------------------------------------------------------- requests

interface Case {
  readonly route: RouteDoc;
  readonly role: string;
  readonly gatewayEpisode?: string | undefined;
  readonly params: Record<string, PathValue>;
  readonly body: BodySpec;
  readonly headers: HeaderSpec;
  readonly query: string;
}

/** Routes print as "METHOD /path" in fast-check's counterexamples (not with their schemas). */
const labelled = (r: RouteDoc): RouteDoc => ({ ...r, [fc.toStringMethod]: () => `${r.method.toUpperCase()} ${r.path}` }) as RouteDoc;

const paramNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

const excludedEnums = (route: RouteDoc) => (route.path.endsWith('/end') ? ['completed', 'abandoned'] : []); // keep the episode running

/** Hostile: any ingredient may be wrong (body, path, headers, query, token's episode). */
function caseFor(route: RouteDoc): fc.Arbitrary<Case> {
  const names = paramNames(route.path);
  return fc.record({
    route: fc.constant(labelled(route)),
    role: fc.constantFrom(...route.roles),
    gatewayEpisode: fc.oneof(fc.constant(undefined), fc.constant(episodeId), fc.ulid()),
    params: fc.record(Object.fromEntries(names.map((n) => [n, pathValues(n)]))) as fc.Arbitrary<Record<string, PathValue>>,
    body: bodySpec(route.body, { excludeEnum: excludedEnums(route), plausible: plausibleString() }),
    headers: headerSpec,
    query: queryString,
  });
}

/** Domain: well-formed requests on the real episode and unit with odd but well-typed values. */
function domainCaseFor(route: RouteDoc): fc.Arbitrary<Case> {
  const names = paramNames(route.path);
  const real: Record<string, () => fc.Arbitrary<string>> = {
    id: () => fc.constant(episodeId),
    moduleId: () => fc.constantFrom('hip-knee', 'hand'),
    unitId: () => fc.constant(UNIT),
    noticeId: () => fc.constant(noticeId),
  };
  const body: fc.Arbitrary<BodySpec> = route.body
    ? shaped(route.body, { excludeEnum: excludedEnums(route), mode: 'domain', plausible: plausibleString() }).map((v) => ({ kind: 'domain', contentType: 'application/json', raw: JSON.stringify(v) }))
    : fc.constant({ kind: 'no-body' });
  return fc.record({
    route: fc.constant(labelled(route)),
    role: fc.constantFrom(...route.roles),
    gatewayEpisode: fc.constantFrom(undefined, episodeId),
    params: fc.record(Object.fromEntries(names.map((n) => [n, real[n]!().map((segment) => ({ segment, real: true }))]))) as fc.Arbitrary<Record<string, PathValue>>,
    body,
    headers: fc.record({
      ifMatch: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => `"${n}"`) }),
      idempotencyKey: fc.oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.ulid().map((id) => `domain-${id}`) },
        { weight: 1, arbitrary: fc.constantFrom('domain-key-1', 'domain-key-2') },
      ),
      certainlyRefused: fc.constant(false),
    }),
    query: fc.constant(''),
  });
}

/** Built when the test runs: the values name the episode, message and notice of beforeAll. */
const anyCase = () => fc.oneof(...WRITE_ROUTES.map(caseFor));
const anyDomainCase = () => fc.oneof(...WRITE_ROUTES.map(domainCaseFor));

function certainlyRefused(c: Case): boolean {
  const gatewayForOther = c.role === 'patient_gateway' && c.gatewayEpisode !== undefined && c.gatewayEpisode !== episodeId;
  return (
    Object.values(c.params).some((p) => !p.real) ||
    c.headers.certainlyRefused ||
    bodyCertainlyRefused(c.route, c.body) ||
    (gatewayForOther && c.route.path.startsWith('/episodes/{id}'))
  );
}

async function send(c: Case) {
  const path = c.route.path.replace(/\{(\w+)\}/g, (_, n: string) => c.params[n]!.segment) + c.query;
  const token = t.token(c.role, c.role === 'patient_gateway' && c.gatewayEpisode ? { episode: c.gatewayEpisode } : {});
  let req = t.http[c.route.method](path).set('Authorization', `Bearer ${token}`);
  if (c.headers.ifMatch !== undefined) req = req.set('If-Match', c.headers.ifMatch);
  if (c.headers.idempotencyKey !== undefined) req = req.set('Idempotency-Key', c.headers.idempotencyKey);
  if (c.headers.correlationId !== undefined) req = req.set('X-Correlation-Id', c.headers.correlationId);
  if (c.body.contentType !== undefined) req = req.set('Content-Type', c.body.contentType);
  if (c.body.contentEncoding !== undefined) req = req.set('Content-Encoding', c.body.contentEncoding);
  // A string goes on the wire as it is (superagent would JSON-encode a Buffer).
  return c.body.raw === undefined ? await req : await req.send(c.body.raw);
}

const describeCase = (c: Case) =>
  JSON.stringify({
    route: `${c.route.method.toUpperCase()} ${c.route.path}`,
    role: c.role,
    gatewayEpisode: c.gatewayEpisode,
    params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, v.segment.slice(0, 80)])),
    body: { ...c.body, raw: c.body.raw?.slice(0, 300) },
    headers: { ...c.headers, idempotencyKey: c.headers.idempotencyKey?.slice(0, 40) },
    query: c.query.slice(0, 100),
  });

const stats = { requests: 0, refusedCertainly: 0, success: 0, byStatus: new Map<number, number>(), codes: new Map<string, number>() };

async function checkCase(c: Case): Promise<void> {
  const before = await t.store.headPosition();
  const res = await send(c);
  const after = await t.store.headPosition();
  stats.requests++;
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  const sure = certainlyRefused(c);
  if (sure) stats.refusedCertainly++;
  const where = `${res.status} ${JSON.stringify(res.body).slice(0, 300)} for ${describeCase(c)}`;

  if (res.status >= 500) throw new Error(`5xx: ${where}`);
  if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== prototypeBaseline.join() || ({} as Record<string, unknown>).polluted !== undefined)
    throw new Error(`Object.prototype polluted by ${describeCase(c)}`);
  if (res.status >= 400) {
    const e = res.body?.error;
    if (!(e && typeof e.code === 'string' && typeof e.message === 'string' && Array.isArray(e.details)))
      throw new Error(`error body not in the contract's shape: ${where}`);
    stats.codes.set(e.code, (stats.codes.get(e.code) ?? 0) + 1);
    if (after !== before) throw new Error(`a refusal wrote events (${before} -> ${after}): ${where}`);
    return;
  }
  if (sure) throw new Error(`a certainly wrong request was accepted (${before} -> ${after}): ${where}`);
  stats.success++;
  if (res.status < 200 || res.status >= 300) throw new Error(`unexpected status: ${where}`);
  // A success may write nothing (an idempotent replay, settings that change nothing).
  if (after < before || !res.body || typeof res.body !== 'object') throw new Error(`unexpected success: ${where}`);
}

describe('fuzzing the write endpoints over HTTP', () => {
  it('covers every write route of API_ROUTES', () => {
    expect(WRITE_ROUTES.length).toBeGreaterThanOrEqual(15);
    for (const r of WRITE_ROUTES) for (const n of paramNames(r.path)) expect(() => pathValues(n)).not.toThrow();
  });

  it('hostile requests to any write route: never a 5xx, refusals in the contract shape, no write on refusal', async () => {
    const before = stats.refusedCertainly;
    await fc.assert(fc.asyncProperty(anyCase(), checkCase), { numRuns: NUM_RUNS });
    expect(stats.refusedCertainly - before).toBeGreaterThan(NUM_RUNS / 2);
  });

  it.each(WRITE_ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('hostile requests to %s', async (_name, route) => {
    await fc.assert(fc.asyncProperty(caseFor(route), checkCase), { numRuns: Math.max(10, Math.round(NUM_RUNS / 8)) });
  });

  it('well-formed requests with odd values reach the domain: never a 5xx, a refusal writes nothing', async () => {
    const successes = stats.success;
    await fc.assert(fc.asyncProperty(anyDomainCase(), checkCase), { numRuns: NUM_RUNS });
    // The domain answered: some requests succeeded, and domain rules refused others.
    expect(stats.success).toBeGreaterThan(successes);
    const edge = ['VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'REVISION_MISMATCH', 'IDEMPOTENCY_KEY_REUSED'];
    expect([...stats.codes.keys()].filter((code) => !edge.includes(code)).length).toBeGreaterThan(3);
  });

  afterAll(() => {
    if (process.env.FUZZ_STATS)
      console.info({ ...stats, byStatus: Object.fromEntries(stats.byStatus), codes: Object.fromEntries(stats.codes) });
  });
});
