// An integrator's typed client, generated from the served document: openapi-typescript
// writes the types, a small program drives one whole episode through openapi-fetch with no
// cast to read any answer, the TypeScript compiler type-checks it (an answer typed
// `unknown`, a missing field or a wrong enum fails here), and it runs against the live app
// on a random port.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { startApp, TestClock, UNIT, type TestApp } from '../e2e/harness';

const ROOT = path.join(__dirname, '../..');
const run = promisify(execFile);

/** openapi-typescript's Node API, as an integrator runs it (an ES module, so in its own process). */
const GENERATE = `
import fs from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
const ast = await openapiTS(new URL(process.argv[2]));
fs.writeFileSync(process.argv[3], astToString(ast));
`;
const clock = new TestClock('2026-11-22T09:00:00.000Z');
let t: TestApp;
let dir: string;
let baseUrl: string;

beforeAll(async () => {
  t = await startApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  const server = t.app.getHttpServer() as http.Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-client-'));
  // The program resolves openapi-fetch as an integrator's project would, from node_modules.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The integrator's program: one episode from assignment to end, every answer read through its type. */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { paths, components } from './schema';

type Warning = 'PATIENT_NEVER_LOGGED_IN' | 'NOTIFICATIONS_DISABLED';

async function main(): Promise<void> {
  const client = createClient<paths>({ baseUrl: process.env.BASE_URL! });
  const tokens: Record<string, string> = JSON.parse(process.env.TOKENS!);
  const auth = (role: string) => ({ Authorization: 'Bearer ' + tokens[role] });
  const fail = (what: string, error: { error: { code: string; message: string } } | undefined): never => {
    throw new Error(what + ': ' + (error ? error.error.code + ' ' + error.error.message : 'no answer'));
  };

  const assigned = await client.POST('/episodes', {
    headers: auth('therapist'),
    body: { personnummer: '19121212-1212', therapistId: 'SE2321000131-T001', diagnosisCode: 'M17.1', patientStatus: { hasLoggedIn: false, notificationsEnabled: true } },
  });
  if (!assigned.data) return fail('assign', assigned.error);
  const id: string = assigned.data.episodeId;
  const warnings: Warning[] = assigned.data.warnings;
  const fee: number = assigned.data.fee.kind === 'charged' ? assigned.data.fee.amountSek : assigned.data.fee.waivedAmountSek;
  const path = { path: { id } };

  const welcome = await client.PUT('/episodes/{id}/welcome-text', { params: path, headers: auth('therapist'), body: { text: 'Välkommen! Börja med höft och knä.' } });
  if (!welcome.data) return fail('welcome text', welcome.error);
  const hidden = await client.POST('/episodes/{id}/modules/{moduleId}/hide', { params: { path: { id, moduleId: 'hand' } }, headers: auth('therapist') });
  if (!hidden.data) return fail('hide', hidden.error);
  for (const partId of ['hk-about-osteoarthritis', 'hk-training-introduction']) {
    const done = await client.POST('/episodes/{id}/progress', { params: path, headers: auth('patient_gateway'), body: { moduleId: 'hip-knee', partId } });
    if (!done.data) return fail('progress', done.error);
  }
  const revealed = await client.POST('/episodes/{id}/exercises', { params: path, headers: auth('therapist'), body: { programme: 'leg', exerciseIds: ['leg-sit-to-stand'] } });
  if (!revealed.data) return fail('exercises', revealed.error);
  const plan = await client.POST('/episodes/{id}/activity-plan', { params: path, headers: auth('therapist') });
  if (!plan.data) return fail('plan', plan.error);
  const weekday: string = plan.data.plan.schedule.weekday;
  const report = await client.POST('/episodes/{id}/activity-reports', {
    params: path,
    headers: auth('patient_gateway'),
    body: { occasion: plan.data.plan.schedule.startDate, answers: { trained: true, 'activity-type': 'promenad', experience: 7 } },
  });
  if (!report.data) return fail('report', report.error);
  const asked = await client.POST('/episodes/{id}/messages', { params: path, headers: auth('patient_gateway'), body: { text: 'Hur ofta ska jag träna?' } });
  if (!asked.data) return fail('message', asked.error);
  const conversationId: string = asked.data.conversationId;
  const replied = await client.POST('/episodes/{id}/messages', { params: path, headers: auth('therapist'), body: { text: 'Tre gånger i veckan.', conversationId } });
  if (!replied.data) return fail('reply', replied.error);
  const read = await client.POST('/episodes/{id}/messages/read', { params: path, headers: auth('therapist'), body: { upToMessageId: asked.data.messageId } });
  if (!read.data) return fail('read', read.error);
  const journaled = await client.POST('/episodes/{id}/journal-entries', { params: path, headers: auth('therapist'), body: { obligationId: 'assignment', journalReference: 'COSMIC-1' } });
  if (!journaled.data) return fail('journal', journaled.error);

  const after = journaled.data.position;
  const view = await client.GET('/episodes/{id}', { params: { path: { id }, query: { after } }, headers: auth('therapist') });
  if (!view.data) return fail('progress view', view.error);
  const masked: string = view.data.patient.personnummerMasked;
  const unread: number = view.data.unreadCount;
  const partsDone: number[] = view.data.modules.map((m) => m.partsDone);
  const messages = await client.GET('/episodes/{id}/messages', { params: { path: { id }, query: { after } }, headers: auth('therapist') });
  if (!messages.data) return fail('messages', messages.error);
  const reads: boolean[] = messages.data.conversations.flatMap((c) => c.messages.map((m) => m.read));
  const patient = await client.GET('/episodes/{id}/patient-view', { params: { path: { id }, query: { after } }, headers: auth('patient_gateway') });
  if (!patient.data) return fail('patient view', patient.error);
  const visible: string[] = patient.data.modules.map((m) => m.moduleId);
  const dashboard = await client.GET('/dashboard', { params: { query: { after, sort: '-assignedAt', limit: 50 } }, headers: auth('therapist') });
  if (!dashboard.data) return fail('dashboard', dashboard.error);
  const obligations = await client.GET('/journal/obligations', { params: { query: { status: 'outstanding', after } }, headers: auth('therapist') });
  if (!obligations.data) return fail('obligations', obligations.error);
  const kva: string[] = obligations.data.obligations.flatMap((o) => o.kvaCodes);

  const ended = await client.POST('/episodes/{id}/end', { params: path, headers: auth('therapist'), body: { outcome: 'completed' } });
  if (!ended.data) return fail('end', ended.error);
  const again = await client.POST('/episodes/{id}/end', { params: path, headers: auth('therapist'), body: { outcome: 'completed' } });
  const refusal: string | undefined = again.error?.error.code;
  const timeline = await client.GET('/episodes/{id}/timeline', { params: { path: { id } }, headers: auth('auditor') });
  if (!timeline.data) return fail('timeline', timeline.error);
  const types: string[] = timeline.data.entries.map((e) => e.type);
  const feed = await client.GET('/events', { params: { query: { limit: 500 } }, headers: auth('integration') });
  if (!feed.data) return fail('feed', feed.error);
  const event: components['schemas']['FeedPage']['events'][number] | undefined = feed.data.events[0];

  console.log(JSON.stringify({
    warnings, fee, weekday, masked, unread, partsDone, reads, visible, kva, refusal,
    status: ended.data.status, dashboard: dashboard.data.episodes.length, types: types.length,
    feed: feed.data.events.length, firstType: event?.type, next: feed.data.next.after,
  }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
`;

/** Type assertions and non-null assertions in the program (only the environment's may be asserted). */
function castsIn(source: string): string[] {
  const file = ts.createSourceFile('client.ts', source, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const cast = ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) || ts.isSatisfiesExpression(node);
    const nonNull = ts.isNonNullExpression(node) && !node.expression.getText(file).startsWith('process.env.');
    if (cast || nonNull) found.push(node.getText(file));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

it('generates the types from the served document, type-checks a client without casts, and drives an episode with it', async () => {
  fs.writeFileSync(path.join(dir, 'generate.mjs'), GENERATE);
  await run(process.execPath, [path.join(dir, 'generate.mjs'), `${baseUrl}/openapi.json`, path.join(dir, 'schema.d.ts')], { cwd: dir });
  const clientFile = path.join(dir, 'client.ts');
  fs.writeFileSync(clientFile, CLIENT);
  expect(castsIn(CLIENT)).toEqual([]);

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules/@types')],
    esModuleInterop: true,
    skipLibCheck: true,
    ignoreDeprecations: '6.0',
  };
  const program = ts.createProgram([clientFile], options);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(problems).toEqual([]);

  const js = ts.transpileModule(CLIENT, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  fs.writeFileSync(path.join(dir, 'client.js'), js);
  const tokens = {
    therapist: t.token('therapist'),
    patient_gateway: t.token('patient_gateway'),
    auditor: t.token('auditor'),
    integration: t.token('integration', { unit: UNIT }),
  };
  const { stdout } = await run(process.execPath, [path.join(dir, 'client.js')], {
    cwd: dir,
    env: { ...process.env, BASE_URL: baseUrl, TOKENS: JSON.stringify(tokens) },
  });
  const summary = JSON.parse(stdout) as Record<string, unknown>;
  expect(summary).toEqual({
    warnings: ['PATIENT_NEVER_LOGGED_IN'],
    fee: 200,
    weekday: 'sunday',
    masked: '19121212-****',
    unread: 0,
    partsDone: [2, 0],
    reads: [true, true],
    visible: ['hip-knee'],
    kva: ['GB020', 'ZV044'],
    refusal: 'EPISODE_ENDED',
    status: 'completed',
    dashboard: 1,
    types: expect.any(Number),
    feed: expect.any(Number),
    firstType: 'EpisodeReserved',
    next: expect.stringMatching(/^\d+$/),
  });
}, 120_000);
