// Reading a request at the edge: body and query through zod (400 with field details),
// If-Match, Idempotency-Key and correlation headers. Nothing is written before this passes.
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { z } from 'zod';
import { ApiError, validationFailed } from './api-error';
import type { WriteOptions } from '../episodes/episode-commands.service';

/** Top-level nulls count as absent, so `{ "welcomeText": null }` means "use the default". */
function withoutNulls(body: object): object {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
}

/** Whether the request carries a body at all (RFC 9112: a length above zero, or chunks). */
export const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json$/i;
const isJson = (req: Request) => JSON_MEDIA.test(String(req.headers['content-type'] ?? '').split(';')[0]!.trim());

const what = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? `${v}` : typeof v);

const notAnObject = (problem: string) =>
  new ApiError(400, 'VALIDATION_FAILED', `The request body must be a JSON object, ${problem}.`, [{ path: 'body', problem: `expected a JSON object, ${problem}` }]);

/**
 * The JSON body checked by `schema`. A body in another media type is 415; no body at all is
 * refused, unless the route's body is optional (`{ optional: true }`: all defaults).
 */
export function parseBody<S extends z.ZodType>(schema: S, req: Request, options: { readonly optional?: boolean } = {}): z.infer<S> {
  if (hasBody(req) && !isJson(req))
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json (UTF-8).', [{ path: 'header.Content-Type', problem: 'expected application/json' }]);
  const body: unknown = req.body ?? (options.optional ? {} : undefined);
  if (body === undefined) throw notAnObject('and none was sent');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw notAnObject(`not ${what(body)}`);
  const parsed = schema.safeParse(withoutNulls(body));
  if (!parsed.success) throw validationFailed(parsed.error, 'body');
  return parsed.data;
}

/** Routes that take no body refuse one, so a misdirected request writes nothing. */
export function refuseBody(req: Request): void {
  if (hasBody(req)) throw new ApiError(400, 'VALIDATION_FAILED', 'This request takes no body.', [{ path: 'body', problem: 'no body expected' }]);
}

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw validationFailed(parsed.error, 'query');
  return parsed.data;
}

const headerValue = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function writeOptions(req: Request): WriteOptions {
  const key = headerValue(req, 'idempotency-key');
  if (key !== undefined && (key.length === 0 || key.length > 200))
    throw new ApiError(400, 'VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 characters.', [{ path: 'header.Idempotency-Key', problem: 'length' }]);
  const ifMatchRaw = headerValue(req, 'if-match');
  let ifMatch: number | undefined;
  if (ifMatchRaw !== undefined) {
    const m = /^\s*(?:W\/)?"?(-?\d+)"?\s*$/.exec(ifMatchRaw);
    if (!m) throw new ApiError(400, 'VALIDATION_FAILED', 'If-Match must name a revision, e.g. "3".', [{ path: 'header.If-Match', problem: 'not a revision' }]);
    ifMatch = Number(m[1]);
  }
  const correlation = headerValue(req, 'x-correlation-id');
  const requestHash = key
    ? createHash('sha256').update(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`).digest('hex')
    : undefined;
  return {
    ...(ifMatch !== undefined ? { ifMatch } : {}),
    ...(key ? { idempotencyKey: key, requestHash } : {}),
    ...(correlation && correlation.length <= 200 ? { correlationId: correlation } : {}),
  };
}

/** Episode ids are ULIDs; anything else cannot name an episode. */
export const EPISODE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
