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
// write) or succeed (2xx).
import fc from 'fast-check';
import type { z } from 'zod';
import { ulid } from 'ulid';
import { API_ROUTES, type RouteDoc } from '../../src/app/system/api-routes';
import { catalogue } from '../../src/domain/reference/catalogue';
import { OTHER_UNIT, startApp, THERAPIST, THERAPIST_2, UNIT, type TestApp } from '../e2e/harness';

const WRITE_ROUTES = API_ROUTES.filter((r) => r.method !== 'get');
/** What src/app/http/request.ts accepts as If-Match. */
const IF_MATCH_RE = /^\s*(?:W\/)?"?(-?\d+)"?\s*$/;
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 400);

let t: TestApp;
let episodeId: string;
let conversationId: string;
let messageId: string;
let noticeId: string;
const prototypeBaseline = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  t = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
  const th = t.auth('therapist');
  const assigned = await t.http.post('/episodes').set(th).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
  expect(assigned.status).toBe(201);
  episodeId = assigned.body.episodeId;
  expect((await t.http.post(`/episodes/${episodeId}/activity-plan`).set(th).send({})).status).toBe(200);
  const sent = await t.http.post(`/episodes/${episodeId}/messages`).set(th).send({ text: 'Hej! Hur går träningen?' });
  expect(sent.status).toBe(201);
  conversationId = sent.body.conversationId;
  messageId = sent.body.messageId;
  const from = new Date(Date.now() + 86_400_000).toISOString();
  const to = new Date(Date.now() + 5 * 86_400_000).toISOString();
  const notice = await t.http.post(`/units/${UNIT}/absence-notices`).set(t.auth('unit_admin')).send({ from, to, text: 'Semester' });
  expect(notice.status).toBe(201);
  noticeId = notice.body.noticeId ?? notice.body.data?.noticeId;
  expect(typeof noticeId).toBe('string');
});
afterAll(async () => t?.stop());

// ---------------------------------------------------------------- values

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  '\u202e\u0000abc',
  '\ud800',
  '\udfff\ud800',
  '🙂👩‍⚕️',
  'Å'.repeat(300),
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '${jndi:ldap://x}',
  '{{7*7}}',
  '19121212-1212',
  '19121212-1213',
  '0'.repeat(12),
  '9999-99-99',
  '2026-02-30',
  '2026-13-01T25:61:00Z',
  '0000-01-01T00:00:00+14:00',
  'x'.repeat(201),
  'y'.repeat(10_001),
  'z'.repeat(20_001),
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.integer({ min: 150_000, max: 300_000 }).map((n) => 'h'.repeat(n)), weight: 1 },
);

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

const stockholmDate = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });

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
    ulid(),
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
    new Date().toISOString(),
    new Date(Date.now() + 3_600_000).toISOString(),
    '16:00',
    'Ont i knät efter promenaden.',
  );

/** Any JSON-ish junk, with keys that attack prototypes. */
const junk: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'toString')),
  values: [fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 20 }), fc.constant(null), hostileString],
});

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: ZodDef } })._zod.def;

/** Strings that satisfy most schemas but are odd: what reaches the domain in "domain" mode. */
const oddButWellFormed = fc.constantFrom(
  '🙂👩‍⚕️',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '../../../../etc/passwd',
  '\u202eevil',
  'Å'.repeat(300),
  '__proto__',
  'constructor',
  '19121212-1212',
  '\ud800',
  '   padded   ',
  'Ünïcödé ß ø 中文 العربية',
);

interface ShapeOptions {
  /** Enum values never to generate (EndEpisode's outcomes: the episode keeps running). */
  readonly excludeEnum: readonly string[];
  /** "hostile": junk may replace any node and strings are hostile; "domain": well-typed values. */
  readonly mode: 'hostile' | 'domain';
}

/**
 * A value shaped like the schema (field names, enums, nesting) with plausible, odd or
 * hostile leaves; in hostile mode junk now and then replaces any node.
 */
