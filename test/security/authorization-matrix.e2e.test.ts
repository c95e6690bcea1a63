// The authorization matrix, generated: every route the handlers declare × every kind of
// caller (each role of own or another unit, the gateway for another episode, the integration
// role with and without a unit, no token) against the real app, with a request that succeeds
// when the caller may make it. Expected answers come from src/cli/authorization-matrix.ts, the
// same table docs/authorization.md is written from, over the roles of each handler's @Roles.
// A refusal must have the contract's error body and write nothing, and every answer must match
// the OpenAPI document; reads use ?after= so a 404 means "another unit's", never "not projected yet".
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModulesContainer } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import { ulid } from 'ulid';
import { API_CONTROLLERS } from '../../src/app/system/api-routes';
import { routeName, routesOf, type ApiRoute } from '../../src/app/system/api-operation';
import { mountedRoutes } from '../../src/app/system/system.controller';
import { mintToken } from '../../src/app/auth/token-verifier';
import { ActorRole } from '../../src/domain/episode/commands';
import { AUTHORIZATION_DOC, CALLERS, expectedStatus, renderAuthorizationMatrix, type Caller } from '../../src/cli/authorization-matrix';
import { OTHER_UNIT, startApp, TestClock, THERAPIST, THERAPIST_2, UNIT, type TestApp } from '../e2e/harness';
import { documentOf, ResponseValidator, validated } from '../contract/openapi-validator';

/** Every route the handlers describe: the app is checked below to mount exactly these. */
const ROUTES: readonly ApiRoute[] = routesOf(API_CONTROLLERS);
/** Any authenticated caller: every role. */
const ANY = ActorRole.options;
const isStream = (r: ApiRoute) => r.spec.answer.mediaType === 'text/event-stream';

// A Sunday: the default activity plan's first occasion is open that day.
const clock = new TestClock('2026-11-22T09:00:00.000Z');
const PNR = '19121212-1212';
const NEW_PATIENT = '20190101-2391';
let t: TestApp;
let agent: TestApp['http'];
let port: number;

