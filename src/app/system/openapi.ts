// The OpenAPI 3.1 document, generated from the mounted routes (api-operation.ts) and their
// zod schemas through zod's own JSON Schema output, so what the document says is what the
// service validates and answers. Answer schemas are components; each operation
// lists only the statuses and error codes it can give, with an example of every body.
import { z } from 'zod';
import { ERROR_CODES, statusOf, type ErrorCode } from '../../domain/error-codes';
import { TAGS, routeName, type ApiRoute } from './api-operation';
import { exampleOf } from './schema-examples';
import { errorBody } from './system-answers';

type Json = Record<string, unknown>;

const SCHEMAS = '#/components/schemas/';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** zod's output, trimmed of what only repeats itself (format patterns, safe-integer bounds). */
const tidy =
  (io: 'input' | 'output') =>
  ({ jsonSchema }: { jsonSchema: Json }) => {
    if (jsonSchema.format === 'date-time' || jsonSchema.format === 'date' || jsonSchema.format === 'uuid') delete jsonSchema.pattern;
    if (jsonSchema.minimum === -MAX_SAFE) delete jsonSchema.minimum;
    if (jsonSchema.maximum === MAX_SAFE) delete jsonSchema.maximum;
    // Answers may grow new fields; requests refuse unknown ones.
    if (io === 'output' && jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
  };

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', override: tidy(io) }) as Json;
  delete out.$schema;
  return out;
}

function components(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => SCHEMAS + id, override: tidy(io) }) as { schemas: Record<string, Json> };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  return schemas;
}

/** The codes every route of a kind can give, beside its own. */
function errorCodesOf(route: ApiRoute): ErrorCode[] {
  const { spec } = route;
  const traits = new Set(spec.traits ?? []);
  const codes: ErrorCode[] = [];
  const takesInput = spec.body || spec.query || spec.params || spec.headers || traits.has('write') || (route.method !== 'get' && !spec.body);
  if (takesInput) codes.push('VALIDATION_FAILED');
  if (!route.isPublic) codes.push('UNAUTHENTICATED', 'FORBIDDEN');
  codes.push(...(spec.errors ?? []));
  if (traits.has('write')) codes.push('CONCURRENCY_CONFLICT', 'REVISION_MISMATCH', 'IDEMPOTENCY_KEY_REUSED', 'STORE_UNAVAILABLE');
  // Any body is read (and may be refused for its size) before the route sees it.
  if (route.method !== 'get') codes.push('PAYLOAD_TOO_LARGE');
  if (spec.body) codes.push('UNSUPPORTED_MEDIA_TYPE');
  if (route.rateLimited) codes.push('RATE_LIMITED');
  // A read waits for the projections to reach the store's head, which it asks the store.
  if (traits.has('projection')) codes.push('PROJECTION_BEHIND', 'STORE_UNAVAILABLE');
  if (traits.has('accessLogged')) codes.push('ACCESS_LOG_UNAVAILABLE');
  return [...new Set(codes)];
}

const MEANING = new Map(ERROR_CODES.map((e) => [e.code, e.meaning]));
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + '.';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad input; nothing was written',
  401: 'No valid bearer token',
  403: 'Not for this role or unit',
  404: 'Not found',
  409: 'Refused by a rule; nothing was written',
  412: 'The revision in If-Match is not the current one; nothing was written',
  413: 'The body is too large; nothing was written',
  415: 'The body is not UTF-8 JSON; nothing was written',
  422: 'A value is well-formed but not acceptable; nothing was written',
  429: 'Too many requests',
  503: 'Unavailable for now; retry',
};

const RESPONSE_HEADERS: Record<string, Json> = {
  ETag: { description: 'The revision the answer is at, quoted, e.g. `"3"`: send it as `If-Match` to write only on top of it.', schema: { type: 'string', example: '"3"' } },
  Location: { description: 'The new episode.', schema: { type: 'string', example: '/episodes/01KAX1Z3Q8M5N7P2R4S6T8V0WY' } },
  'Content-Disposition': { description: 'A file name for the CSV.', schema: { type: 'string', example: 'attachment; filename="ledger-SE2321000131-E001-2026-11-01-2026-11-30.csv"' } },
};

const WRITE_HEADERS: Json[] = [
  {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'A retry with the same key by the same user answers the first answer and writes nothing (docs/api.md).',
    schema: { type: 'string', minLength: 1, maxLength: 200, example: '6c1f0d2a-assign-19121212' },
  },
  {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'Write only if the stream is at this revision (from an ETag or a `revision`), else 412 REVISION_MISMATCH.',
    schema: { type: 'string', pattern: '^\\s*(W/)?"?-?\\d+"?\\s*$', example: '"3"' },
  },
];

function errorResponses(route: ApiRoute): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  const out: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const list = codes.map((c) => `\`${c}\`: ${MEANING.get(c)}`).join('; ');
    out[String(status)] = {
      description: `${STATUS_TEXT[status] ?? 'Refused'}. ${list}.`,
      ...(status === 429 ? { headers: { 'Retry-After': { description: 'Seconds until a request is accepted again.', schema: { type: 'integer', minimum: 1 } } } } : {}),
      content: {
        'application/json': {
          schema: jsonSchema(errorBody(codes as [ErrorCode, ...ErrorCode[]]), 'output'),
          example: { error: { code: codes[0], message: sentence(MEANING.get(codes[0]!) ?? 'refused'), details: [] } },
        },
      },
    };
  }
  return out;
}