function shaped(schema: z.ZodType, o: ShapeOptions): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const hostile = o.mode === 'hostile';
  let inner: fc.Arbitrary<unknown>;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
      inner = fc.oneof({ arbitrary: shaped(def.innerType!, o), weight: 4 }, { arbitrary: fc.constant(null), weight: 1 });
      break;
    case 'object': {
      const shape = def.shape ?? {};
      const keys = Object.keys(shape);
      inner = fc.record(Object.fromEntries(keys.map((k) => [k, shaped(shape[k]!, o)])), {
        requiredKeys: keys.filter((k) => !['optional', 'default', 'prefault'].includes(defOf(shape[k]!).type)),
      });
      break;
    }
    case 'string':
      inner = hostile
        ? fc.oneof(plausibleString(), hostileString)
        : fc.oneof({ arbitrary: plausibleString(), weight: 5 }, { arbitrary: oddButWellFormed, weight: 2 }, { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 1 });
      break;
    case 'number':
      inner = hostile
        ? fc.oneof(fc.integer({ min: -3, max: 120 }), fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1e308, -1e308, 0.5, Number.MAX_SAFE_INTEGER + 2))
        : fc.oneof(fc.integer({ min: 0, max: 14 }), fc.constantFrom(-1, 0.5, 100, 200));
      break;
    case 'boolean':
      inner = fc.boolean();
      break;
    case 'enum': {
      const options = Object.values(def.entries ?? {}).filter((v) => !o.excludeEnum.includes(v));
      inner = options.length ? fc.oneof({ arbitrary: fc.constantFrom(...options), weight: 3 }, { arbitrary: hostile ? hostileString : oddButWellFormed, weight: 1 }) : hostileString;
      break;
    }
    case 'literal':
      inner = fc.constantFrom(...(def.values ?? [null]));
      break;
    case 'array':
      inner = fc.array(shaped(def.element!, o), { minLength: hostile ? 0 : 1, maxLength: 4 });
      break;
    case 'record':
      inner = fc.dictionary(hostile ? fc.oneof(plausibleString(), hostileString) : plausibleString(), shaped(def.valueType!, o), { maxKeys: 4 });
      break;
    case 'union':
      inner = fc.oneof(...(def.options ?? []).map((x) => shaped(x, o)));
      break;
    default:
      inner = junk;
  }
  return hostile ? fc.oneof({ arbitrary: inner, weight: 9 }, { arbitrary: junk, weight: 1 }) : inner;
}

/** A JSON text that defines own "__proto__" / "constructor" keys (JSON.stringify cannot). */
const pollutingText = (base: unknown): fc.Arbitrary<string> =>
  fc
    .constantFrom(
      '"__proto__":{"polluted":"yes","isAdmin":true}',
      '"constructor":{"prototype":{"polluted":"yes"}}',
      '"__proto__":{"__proto__":{"polluted":"yes"}}',
      '"__proto__":[1,2,3]',
      '"__proto__":null',
    )
    .map((evil) => {
      const text = JSON.stringify(base && typeof base === 'object' && !Array.isArray(base) ? base : {});
      return text === '{}' ? `{${evil}}` : `{${evil},${text.slice(1)}`;
    });

const deepNesting = fc.tuple(fc.integer({ min: 50, max: 4000 }), fc.boolean()).map(([depth, arrays]) =>
  arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
);

interface BodySpec {
  readonly kind: string;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** undefined: no body at all. */
  readonly raw?: string;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'Application/JSON'];
const NON_JSON_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', 'application/octet-stream', 'application/jsonx', 'json'];