beforeAll(async () => {
  t = await startApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  agent = validated(t, new ResponseValidator(await documentOf(t)));
  const server = t.app.getHttpServer() as http.Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => t?.stop());

/** The contract's "who" columns (api-contract.md), copied here so API_ROUTES cannot drift from them. */
const CONTRACT_WHO: Record<string, readonly string[]> = {
  'GET /health': [],
  'GET /health/live': [],
  'GET /health/ready': [],
  'GET /catalogue': ANY,
  'GET /schemas/events': ANY,
  'GET /events': ['integration'],
  'GET /events/stream': ['integration'],
  'POST /episodes': ['therapist', 'unit_admin'],
  'PUT /episodes/{id}/welcome-text': ['therapist', 'unit_admin'],
  'POST /episodes/{id}/modules/{moduleId}/hide': ['therapist', 'unit_admin'],
  'POST /episodes/{id}/modules/{moduleId}/show': ['therapist', 'unit_admin'],
  'POST /episodes/{id}/progress': ['patient_gateway'],
  'POST /episodes/{id}/exercises': ['therapist', 'unit_admin'],
  'POST /episodes/{id}/activity-plan': ['therapist', 'unit_admin'],
  'POST /episodes/{id}/activity-reports': ['patient_gateway'],
  'POST /episodes/{id}/messages': ['therapist', 'patient_gateway'],
  'POST /episodes/{id}/messages/read': ['therapist'],
  'POST /episodes/{id}/therapist': ['unit_admin', 'therapist'],
  'POST /episodes/{id}/journal-entries': ['therapist', 'unit_admin'],
  'POST /episodes/{id}/end': ['therapist', 'unit_admin'],
  'POST /units/{unitId}/absence-notices': ['unit_admin'],
  'GET /episodes/{id}': ['therapist', 'unit_admin', 'auditor'],
  'GET /episodes/{id}/timeline': ['auditor', 'unit_admin'],
  'GET /episodes/{id}/messages': ['therapist', 'unit_admin', 'patient_gateway'],
  'GET /episodes/{id}/patient-view': ['patient_gateway'],
  'GET /units/{unitId}/absence-notices': ['unit_admin', 'therapist', 'patient_gateway'],
  'GET /dashboard': ['therapist', 'unit_admin'],
  'GET /billing/ledger': ['unit_admin', 'reporting'],
  'GET /journal/obligations': ['therapist', 'unit_admin', 'auditor'],
  'GET /reports/outcomes': ['reporting', 'unit_admin'],
  'GET /access-log': ['auditor'],
  'GET /registry/follow-ups': ['therapist', 'unit_admin'],
};
const CONTRACT_CREATED = ['POST /episodes', 'POST /episodes/{id}/messages', 'POST /units/{unitId}/absence-notices'];

// ---------------------------------------------------------------- fixtures

/** An active episode at UNIT in a state where every write of the contract can succeed. */
interface Fixture {
  readonly episodeId: string;
  readonly patientMessageId: string;
  readonly noticeId: string;
}

let current: Fixture | undefined;
const th = () => t.auth('therapist');
const admin = () => t.auth('unit_admin');

/** A write's answer: the fields the fixtures read. */
interface Written {
  readonly episodeId: string;
  readonly messageId: string;
  readonly noticeId: string;
  readonly position: string;
}

async function ok(res: { status: number; body: unknown }, status = 200): Promise<Written> {
  if (res.status !== status) throw new Error(`fixture write answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Written;
}

/** Ends an episode unless it already ended (the patient may then be assigned again). */
async function endQuietly(episodeId: string, unit = UNIT) {
  const res = await t.http.post(`/episodes/${episodeId}/end`).set(t.auth('unit_admin', { unit })).send({ outcome: 'completed' });
  if (res.status !== 200 && res.body?.error?.code !== 'EPISODE_ENDED') throw new Error(`could not end ${episodeId}: ${res.status}`);
}

async function fresh(): Promise<Fixture> {
  if (current) await endQuietly(current.episodeId);
  const a = await ok(await t.http.post('/episodes').set(th()).send({ personnummer: PNR, therapistId: THERAPIST, diagnosisCode: 'M17.1' }), 201);
  const id = a.episodeId as string;
  const gw = t.auth('patient_gateway', { episode: id });
  await ok(await t.http.post(`/episodes/${id}/progress`).set(gw).send({ moduleId: 'hip-knee', partId: 'hk-training-introduction' }));
  const msg = await ok(await t.http.post(`/episodes/${id}/messages`).set(gw).send({ text: 'Hur ofta ska jag träna?' }), 201);
  const notice = await ok(await t.http.post(`/units/${UNIT}/absence-notices`).set(admin()).send({ from: '2026-11-23T07:00:00+01:00', to: '2026-11-25T17:00:00+01:00', text: 'Semester' }), 201);
  current = { episodeId: id, patientMessageId: msg.messageId, noticeId: notice.noticeId };
  return current;
}

// ---------------------------------------------------------------- a valid request per route

interface Recipe {
  /** Writes by the unit's own staff that make the request valid on this fixture. */
  readonly prepare?: (fx: Fixture) => Promise<void>;
  readonly params?: (fx: Fixture) => Record<string, string>;
  readonly body?: (fx: Fixture) => object;
  readonly query?: Record<string, string>;
  /** After a success: leave no active episode behind at the caller's unit. */
  readonly cleanUp?: (answer: Written, unit: string) => Promise<void>;
}

const RECIPES: Record<string, Recipe> = {
  'GET /health': {},
  'GET /health/live': {},
  'GET /health/ready': {},
  'GET /openapi.json': {},
  'GET /schemas/events': {},
  'GET /events': { query: { limit: '10' } },
  'GET /events/stream': {},
  'GET /registry/follow-ups': {},
  'GET /registry/export': {},
  'GET /catalogue': {},
  'POST /episodes': {
    body: () => ({ personnummer: NEW_PATIENT, therapistId: THERAPIST, diagnosisCode: 'M16.1' }),
    cleanUp: (answer, unit) => endQuietly(answer.episodeId, unit),
  },
  'PUT /episodes/{id}/welcome-text': { body: () => ({ text: 'Välkommen! Börja med höft och knä.' }) },
  'POST /episodes/{id}/modules/{moduleId}/hide': { params: () => ({ moduleId: 'hand' }) },
  'POST /episodes/{id}/modules/{moduleId}/show': {
    prepare: async (fx) => void (await ok(await t.http.post(`/episodes/${fx.episodeId}/modules/hand/hide`).set(th()))),
    params: () => ({ moduleId: 'hand' }),
  },
  'POST /episodes/{id}/progress': { body: () => ({ moduleId: 'hip-knee', partId: 'hk-about-osteoarthritis' }) },
  'POST /episodes/{id}/exercises': { body: () => ({ programme: 'leg', exerciseIds: ['leg-sit-to-stand'] }) },
  'POST /episodes/{id}/activity-plan': { body: () => ({}) },
  'POST /episodes/{id}/activity-reports': {
    prepare: async (fx) => void (await ok(await t.http.post(`/episodes/${fx.episodeId}/activity-plan`).set(th()).send({}))),
    body: () => ({ occasion: '2026-11-22', answers: { trained: true, 'activity-type': 'promenad', experience: 6 } }),
  },
  'POST /episodes/{id}/messages': { body: () => ({ text: 'Träna tre gånger i veckan.' }) },
  'POST /episodes/{id}/messages/read': { body: (fx) => ({ upToMessageId: fx.patientMessageId }) },
  'POST /episodes/{id}/therapist': { body: () => ({ therapistId: THERAPIST_2, reason: 'absence' }) },
  'POST /episodes/{id}/journal-entries': { body: () => ({ obligationId: 'assignment', journalReference: 'COSMIC-1' }) },
  'POST /episodes/{id}/journal-corrections': {
    prepare: async (fx) => void (await ok(await t.http.post(`/episodes/${fx.episodeId}/journal-entries`).set(th()).send({ obligationId: 'assignment', journalReference: 'FEL-REF' }))),
    body: () => ({ obligationId: 'assignment', journalReference: 'RATT-REF', reason: 'Fel anteckning angiven' }),
  },
  'POST /episodes/{id}/registry-follow-ups': { body: () => ({ timepoint: 'baseline', measures: { pain: 6, eqVas: 60 } }) },
  'POST /episodes/{id}/end': { body: () => ({ outcome: 'completed' }) },
  'POST /units/{unitId}/absence-notices': { body: () => ({ from: '2026-12-01T08:00:00+01:00', to: '2026-12-03T17:00:00+01:00', text: 'Kursdagar' }) },
  'DELETE /units/{unitId}/absence-notices/{noticeId}': { params: (fx) => ({ noticeId: fx.noticeId }) },
  'POST /units/{unitId}/patient-erasures': {
    // Erasure is refused during an active episode: the fixture's episode ends first.
    prepare: (fx) => endQuietly(fx.episodeId),
    body: () => ({ personnummer: PNR, reason: 'Begäran enligt GDPR art. 17' }),
  },
  'PUT /units/{unitId}/settings': { body: () => ({ feeSek: 250, accessMonths: 3 }) },
  'GET /episodes/{id}': {},
  'GET /episodes/{id}/messages': {},
  'GET /episodes/{id}/patient-view': {},
  'GET /episodes/{id}/timeline': {},
  'GET /episodes/{id}/export': {},
  'GET /units/{unitId}/absence-notices': {},
  'GET /dashboard': {},
  'GET /billing/ledger': {},
  'GET /journal/obligations': {},
  'GET /reports/outcomes': {},
  'GET /access-log': { query: { personnummer: PNR } },
};

const OTHER_EPISODE = ulid();

function authFor(caller: Caller, fx: Fixture): Record<string, string> {
  if (caller.role === null) return {};
  const unit = caller.unit === 'own' ? UNIT : caller.unit === 'other' ? OTHER_UNIT : null;
  const sub = caller.unit === 'other' && caller.role === 'therapist' ? 'SE2321000999-T001' : undefined;
  const episode = caller.role === 'patient_gateway' ? (caller.otherEpisode ? OTHER_EPISODE : fx.episodeId) : undefined;
  return t.auth(caller.role, { unit, sub, episode });
}

/** The event stream never ends: its status is read from the response head, then the connection is dropped. */
function streamStatus(path: string, auth: Record<string, string>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: auth }, (res) => {
      if (res.statusCode === 200) {
        req.destroy();
        return resolve({ status: 200, body: {} });
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as unknown }));
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
  });
}

async function send(route: ApiRoute, caller: Caller, fx: Fixture, auth: Record<string, string> = authFor(caller, fx)) {
  const recipe = RECIPES[routeName(route)]!;
  const params: Record<string, string> = { id: fx.episodeId, unitId: UNIT, ...recipe.params?.(fx) };
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  const query: Record<string, string> = { ...recipe.query };
  if (route.spec.query && 'unitId' in route.spec.query.shape) query.unitId = UNIT;
  if (route.method === 'get' && route.spec.traits?.includes('projection')) query.after = (await t.store.headPosition()).toString();
  if (isStream(route)) return streamStatus(`${path}?${new URLSearchParams(query).toString()}`, auth);
  const req = agent[route.method](path).query(query).set(auth);
  return recipe.body ? await req.send(recipe.body(fx)) : await req;
}

// ---------------------------------------------------------------- the matrix

interface Cell {
  readonly name: string;
  readonly route: ApiRoute;
  readonly caller: Caller;
  readonly expected: number;
}

/** Reads first (they share one fixture); per write route the refusals first, on one fixture. */
const cells: Cell[] = [...ROUTES.filter((r) => r.method === 'get'), ...ROUTES.filter((r) => r.method !== 'get')].flatMap((route) =>
  CALLERS.map((caller) => ({ route, caller, expected: expectedStatus(route, caller) }))
    .sort((a, b) => Number(a.expected < 300) - Number(b.expected < 300))
    .map((c) => ({ ...c, name: `${routeName(route)} as ${c.caller.label} → ${c.expected}` })),
);

let readFixture: Fixture | undefined;
const refusalFixture = new Map<string, Fixture>();

async function fixtureFor(cell: Cell): Promise<Fixture> {
  const recipe = RECIPES[routeName(cell.route)]!;
  if (cell.route.method === 'get') return (readFixture ??= await fresh());
  if (cell.expected >= 300 && refusalFixture.has(routeName(cell.route))) return refusalFixture.get(routeName(cell.route))!;
  const fx = await fresh();
  await recipe.prepare?.(fx);
  if (cell.expected >= 300) refusalFixture.set(routeName(cell.route), fx);
  return fx;
}

function expectContractError(res: { status: number; body: unknown }) {
  expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
}

describe('the authorization matrix', () => {
  it('covers exactly the routes the app mounts', () => {
    expect(mountedRoutes(t.app.get(ModulesContainer)).map(routeName).sort()).toEqual(ROUTES.map(routeName).sort());
  });

  it('has a valid request for every route, and every route of the contract is there with its roles', () => {
    expect(ROUTES.map(routeName).filter((name) => !RECIPES[name])).toEqual([]);
    for (const [name, roles] of Object.entries(CONTRACT_WHO)) {
      const route = ROUTES.find((r) => routeName(r) === name);
      expect({ name, roles: route ? [...route.roles].sort() : 'missing' }).toEqual({ name, roles: [...roles].sort() });
      expect({ name, status: route!.status }).toEqual({ name, status: CONTRACT_CREATED.includes(name) ? 201 : 200 });
    }
  });

  it('is published as docs/authorization.md, generated from the same table (npm run docs:authorization)', () => {
    const published = fs.existsSync(AUTHORIZATION_DOC) ? fs.readFileSync(AUTHORIZATION_DOC, 'utf8') : '';
    expect(published).toBe(renderAuthorizationMatrix(mountedRoutes(t.app.get(ModulesContainer))));
  });

  it.each(cells.map((c) => [c.name, c] as const))('%s', async (_name, cell) => {
    const fx = await fixtureFor(cell);
    const before = await t.store.headPosition();
    const res = await send(cell.route, cell.caller, fx);
    const after = await t.store.headPosition();
    const where = `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    expect({ status: res.status, where }).toEqual({ status: cell.expected, where: expect.any(String) });
    if (cell.expected >= 400) {
      expectContractError(res);
      expect(after).toBe(before);
    } else if (cell.route.method !== 'get') {
      expect(after).toBeGreaterThan(before);
      // The answer's position is its episode's or unit's last event (an end also frees the patient elsewhere).
      expect(BigInt(res.body.position)).toBeGreaterThan(before);
      const unit = cell.caller.unit === 'other' ? OTHER_UNIT : UNIT;
      await RECIPES[routeName(cell.route)]!.cleanUp?.(res.body, unit);
    }
  });

  it('answers 401 to a token that is expired, wrongly signed or names no role, on every route that needs one', async () => {
    const fx = readFixture ?? (await fresh());
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      jwt.sign({ sub: THERAPIST, role: 'therapist', unit: UNIT, iat: now - 7200, exp: now - 3600 }, t.config.jwtSecret!, { algorithm: 'HS256' }),
      mintToken('another secret of at least thirty-two characters', { sub: THERAPIST, role: 'therapist', unit: UNIT }),
      mintToken(t.config.jwtSecret!, { sub: THERAPIST, role: 'administrator', unit: UNIT }),
      mintToken(t.config.jwtSecret!, { sub: THERAPIST, role: 'therapist' }),
      'not.a.jwt',
    ];
    const caller = CALLERS.find((c) => c.key === 'therapist-own')!;
    for (const route of ROUTES.filter((r) => !r.isPublic)) {
      for (const token of bad) {
        const before = await t.store.headPosition();
        const res = await send(route, caller, fx, { Authorization: `Bearer ${token}` });
        expect({ route: routeName(route), token: token.slice(0, 12), status: res.status }).toEqual({ route: routeName(route), token: token.slice(0, 12), status: 401 });
        expectContractError(res);
        expect(await t.store.headPosition()).toBe(before);
      }
    }
  });
});
