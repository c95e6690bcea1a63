// One log line and one duration measurement per HTTP request, when its answer has left:
// method, route template (never the raw path: ids and numbers stay out), status, duration,
// the caller (user id, role, unit), the request id (X-Request-Id, echoed), and the command
// id and correlation id of the events the request appended. Mounted before the body parser,
// so refused bodies (400, 413) are logged and measured too.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Actor } from '../auth/actor';
import { redact } from '../http/redact';
import { instruments, secondsSince } from './instruments';
import { contextOf } from './request-context';
import { correlationAttribute } from './scrub';

const UNMATCHED = 'unmatched';
const PROBES = /^\/health(\/|$)/;
/** An incoming request id is kept when it is short, plain and names no one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Known methods as they are, any other as `_OTHER` (semantic conventions): a metric attribute stays small. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The path Nest mounts the logger's context middleware on: every route (and it is no route of the API). */
export const EVERY_PATH = '{*path}';

/** `/episodes/:id/messages`, or `unmatched` when no route answered (404, body refused before routing). */
export function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && !path.endsWith(EVERY_PATH) ? `${req.baseUrl ?? ''}${path}` : UNMATCHED;
}

function requestId(req: Request, res: Response): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) && redact(incoming) === incoming ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The fields of a request's line (beside `requestId`, bound by pino-http). */
export function requestLine(req: Request, res: Response, durationMs: number): Record<string, unknown> {
  const actor = (req as Request & { actor?: Actor }).actor;
  const context = contextOf(req);
  const correlationId = correlationAttribute(context?.correlationId);
  return {
    method: req.method,
    route: routeTemplate(req),
    status: res.statusCode,
    durationMs,
    ...(actor ? { userId: actor.id, role: actor.role, ...(actor.unitId ? { unitId: actor.unitId } : {}) } : {}),
    ...(context?.commandIds.length ? { commandId: context.commandIds[0] } : {}),
    ...(context && context.commandIds.length > 1 ? { commandIds: context.commandIds } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
}

export function requestLogging(logger: Logger): RequestHandler {
  const log = pinoHttp({
    logger,
    genReqId: requestId,
    customAttributeKeys: { reqId: 'requestId' },
    // Lines logged during the request carry only its id; the request's own line says the rest.
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : PROBES.test(routeTemplate(req as Request)) ? 'debug' : 'info',
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value: { responseTime?: number }) => requestLine(req as Request, res as Response, value.responseTime ?? 0),
    customErrorObject: (req, res, _error, value: { responseTime?: number }) => requestLine(req as Request, res as Response, value.responseTime ?? 0),
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      instruments().httpDuration.record(secondsSince(started), {
        'http.request.method': METHODS.has(req.method) ? req.method : '_OTHER',
        'http.route': routeTemplate(req),
        'http.response.status_code': res.statusCode,
      });
    });
    log(req, res, next);
  };
}
