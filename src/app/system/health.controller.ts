// Health for people and for orchestrators, without a token and outside the rate limit (a
// probe every few seconds must never be refused):
// - GET /health        the contract's form: status "ok", or "degraded" naming the failing
//                      parts; store head and projection lag; 503 STORE_UNAVAILABLE without a store.
// - GET /health/live   the process answers (liveness: restart it when this fails).
// - GET /health/ready  the store answers, the access log can be written, every projection is
//                      live and within READY_MAX_LAG events: 200, else 503 with every failing
//                      part in the details and the first one's code (STORE_UNAVAILABLE,
//                      ACCESS_LOG_UNAVAILABLE or PROJECTION_BEHIND); readiness: no traffic meanwhile.
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/roles.decorator';
import { ApiError } from '../http/api-error';
import { HealthService, type FailingPart } from '../observability/health';
import { ApiOperation } from './api-operation';
import { HEALTH, LIVENESS, READINESS } from './health-operations';

/** The code of a readiness refusal: that of the first failing part (all are in the details). */
const codeFor = (f: FailingPart) =>
  f.part === 'store' ? 'STORE_UNAVAILABLE' : f.part === 'accessLog' ? 'ACCESS_LOG_UNAVAILABLE' : 'PROJECTION_BEHIND';

@Controller('health')
@SkipThrottle()
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get()
  @Public()
  @ApiOperation(HEALTH)
  @Header('Cache-Control', 'no-store')
  async overall() {
    const report = await this.health.check();
    if (report.headPosition === undefined) throw new ApiError(503, 'STORE_UNAVAILABLE', 'The event store cannot be reached.');
    const { worker, ...projections } = report.projections ?? {};
    return {
      status: report.failing.length === 0 ? 'ok' : 'degraded',
      store: { headPosition: report.headPosition.toString() },
      ...(report.projections ? { projections } : {}),
      ...(worker ? { projectorWorker: worker } : {}),
      accessLog: { status: report.accessLog },
      failing: report.failing,
    };
  }

  @Get('live')
  @Public()
  @ApiOperation(LIVENESS)
  @Header('Cache-Control', 'no-store')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation(READINESS)
  @Header('Cache-Control', 'no-store')
  async ready() {
    const report = await this.health.check();
    const first = report.failing[0];
    if (first)
      throw new ApiError(
        503,
        codeFor(first),
        `Not ready: ${report.failing.map((f) => `${f.part} (${f.reason})`).join('; ')}.`,
        report.failing.map((f) => ({ path: f.part, problem: f.reason })),
      );
    return {
      status: 'ready',
      store: { headPosition: String(report.headPosition) },
      maxBehind: report.projections?.maxBehind ?? '0',
      accessLog: { status: report.accessLog },
    };
  }
}
