// Errors on a page answer as a page: no session sends the browser to sign-in (303, with
// where it was going), a role that may not see the page gets 403, another unit's episode
// 404, bad input 400/422, each in words. The code and status are the API's (toApiError).
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../auth/actor';
import { toApiError } from '../http/error.filter';
import { redact } from '../http/redact';
import { clearSession, cookieOf } from './ui-session';
import { UiRenderer } from './ui-views';

const HEADINGS: Readonly<Record<number, string>> = {
  400: 'Uppgifterna kunde inte användas',
  403: 'Du har inte behörighet till sidan',
  404: 'Sidan eller momentet finns inte',
  415: 'Formuläret kunde inte läsas',
  422: 'Uppgiften godtas inte',
  429: 'För många förfrågningar',
  503: 'Tjänsten är inte tillgänglig just nu',
};

const EXPLANATIONS: Readonly<Record<number, string>> = {
  403: 'Din roll eller enhet får inte se det här. Det är samma regel som i tjänstens API.',
  404: 'Det finns inget sådant moment, eller så hör det till en annan enhet.',
  503: 'Försök igen om en stund.',
};

/** Only a path of these pages may be the place to return to after sign-in. */
export const safeNext = (next: unknown): string | undefined =>
  typeof next === 'string' && /^\/ui(\/[\w\-./%?=&]*)?$/.test(next) && !next.startsWith('/ui/sign-') ? next : undefined;

@Catch()
export class UiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('UI');

  constructor(private readonly renderer: UiRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const res = host.switchToHttp().getResponse<Response>();
    const error = toApiError(exception);
    if (error.status >= 500) {
      const name = exception instanceof Error ? `${exception.name}: ${exception.message}` : 'non-error thrown';
      this.logger.error(redact(`${req.method} ${(req.route as { path?: string } | undefined)?.path ?? '(page)'} -> ${error.status} ${error.code} (${name})`));
    }
    if (res.headersSent) return;
    if (error.status === 401) {
      if (cookieOf(req) !== undefined) clearSession(res);
      const next = req.method === 'GET' ? safeNext(req.originalUrl) : undefined;
      res.redirect(303, next ? `/ui/sign-in?next=${encodeURIComponent(next)}` : '/ui/sign-in');
      return;
    }
    this.renderer.send(
      res,
      'error.njk',
      {
        path: req.path,
        actor: req.actor,
        status: error.status,
        title: HEADINGS[error.status] ?? (error.status >= 500 ? 'Något gick fel' : 'Förfrågan kunde inte utföras'),
        explanation: EXPLANATIONS[error.status] ?? '',
        code: error.code,
        message: error.status >= 500 ? '' : error.message,
        details: error.status >= 500 ? [] : error.details,
      },
      error.status,
    );
  }
}
