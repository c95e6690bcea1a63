// The routes as the controllers declare them (api-operation.ts), in the shape the fuzz tests
// read. Nothing is declared here: a route is described once, on its handler. The running app
// reads its own (mountedRoutes in system.controller.ts); this list names the controllers so
// that code without an app can too, and a test checks it against what the app mounts.
import type { z } from 'zod';
import type { ActorRole } from '../../domain/episode/commands';
import { AccessLogController } from '../access-log/access-log.controller';
import { EpisodesWriteController } from '../episodes/episodes-write.controller';
import { FeedController } from '../feed/feed.controller';
import { EpisodesReadController } from '../read/episodes-read.controller';
import { ReportingController } from '../read/reporting.controller';
import { UnitReadsController } from '../read/unit-reads.controller';
import { TimelineController } from '../timeline/timeline.controller';
import { UnitsWriteController } from '../units/units-write.controller';
import { RegistryController } from '../registry/registry.controller';
import { routesOf, type ApiRoute } from './api-operation';
import { SystemController } from './system.controller';
import { HealthController } from './health.controller';

export const API_CONTROLLERS = [
  HealthController,
  SystemController,
  EpisodesWriteController,
  UnitsWriteController,
  TimelineController,
  AccessLogController,
  EpisodesReadController,
  UnitReadsController,
  ReportingController,
  FeedController,
  RegistryController,
] as const;

export interface RouteDoc {
  readonly method: ApiRoute['method'];
  readonly path: string;
  readonly summary: string;
  /** Roles allowed; empty for public routes. */
  readonly roles: readonly ActorRole[];
  readonly body?: z.ZodType;
  readonly status: number;
  readonly tag: string;
  /** The zod object that validates the query. */
  readonly querySchema?: z.ZodObject;
  /** Query parameters by name with a description, for a route whose query no schema validates (none now). */
  readonly query?: Readonly<Record<string, string>>;
  /** Other representations than JSON (e.g. text/csv). */
  readonly produces?: readonly string[];
}

export const toRouteDoc = (r: ApiRoute): RouteDoc => ({
  method: r.method,
  path: r.path,
  summary: r.spec.summary,
  roles: r.roles,
  ...(r.spec.body ? { body: r.spec.body.schema } : {}),
  status: r.status,
  tag: r.spec.tag,
  ...(r.spec.query ? { querySchema: r.spec.query } : {}),
  ...(r.spec.alternatives ? { produces: r.spec.alternatives.map((a) => a.mediaType) } : {}),
});

/** Every route that answers one request with one answer (the event stream never ends, so it is left out). */
export const API_ROUTES: readonly RouteDoc[] = routesOf(API_CONTROLLERS)
  .filter((r) => r.spec.answer.mediaType !== 'text/event-stream')
  .map(toRouteDoc);
