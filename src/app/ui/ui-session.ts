// Who is looking at a page: the session cookie that sign-in sets, or the same
// `Authorization: Bearer` header as the API (a portal or proxy in front). The cookie is
// HttpOnly (no script reads it), Secure, SameSite=Strict and scoped to /ui, so the API never
// sees it and no other site can make the browser send it. Forms that change something
// (sign-in, sign-out) and the searches by personnummer are POSTs, accepted only when the
// browser says they come from this origin (Origin, or Referer when a browser leaves it out).
import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import express from 'express';
import jwt from 'jsonwebtoken';
import type { ActorRole } from '../../domain/episode/commands';
import type { Actor } from '../auth/actor';
import { ROLES_KEY } from '../auth/roles.decorator';
import { TokenVerifier } from '../auth/token-verifier';
import { ApiError, forbidden, unauthenticated } from '../http/api-error';

export const SESSION_COOKIE = 'das_session';
const COOKIE_PATH = '/ui';
const OPEN_KEY = 'ui-open';

/** A page anyone may open (sign-in, the stylesheet and scripts). */
export const OpenPage = () => SetMetadata(OPEN_KEY, true);

export function cookieOf(req: Request, name = SESSION_COOKIE): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const bearerOf = (req: Request): string | undefined => {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
};

/** The session lasts as long as the token it holds (at most 12 hours). */
export function setSession(res: Response, token: string): void {
  const exp = (jwt.decode(token) as { exp?: number } | null)?.exp;
  const seconds = exp ? Math.max(0, Math.min(12 * 3600, Math.floor(exp - Date.now() / 1000))) : 12 * 3600;
  res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=${COOKIE_PATH}; Max-Age=${seconds}; HttpOnly; Secure; SameSite=Strict`);
}

export function clearSession(res: Response): void {
  res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Strict`);
}

/**
 * The host the browser says the form came from (Origin, else Referer). Compared by host, not
 * scheme: behind a TLS-terminating proxy the service itself sees plain HTTP.
 */
function sourceHost(req: Request): string | undefined {
  const origin = req.headers.origin;
  const source = typeof origin === 'string' && origin !== 'null' ? origin : req.headers.referer;
  if (typeof source !== 'string') return undefined;
  try {
    return new URL(source).host;
  } catch {
    return undefined;
  }
}

/** CSRF: a form POST must come from a page of this service. */
export function assertSameOrigin(req: Request): void {
  const host = req.headers.host;
  if (!host || sourceHost(req) !== host) throw forbidden('The form was not sent from this service (Origin check).');
}

/** Parses an HTML form body (application/x-www-form-urlencoded, at most 16 kB). */
export async function readForm(req: Request, res: Response): Promise<Record<string, string>> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'A form must be sent as application/x-www-form-urlencoded.');
  await new Promise<void>((resolve, reject) => express.urlencoded({ extended: false, limit: '16kb' })(req, res, (e?: unknown) => (e ? reject(e) : resolve())));
  const body = (req.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * Authenticates page requests (the API's own guard lets /ui through as public) and checks
 * the page's roles, declared with the API's @Roles: 401 (sent to sign-in by the page error
 * filter), 403 for a role that may not see the page.
 */
@Injectable()
export class UiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    if (req.method === 'POST') assertSameOrigin(req);
    if (this.reflector.getAllAndOverride<boolean>(OPEN_KEY, targets)) return true;
    const token = bearerOf(req) ?? cookieOf(req);
    if (!token) throw unauthenticated('Sign in to see this page.');
    const actor = await this.verifier.verify(token);
    if (!actor) throw unauthenticated('The session has expired or is invalid; sign in again.');
    req.actor = actor;
    const roles = this.reflector.getAllAndOverride<ActorRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(actor.role)) throw forbidden(`The role ${actor.role} may not see this page.`);
    return true;
  }
}