function bodySpec(schema: z.ZodType | undefined, excludeEnum: readonly string[]): fc.Arbitrary<BodySpec> {
  const value = schema ? shaped(schema, { excludeEnum, mode: 'hostile' }) : junk;
  const jsonType = fc.constantFrom(...JSON_TYPES);
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ v: value, ct: jsonType }).map(({ v, ct }) => ({ kind: 'shaped', contentType: ct, raw: JSON.stringify(v) })) },
    { weight: 3, arbitrary: fc.record({ v: junk, ct: jsonType }).map(({ v, ct }) => ({ kind: 'junk', contentType: ct, raw: JSON.stringify(v) })) },
    { weight: 2, arbitrary: value.chain(pollutingText).map((raw) => ({ kind: 'polluting', contentType: 'application/json', raw })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom('{', '}', '{"a":}', '{"a":1,}', "{'a':1}", 'nul', 'true', '1', '"text"', '[1,2', '{"a":1}{"b":2}', '\u0000', '﻿{"a":1}', '{"a":"\\ud800"}', '{"a":"\\u00"}'),
          fc.string({ maxLength: 60 }),
          deepNesting,
        )
        .map((raw) => ({ kind: 'raw-json', contentType: 'application/json', raw })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'empty-json', contentType: 'application/json', raw: '' }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'no-body' }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ ct: fc.constantFrom(...NON_JSON_TYPES), v: value })
        .map(({ ct, v }) => ({ kind: 'non-json-type', contentType: ct, raw: ct.startsWith('application/x-www') ? 'personnummer=19121212-1212&a[__proto__][x]=1' : JSON.stringify(v) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          v: value,
          ct: fc.constantFrom('application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=ebcdic', 'application/json', 'application/json; charset="utf-8"'),
          enc: fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'x-unknown', 'identity'),
        })
        .map(({ v, ct, enc }) => ({ kind: 'encoding', contentType: ct, contentEncoding: enc, raw: JSON.stringify(v) })),
    },
  );
}

/** Top-level nulls count as absent (src/app/http/request.ts). */
const withoutNulls = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));

/**
 * Whether the server certainly refuses this body: what body-parser gives the controller
 * (undefined for no body or another content type, {} for an empty JSON body), checked by
 * the route's own schema. An activity plan's missing body counts as {}.
 */
function bodyCertainlyRefused(route: RouteDoc, spec: BodySpec): boolean {
  if (!route.body) return false;
  const optional = route.path.endsWith('/activity-plan');
  let seen: unknown;
  if (spec.raw === undefined) seen = undefined;
  else {
    const ct = (spec.contentType ?? '').toLowerCase();
    const mediaType = ct.split(';')[0]!.trim();
    const isJson = mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
    if (!isJson) seen = undefined;
    else {
      const charset = /charset="?([^";]+)"?/.exec(ct)?.[1];
      const encoding = spec.contentEncoding?.toLowerCase();
      if ((charset && charset !== 'utf-8') || (encoding && encoding !== 'identity')) return true; // 415 or undecodable
      if (spec.raw.trim() === '' && spec.raw.length > 0) return true;
      if (spec.raw === '') seen = {};
      else {
        const first = spec.raw.trimStart()[0];
        if (first !== '{' && first !== '[') return true; // strict JSON: objects and arrays only
        try {
          seen = JSON.parse(spec.raw);
        } catch {
          return true;
        }
      }
    }
  }
  if (seen === undefined && optional) seen = {};
  if (seen === null || typeof seen !== 'object' || Array.isArray(seen)) return true;
  return !route.body.safeParse(withoutNulls(seen as Record<string, unknown>)).success;
}

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
          fc.constant(null).map(() => ulid()),
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
    gatewayEpisode: fc.oneof(fc.constant(undefined), fc.constant(null).map(() => episodeId), fc.constant(null).map(() => ulid())),
    params: fc.record(Object.fromEntries(names.map((n) => [n, pathValues(n)]))) as fc.Arbitrary<Record<string, PathValue>>,
    body: bodySpec(route.body, excludedEnums(route)),
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
    ? shaped(route.body, { excludeEnum: excludedEnums(route), mode: 'domain' }).map((v) => ({ kind: 'domain', contentType: 'application/json', raw: JSON.stringify(v) }))
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
        { weight: 1, arbitrary: fc.constant(null).map(() => `domain-${ulid()}`) },
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
