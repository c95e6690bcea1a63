// Every answer checked against the OpenAPI document the service serves: the operation and
// the status must be declared, and the body must match the declared schema of its media
// type, with no field the schema does not name (objects are closed here, though the
// published answers stay open to new fields). Suites opt in by wrapping their supertest
// agent: `const http = validated(t, new ResponseValidator(await documentOf(t)))`, or any
// agent with `validating(request(server), validator)`.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type request from 'supertest';
import type { Response } from 'supertest';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy in which every object schema that does not say otherwise takes no unnamed field. */
function closed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closed);
  if (!isObject(value)) return value;
  const out: Json = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : closed(v)]));
  if (isObject(out.properties) && out.additionalProperties === undefined && out.unevaluatedProperties === undefined) out.unevaluatedProperties = false;
  return out;
}

const pointer = (...segments: string[]) => segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

export interface Checked {
  readonly operationId: string;
  readonly status: number;
}

export class ResponseValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { readonly path: string; readonly pattern: RegExp }[];
  /** Every operation and status answered so far. */
  readonly seen: Checked[] = [];

  constructor(readonly document: Json) {
    addFormats(this.ajv);
    const doc = closed(document) as Json;
    this.ajv.addSchema(doc, 'openapi.json');
    this.paths = doc.paths as Record<string, Record<string, Json>>;
    this.templates = Object.keys(this.paths).map((path) => ({ path, pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`) }));
  }

  private readonly paths: Record<string, Record<string, Json>>;

  /** What is wrong with this answer to `method url` (empty when nothing is). */
  problems(method: string, url: string, res: Pick<Response, 'status' | 'headers' | 'body' | 'text'>): string[] {
    const path = new URL(url, 'http://localhost').pathname;
    const template = this.templates.find((t) => t.pattern.test(path))?.path;
    const m = method.toLowerCase();
    const operation = template ? this.paths[template]?.[m] : undefined;
    const where = `${method.toUpperCase()} ${url} -> ${res.status}`;
    // The pages (/ui) and the docs page (/docs) are HTML for people, not operations of the API.
    if (/^\/(ui|docs)(\/|$)/.test(path)) return [];
    if (!template || !operation) return res.status === 404 ? [] : [`${where}: no such operation in the document`];
    const response = (operation.responses as Json)[String(res.status)] as Json | undefined;
    if (!response) return [`${where}: status ${res.status} is not declared for ${String(operation.operationId)}`];
    this.seen.push({ operationId: String(operation.operationId), status: res.status });
    const content = (response.content ?? {}) as Json;
    const mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!content[mediaType]) return [`${where}: content type ${mediaType || '(none)'} is not declared (${Object.keys(content).join(', ')})`];
    const key = `${template} ${m} ${res.status} ${mediaType}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json#/${pointer('paths', template, m, 'responses', String(res.status), 'content', mediaType, 'schema')}` });
      this.compiled.set(key, validate);
    }
    const body = mediaType === 'application/json' ? res.body : res.text;
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 8).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** A validator for a schema inside a component, e.g. ('FeedPage', 'properties', 'events', 'items'). */
  component(name: string, ...path: string[]): ValidateFunction {
    return this.ajv.compile({ $ref: `openapi.json#/${pointer('components', 'schemas', name, ...path)}` });
  }

  assertValid(method: string, url: string, res: Response): void {
    const problems = this.problems(method, url, res);
    if (problems.length > 0) throw new Error(`The answer does not match the OpenAPI document:\n${problems.join('\n')}\nbody: ${JSON.stringify(res.body).slice(0, 600)}`);
  }
}

/** The document the app serves. */
export async function documentOf(t: { readonly http: Agent }): Promise<Json> {
  const res = await t.http.get('/openapi.json');
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  return res.body as Json;
}

type Agent = ReturnType<typeof request>;
const METHODS = new Set(['get', 'post', 'put', 'delete', 'patch']);

/** The app's supertest agent with every answer checked against the document. */
export const validated = (t: { readonly http: Agent }, validator: ResponseValidator): Agent => validating(t.http, validator);

/** Any supertest agent (`request(server)`) with every answer checked against the document. */
export function validating(agent: Agent, validator: ResponseValidator): Agent {
  return new Proxy(agent, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof name !== 'string' || !METHODS.has(name) || typeof value !== 'function') return value;
      return (url: string) => (value as (u: string) => ReturnType<Agent['get']>).call(target, url).expect((res: Response) => validator.assertValid(name, url, res));
    },
  });
}
