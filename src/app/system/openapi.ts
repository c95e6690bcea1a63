// The OpenAPI 3.1 document, generated from the route table and the zod schemas that
// validate requests (zod 4's JSON Schema output), so the document cannot drift from them.
import { z } from 'zod';
import type { RouteDoc } from './api-routes';

const ErrorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: {} } },
    },
  },
};

const WriteAnswer = {
  type: 'object',
  required: ['revision', 'position'],
  properties: {
    episodeId: { type: 'string' },
    revision: { type: 'integer', description: "The stream's revision after the write" },
    position: { type: 'string', description: 'Global log position of the last event written' },
  },
  additionalProperties: true,
};

function jsonSchema(schema: z.ZodType): unknown {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

export function buildOpenApi(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = r.querySchema
      ? Object.entries(r.querySchema.shape).map(([name, field]) => ({ name, in: 'query', required: false, schema: jsonSchema(field as z.ZodType) }))
      : Object.entries(r.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, schema: { type: 'string' }, description }));
    const headers =
      r.method === 'get'
        ? [
            ...queryParams.filter((p) => p.name !== 'after'),
            { name: 'after', in: 'query', required: false, schema: { type: 'string' }, description: 'Wait (up to 5 s) until the projections reached this position; else 503 PROJECTION_BEHIND' },
          ]
        : [
            { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } },
            { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'Expected revision, e.g. "3"' },
          ];
    const responses: Record<string, unknown> = {
      [String(r.status)]: {
        description: 'OK',
        content: {
          'application/json': { schema: r.method === 'get' ? {} : WriteAnswer },
          ...Object.fromEntries((r.produces ?? []).map((type) => [type, { schema: { type: 'string' } }])),
        },
      },
    };
    const errors = r.roles.length === 0 ? [] : ['400', '401', '403', '404', '409', '412', '422', '503'];
    for (const code of errors) responses[code] = { description: code, content: { 'application/json': { schema: ErrorBody } } };
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      tags: [r.tag],
      description: r.roles.length ? `Roles: ${r.roles.join(', ')}` : 'Public',
      ...(r.roles.length ? { security: [{ bearer: [] }] } : {}),
      parameters: [...params, ...headers],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Digital Artrosskola core API', version, description: 'Event-sourced core for the Digital Artrosskola in 1177 Stöd och behandling.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
