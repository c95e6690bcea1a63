// Per-user rate limit (429 RATE_LIMITED with Retry-After), on @nestjs/throttler.
//
// - One budget per caller across all routes: RATE_LIMIT_PER_MINUTE requests in any sliding
//   60-second window (the throttler's in-memory store keeps each hit's expiry and sweeps idle
//   callers every minute). 0 switches the limit off.
// - The caller is the authenticated user (role and `sub`; a patient_gateway token that names
//   an episode gets its own budget per episode), so this guard is registered after the
//   AuthGuard (APP_GUARD order in app.module.ts). Public routes (OpenAPI, docs) are counted
//   by client IP. The health routes are not counted at all (@SkipThrottle on the
//   HealthController): an orchestrator probes them every few seconds from one address.
//   Requests refused before the guards (401, 403, 404 no route, 413, malformed JSON) are not
//   counted.
// - In-process: several instances of the service each enforce their own limit, so a caller
//   spread over N instances gets up to N times the limit. Behind a proxy every public-route
//   caller shares the proxy's IP (Express's `trust proxy` is not set).
// - The ThrottlerException (an HttpException with status 429) reaches the global ErrorFilter,
//   which answers { error: { code: 'RATE_LIMITED', message, details: [] } }.
import { Injectable, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config';
import type { Actor } from '../auth/actor';

export const RATE_LIMIT_WINDOW_MS = 60_000;
const THROTTLER = 'default';

/** The throttler's options and in-memory store; import once in the app module. */
export function rateLimitModule(config: Pick<AppConfig, 'rateLimitPerMinute'>): DynamicModule {
  return ThrottlerModule.forRoot({
    throttlers: [
      {
        name: THROTTLER,
        ttl: RATE_LIMIT_WINDOW_MS,
        // 0 disables (skipIf below); the throttler itself needs a positive number.
        limit: Math.max(1, config.rateLimitPerMinute),
        // A sliding window without a penalty box: a refused request costs nothing, and the
        // caller may go on as soon as its oldest counted request leaves the window.
        blockDuration: 0,
      },
    ],
    skipIf: () => config.rateLimitPerMinute === 0,
    errorMessage: 'Too many requests; retry after the number of seconds in the Retry-After header.',
    setHeaders: true,
  });
}

/** Who a request counts against. */
export function rateLimitTracker(actor: Actor | undefined, ip: string | undefined): string {
  if (actor) return `user:${actor.role}:${actor.id}${actor.episodeId !== undefined ? `:episode:${actor.episodeId}` : ''}`;
  return `ip:${ip ?? 'unknown'}`;
}

@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http';
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const actor = req.actor as Actor | undefined;
    return rateLimitTracker(actor, actor ? undefined : await super.getTracker(req));
  }

  /** One budget per caller for the whole API (the default key is per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}|${tracker}`;
  }
}
