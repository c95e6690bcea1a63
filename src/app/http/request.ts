// Reading a request at the edge: body and query through zod (400 with field details),
// If-Match, Idempotency-Key and correlation headers. Nothing is written before this passes.
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { z } from 'zod';
import { ApiError, validationFailed } from './api-error';
import type { WriteOptions } from '../episodes/episode-commands.service';

/** Top-level nulls count as absent, so `{ "welcomeText": null }` means "use the default". */
function withoutNulls(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ApiError(400, 'VALIDATION_FAILED', 'The request body must be a JSON object.', [{ path: 'body', problem: 'expected a JSON object' }]);
  const parsed = schema.safeParse(withoutNulls(body));
  if (!parsed.success) throw validationFailed(parsed.error, 'body');
  return parsed.data;
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
