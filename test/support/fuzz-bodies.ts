// Request bodies for fuzzing the write endpoints (test/security/write-fuzz.test.ts): hostile
// strings and JSON junk with prototype-attacking keys, values shaped like a route's zod
// schema (field names, enums, nesting) with plausible, odd or hostile leaves, raw texts that
// are not JSON or not UTF-8, and the oracle for a body the server certainly refuses.
import fc from 'fast-check';
import type { z } from 'zod';
import type { RouteDoc } from '../../src/app/system/api-routes';

export const HOSTILE_STRINGS = [
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

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.integer({ min: 150_000, max: 300_000 }).map((n) => 'h'.repeat(n)), weight: 1 },
);

/** Any JSON-ish junk, with keys that attack prototypes. */
export const junk: fc.Arbitrary<unknown> = fc.anything({
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

export interface ShapeOptions {
  /** Enum values never to generate (EndEpisode's outcomes: the episode keeps running). */
  readonly excludeEnum: readonly string[];
  /** "hostile": junk may replace any node and strings are hostile; "domain": well-typed values. */
  readonly mode: 'hostile' | 'domain';
  /** Strings the domain knows (ids of the fuzz's episode, catalogue ids, dates), so that valid bodies go deep. */
  readonly plausible: fc.Arbitrary<string>;
}

/**
 * A value shaped like the schema (field names, enums, nesting) with plausible, odd or
 * hostile leaves; in hostile mode junk now and then replaces any node.
 */
export function shaped(schema: z.ZodType, o: ShapeOptions): fc.Arbitrary<unknown> {
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
        ? fc.oneof(o.plausible, hostileString)
        : fc.oneof({ arbitrary: o.plausible, weight: 5 }, { arbitrary: oddButWellFormed, weight: 2 }, { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 1 });
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
      inner = fc.dictionary(hostile ? fc.oneof(o.plausible, hostileString) : o.plausible, shaped(def.valueType!, o), { maxKeys: 4 });
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

export interface BodySpec {
  readonly kind: string;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** undefined: no body at all. */
  readonly raw?: string;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'Application/JSON'];
const NON_JSON_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', 'application/octet-stream', 'application/jsonx', 'json'];

/** A hostile body for a route with this schema (or none): shaped, junk, polluting, broken JSON, other types and encodings. */
export function bodySpec(schema: z.ZodType | undefined, o: Omit<ShapeOptions, 'mode'>): fc.Arbitrary<BodySpec> {
  const value = schema ? shaped(schema, { ...o, mode: 'hostile' }) : junk;
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
export function bodyCertainlyRefused(route: RouteDoc, spec: BodySpec): boolean {
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
