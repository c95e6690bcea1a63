// The authorization matrix: for every route the service mounts and every kind of caller, the
// contract's answer (Identity: no or bad token 401, a role or unit that may not 403, an
// episode of another unit 404). Who may call a route is read from its handler's @Roles or
// @Public (src/app/auth/roles.decorator.ts), the one place roles are said; the guard reads
// the same. test/security/authorization-matrix.e2e.test.ts drives the real app through every
// cell; docs/authorization.md is this table, written by `npm run docs:authorization`
// (`-- --check` exits 1 when the file is out of date), which starts the app on a temporary
// store to read its routes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModulesContainer } from '@nestjs/core';
import { ActorRole } from '../domain/episode/commands';
import { routeName, type ApiRoute } from '../app/system/api-operation';

export interface Caller {
  readonly key: string;
  readonly label: string;
  /** null: no token at all. */
  readonly role: ActorRole | null;
  /** The unit in the token, relative to the unit whose data the request names. */
  readonly unit: 'own' | 'other' | 'none';
  /** patient_gateway only: the token names another episode than the one in the path. */
  readonly otherEpisode?: boolean;
}

export const CALLERS: readonly Caller[] = [
  { key: 'none', label: 'no token', role: null, unit: 'none' },
  { key: 'therapist-own', label: 'therapist, own unit', role: 'therapist', unit: 'own' },
  { key: 'therapist-other', label: 'therapist, other unit', role: 'therapist', unit: 'other' },
  { key: 'unit_admin-own', label: 'unit_admin, own unit', role: 'unit_admin', unit: 'own' },
  { key: 'unit_admin-other', label: 'unit_admin, other unit', role: 'unit_admin', unit: 'other' },
  { key: 'auditor', label: 'auditor', role: 'auditor', unit: 'none' },
  { key: 'reporting', label: 'reporting', role: 'reporting', unit: 'none' },
  { key: 'patient_gateway-own', label: 'patient_gateway, own unit, that episode', role: 'patient_gateway', unit: 'own' },
  { key: 'patient_gateway-other-episode', label: 'patient_gateway, own unit, another episode', role: 'patient_gateway', unit: 'own', otherEpisode: true },
  { key: 'patient_gateway-other', label: 'patient_gateway, other unit', role: 'patient_gateway', unit: 'other' },
  { key: 'integration-all', label: 'integration, all units', role: 'integration', unit: 'none' },
  { key: 'integration-own', label: 'integration, own unit', role: 'integration', unit: 'own' },
  { key: 'registry_export-own', label: 'registry_export, own unit', role: 'registry_export', unit: 'own' },
  { key: 'registry_export-other', label: 'registry_export, other unit', role: 'registry_export', unit: 'other' },
];

/**
 * What a route's data belongs to, which decides what "other unit" means:
 * - episode: the episode in the path; another unit's (or, for the gateway, another episode's) is 404;
 * - unit-path: the unit in the path; another unit is 403;
 * - unit-query: a unit named by `?unitId=` (the test names the own unit); another unit is 403;
 * - caller: the caller's own unit or nothing unit-bound (assignment, catalogue, access log, the feed);
 * - public: no token needed.
 */
export type Scope = 'public' | 'episode' | 'unit-path' | 'unit-query' | 'caller';

export function scopeOf(route: ApiRoute): Scope {
  if (route.isPublic) return 'public';
  if (route.path.startsWith('/episodes/{id}')) return 'episode';
  if (route.path.includes('{unitId}')) return 'unit-path';
  if (route.spec.query && 'unitId' in route.spec.query.shape) return 'unit-query';
  return 'caller';
}

/** The contract's answer for this caller. */
export function expectedStatus(route: ApiRoute, caller: Caller): number {
  const scope = scopeOf(route);
  if (scope === 'public') return route.status;
  if (caller.role === null) return 401;
  if (!route.roles.includes(caller.role)) return 403;
  if (scope === 'episode' && (caller.unit === 'other' || caller.otherEpisode)) return 404;
  if ((scope === 'unit-path' || scope === 'unit-query') && caller.unit === 'other') return 403;
  return route.status;
}

