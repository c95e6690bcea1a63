// One source per route: the handler's own decorators. Nest's @Get/@Post give the method and
// path, @HttpCode the success status, @Roles/@Public (src/app/auth/roles.decorator.ts) who may
// call it, and @ApiOperation the rest: what it does, the zod schemas of its request and of
// its answer, and the error codes it can give. The OpenAPI document (openapi.ts) and the
// authorization matrix (src/cli/authorization-matrix.ts) are read from these, never from a
// table kept beside them.
import { RequestMethod, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { THROTTLER_SKIP } from '@nestjs/throttler/dist/throttler.constants';
import type { z } from 'zod';
import { ActorRole } from '../../domain/episode/commands';
import type { ErrorCode } from '../../domain/error-codes';
import { PUBLIC_KEY, ROLES_KEY } from '../auth/roles.decorator';

export const OPERATION_KEY = 'api:operation';

export const TAGS = {
  system: 'Health, this document and the docs page.',
  reference: 'The content catalogue.',
  episodes: "Writes on a patient's episode (moment): assignment, modules, progress, exercises, activity plan, therapist, end.",
  messages: 'Messages between the patient and the therapist.',
  journal: 'Journal obligations recorded in the EHR, and corrections.',
  units: "Writes on a care unit: absence notices and the unit's settings.",
  privacy: 'GDPR erasure of personal data outside the journal.',
  reads: 'Reads from the projections (eventually consistent; `?after=<position>` reads your write).',
  audit: "The auditor's timeline, export and access log.",
  integration: 'For backend teams that keep their own copy of the history: event schemas and the event feed.',
} as const;
export type Tag = keyof typeof TAGS;

/** A representation of the success answer other than the default one. */
export interface AlternativeAnswer {
  readonly mediaType: string;
  readonly schema: z.ZodType;
  readonly description: string;
}

export interface OperationSpec {
  readonly operationId: string;
  readonly summary: string;
  /** What it does and what it changes; who may call it is added from @Roles. */
  readonly description: string;
  readonly tag: Tag;
  /** Path parameters by name (each is refused with 404 or 400 when it cannot name anything). */
  readonly params?: Readonly<Record<string, z.ZodType>>;
  readonly query?: z.ZodObject;
  readonly headers?: Readonly<Record<string, { readonly schema: z.ZodType; readonly description: string }>>;
  /** The JSON body; without it the route takes none and refuses one. */
  readonly body?: { readonly schema: z.ZodType; readonly required: boolean; readonly example: unknown; readonly description?: string };
  /** The success answer and the component name it is published under. */
  readonly answer: { readonly name: string; readonly schema: z.ZodType; readonly mediaType?: string; readonly example?: unknown; readonly description?: string };
  readonly alternatives?: readonly AlternativeAnswer[];
  /** Response headers of the success answer. */
  readonly answerHeaders?: readonly ('ETag' | 'Location' | 'Content-Disposition')[];
  /**
   * write: If-Match and Idempotency-Key, and what a write can meet (412, 409, 422, 503);
   * projection: reads the read models (`?after`, 503 PROJECTION_BEHIND);
   * accessLogged: shows a patient (503 ACCESS_LOG_UNAVAILABLE when the log cannot be written).
   */
  readonly traits?: readonly ('write' | 'projection' | 'accessLogged')[];
  /** The codes its own rules and lookups give; those of its traits, body and token are added. */
  readonly errors?: readonly ErrorCode[];
}

/** Describes the handler in the OpenAPI document. */
export const ApiOperation = (spec: OperationSpec) => SetMetadata(OPERATION_KEY, spec);

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** One route as mounted, with everything the document and the matrix need. */
export interface ApiRoute {
  readonly method: HttpMethod;
  /** OpenAPI style: `/episodes/{id}`. */
  readonly path: string;
  readonly isPublic: boolean;
  /** Who may call it; every role for a route any authenticated caller may use. */
  readonly roles: readonly ActorRole[];
  /** The success status. */
  readonly status: number;
  /** False under @SkipThrottle (the health routes): never 429. */
  readonly rateLimited: boolean;
  readonly spec: OperationSpec;
}

/** The throttler of src/app/http/rate-limit.ts (@nestjs/throttler's default name). */
const SKIP_KEY = `${THROTTLER_SKIP}default`;

const METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
};

const segments = (value: unknown): string[] => {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.split('/').filter(Boolean) : [];
};

type ControllerClass = abstract new (...args: never[]) => unknown;

/** Handlers without @ApiOperation: pages and their assets, which are not part of the API. */
export function undescribedRoutesOf(controllers: Iterable<ControllerClass>): string[] {
  const out: string[] = [];
  forEachHandler(controllers, (method, path, spec) => {
    if (!spec) out.push(routeName({ method, path }));
  });
  return out;
}

function forEachHandler(controllers: Iterable<ControllerClass>, visit: (method: HttpMethod, path: string, spec: OperationSpec | undefined, handler: object, controller: ControllerClass) => void): void {
  for (const controller of controllers) {
    const prefix = segments(Reflect.getMetadata(PATH_METADATA, controller));
    const proto = controller.prototype as object;
    for (const name of Object.getOwnPropertyNames(proto)) {
      // Only methods: reading a getter on the prototype would run it without an instance.
      const handler: unknown = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      if (!method) continue;
      const path = '/' + [...prefix, ...segments(Reflect.getMetadata(PATH_METADATA, handler))].map((s) => s.replace(/^:(\w+)$/, '{$1}')).join('/');
      visit(method, path, Reflect.getMetadata(OPERATION_KEY, handler) as OperationSpec | undefined, handler, controller);
    }
  }
}

/** The routes of these controllers that carry @ApiOperation, in declaration order. */
export function routesOf(controllers: Iterable<ControllerClass>): ApiRoute[] {
  const routes: ApiRoute[] = [];
  forEachHandler(controllers, (method, path, spec, handler, controller) => {
    if (!spec) return;
    const isPublic = Reflect.getMetadata(PUBLIC_KEY, handler) === true || Reflect.getMetadata(PUBLIC_KEY, controller) === true;
    const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller)) as ActorRole[] | undefined;
    const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'post' ? 201 : 200);
    const rateLimited = Reflect.getMetadata(SKIP_KEY, handler) !== true && Reflect.getMetadata(SKIP_KEY, controller) !== true;
    routes.push({ method, path, isPublic, roles: isPublic ? [] : (roles ?? ActorRole.options), status, rateLimited, spec });
  });
  return routes;
}

export const routeName = (r: Pick<ApiRoute, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;