function parameters(route: ApiRoute): Json[] {
  const { spec } = route;
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const schema = spec.params?.[name!];
    return { name, in: 'path', required: true, schema: schema ? jsonSchema(schema, 'input') : { type: 'string' } };
  });
  const query = Object.entries(spec.query?.shape ?? {}).map(([name, field]) => {
    const schema = jsonSchema(field as z.ZodType, 'input');
    const description = typeof schema.description === 'string' ? schema.description : undefined;
    return { name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema };
  });
  const headers = Object.entries(spec.headers ?? {}).map(([name, h]) => ({ name, in: 'header', required: false, description: h.description, schema: jsonSchema(h.schema, 'input') }));
  return [...path, ...query, ...headers, ...(spec.traits?.includes('write') ? WRITE_HEADERS : [])];
}

function whoMayCall(route: ApiRoute): string {
  if (route.isPublic) return 'Anyone: no token needed.';
  return `Who may call it: ${route.roles.map((r) => `\`${r}\``).join(', ')}.`;
}

export interface DocumentInfo {
  readonly version: string;
}

export function buildOpenApi(routes: readonly ApiRoute[], info: DocumentInfo): Json {
  const outputs = z.registry<{ id: string }>();
  const seenIds = new Set<string>();
  const register = (registry: typeof outputs, schema: z.ZodType, id: string) => {
    const existing = registry.get(schema)?.id;
    if (existing) return existing;
    if (seenIds.has(id)) throw new Error(`Two schemas are published as ${id}`);
    seenIds.add(id);
    registry.add(schema, { id });
    return id;
  };
  const operationIds = new Set<string>();
  const pending: { route: ApiRoute; answerIds: Record<string, string> }[] = [];
  for (const route of routes) {
    const { spec } = route;
    if (operationIds.has(spec.operationId)) throw new Error(`Duplicate operationId ${spec.operationId} (${routeName(route)})`);
    operationIds.add(spec.operationId);
    const answerIds: Record<string, string> = { [spec.answer.mediaType ?? 'application/json']: register(outputs, spec.answer.schema, spec.answer.name) };
    for (const alt of spec.alternatives ?? []) answerIds[alt.mediaType] = register(outputs, alt.schema, `${spec.answer.name}${alt.mediaType === 'text/csv' ? 'Csv' : 'Text'}`);
    pending.push({ route, answerIds });
  }
  const schemas = components(outputs, 'output');
  const example = (id: string) => exampleOf(schemas[id], schemas);

  const paths: Record<string, Record<string, Json>> = {};
  for (const { route, answerIds } of pending) {
    const { spec } = route;
    const content: Record<string, Json> = {};
    for (const [mediaType, id] of Object.entries(answerIds))
      content[mediaType] = { schema: { $ref: SCHEMAS + id }, example: mediaType === (spec.answer.mediaType ?? 'application/json') && spec.answer.example !== undefined ? spec.answer.example : example(id) };
    const headers = Object.fromEntries((spec.answerHeaders ?? []).map((h) => [h, RESPONSE_HEADERS[h]]));
    const alternatives = (spec.alternatives ?? []).map((a) => ` With \`Accept: ${a.mediaType}\`: ${a.description}`).join('');
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      operationId: spec.operationId,
      summary: spec.summary,
      description: `${spec.description}\n\n${whoMayCall(route)}`,
      tags: [spec.tag],
      security: route.isPublic ? [] : [{ bearer: [] }],
      parameters: parameters(route),
      // Request bodies inline: each is its route's own.
      ...(spec.body
        ? {
            requestBody: {
              required: spec.body.required,
              ...(spec.body.description ? { description: spec.body.description } : {}),
              content: { 'application/json': { schema: jsonSchema(spec.body.schema, 'input'), example: spec.body.example } },
            },
          }
        : {}),
      responses: {
        [String(route.status)]: {
          description: (spec.answer.description ?? 'OK.') + alternatives,
          ...(Object.keys(headers).length ? { headers } : {}),
          content,
        },
        ...errorResponses(route),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Digital Artrosskola core API',
      version: info.version,
      description:
        'The event-sourced core of the Digital Artrosskola (digital osteoarthritis school) in 1177 Stöd och behandling. ' +
        'Every error answers `{ "error": { "code", "message", "details" } }`; docs/api.md lists what each code means and how an integrator starts.',
      contact: { name: 'Digital Artrosskola core team', url: 'https://github.com/digital-artrosskola/core', email: 'artrosskola-core@example.se' },
      license: { name: 'UNLICENSED (internal to the region)', identifier: 'LicenseRef-UNLICENSED' },
    },
    servers: [{ url: '/', description: 'This service (locally `npm start`: http://127.0.0.1:3000)' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT with `sub`, `role` and (for unit staff) `unit`; locally `npm run token -- --role therapist`.',
        },
      },
    },
  };
}