const SCOPE_NOTE: Record<Scope, string> = {
  public: 'public',
  episode: 'episode',
  'unit-path': 'unit (path)',
  'unit-query': 'unit (`?unitId=`)',
  caller: "caller's unit",
};

export function renderAuthorizationMatrix(routes: readonly ApiRoute[]): string {
  const head = ['route', 'who', 'scope', ...CALLERS.map((c) => c.label)];
  const who = (r: ApiRoute) => (r.isPublic ? 'anyone' : r.roles.length === ActorRole.options.length ? 'any authenticated' : r.roles.join(', '));
  const rows = routes.map((r) => [`\`${routeName(r)}\``, who(r), SCOPE_NOTE[scopeOf(r)], ...CALLERS.map((c) => String(expectedStatus(r, c)))]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    '# Authorization matrix',
    '',
    "<!-- Generated from the handlers' @Roles/@Public by `npm run docs:authorization`; do not edit by hand.",
    '     test/security/authorization-matrix.e2e.test.ts checks every cell against the running app',
    '     and fails when this file is out of date. -->',
    '',
    'The answer of every route to every kind of caller, as the API contract\'s "Identity" section',
    'and "who" columns say: no token or a bad one is 401; a role the route does not name, or a',
    "unit that is not the caller's, is 403; an episode of another unit looks like a missing one",
    '(404). `patient_gateway` acts for the patient of the episode named in the path: a gateway',
    'token that names another episode gets 404 there too. `integration` reads the event feed only',
    '(with a `unit` claim, that unit\'s events; without, all).',
    '',
    'Scope says what "other unit" means for the route:',
    '',
    "- **episode**: the episode in the path belongs to the caller's unit or not (404 when not);",
    '  auditors read every unit.',
    "- **unit (path)**: the `{unitId}` in the path is the caller's unit or not (403 when not).",
    "- **unit (`?unitId=`)**: the request names a unit by `?unitId=`; another unit than the",
    "  caller's is 403 (without it, staff see their own unit; auditors and reporting see all).",
    "- **caller's unit**: nothing in the request names a unit (an assignment is made at the",
    "  caller's own unit; the catalogue, the schemas, the access log and the feed are not bound to one).",
    '- **public**: no token needed.',
    '',
    'A 2xx cell means the request succeeds with a valid body; the test also checks that every',
    "refusal writes nothing and has the contract's error body `{ error: { code, message, details } }`,",
    'and that every answer matches the OpenAPI document.',
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
  ].join('\n');
}

export const AUTHORIZATION_DOC = path.join(__dirname, '../../docs/authorization.md');

/** The routes the service mounts, read from an app started on a temporary store. */
async function mounted(): Promise<ApiRoute[]> {
  const { loadConfig } = await import('../app/config');
  const { buildApp } = await import('../app/bootstrap');
  const { mountedRoutes } = await import('../app/system/system.controller');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-matrix-'));
  const running = await buildApp(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', AUTH_JWT_SECRET: 'matrix-only-secret-0123456789' }));
  try {
    return mountedRoutes(running.app.get(ModulesContainer));
  } finally {
    await running.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void (async () => {
    const routes = await mounted();
    const text = renderAuthorizationMatrix(routes);
    if (process.argv.includes('--check')) {
      const current = fs.existsSync(AUTHORIZATION_DOC) ? fs.readFileSync(AUTHORIZATION_DOC, 'utf8') : '';
      if (current !== text) {
        console.error('docs/authorization.md is out of date: run `npm run docs:authorization`.');
        process.exit(1);
      }
      console.log('docs/authorization.md is up to date.');
    } else {
      fs.writeFileSync(AUTHORIZATION_DOC, text);
      console.log(`Wrote ${path.relative(process.cwd(), AUTHORIZATION_DOC)} (${routes.length} routes × ${CALLERS.length} callers).`);
    }
    process.exit(0);
  })();
}
