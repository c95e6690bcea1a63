// The service as `npm start` runs it, with OTEL_EXPORTER_OTLP_ENDPOINT (a local server
// stands in for the collector) and METRICS_PORT: the SDK starts before Nest, Express and pg
// load, so the HTTP server span is the parent of the command span; the projector's batch
// links back to the command; the metrics port answers the command counts; the public port
// has no /metrics; and nothing exported carries the personnummer of a URL's query string.
// (In-process tests cannot do this: jest's module registry cannot be instrumented.)
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mintToken } from '../../src/app/auth/token-verifier';
import { LOCAL_JWT_SECRET } from '../../src/app/config';
import { THERAPIST, UNIT } from '../e2e/harness';
import { eventually } from './eventually';
import { sample } from './telemetry-harness';

jest.setTimeout(120_000);
const ROOT = path.resolve(__dirname, '../..');

interface OtlpSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  links?: Array<{ traceId: string; spanId: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }>;
}

const received: Array<{ path: string; body: string }> = [];
let collector: http.Server;
let service: ChildProcess | undefined;
let output = '';
let dir: string;
let api: string;
let metricsUrl: string;

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;
const spansOf = (): OtlpSpan[] =>
  received
    .filter((e) => e.path === '/v1/traces')
    .flatMap((e) => (JSON.parse(e.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans)
    .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-otlp-'));
  // The store and secret of a fresh machine, whatever this shell has set.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(EVENT_STORE|DATABASE_URL|AUTH_JWT_SECRET|AUTH_JWKS_URL|OTEL_SDK_DISABLED|OTEL_TRACES_EXPORTER|LOG_LEVEL)$/.test(name)),
  );
  const env = {
    ...inherited,
    NODE_ENV: 'development',
    DATA_DIR: dir,
    // Ports the system chooses; the service says which (no race with other tests for a port).
    PORT: '0',
    METRICS_PORT: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  service = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = await eventually(
    async () => {
      if (service!.exitCode !== null) throw new Error(`the service exited:\n${output}`);
      return [/core on (http:\/\/127\.0\.0\.1:\d+) /.exec(output)?.[1], /Metrics: (http:\S+\/metrics)/.exec(output)?.[1]] as const;
    },
    ([a, m]) => a !== undefined && m !== undefined,
    'the service listening',
    90_000,
  );
  [api, metricsUrl] = started as [string, string];
  expect((await fetch(`${api}/health/ready`)).status).toBe(200);
});

afterAll(async () => {
  if (service && service.exitCode === null && service.signalCode === null) {
    const exited = new Promise((resolve) => service!.once('exit', resolve));
    service.kill('SIGKILL');
    await exited;
  }
  collector.closeAllConnections();
  await new Promise((resolve) => collector.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

it('traces a request through its command to the projector, counts it on the metrics port, and exports no personnummer', async () => {
  const therapist = `Bearer ${mintToken(LOCAL_JWT_SECRET, { sub: THERAPIST, role: 'therapist', unit: UNIT })}`;
  const auditor = `Bearer ${mintToken(LOCAL_JWT_SECRET, { sub: 'SE2321000131-GRANSKARE', role: 'auditor' })}`;
  const assigned = await fetch(`${api}/episodes`, {
    method: 'POST',
    headers: { Authorization: therapist, 'Content-Type': 'application/json', 'X-Correlation-Id': 'corr-otlp' },
    body: JSON.stringify({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' }),
  });
  expect(assigned.status).toBe(201);
  const { position } = (await assigned.json()) as { position: string };
  expect((await fetch(`${api}/dashboard?after=${position}`, { headers: { Authorization: therapist } })).status).toBe(200);
  expect((await fetch(`${api}/access-log?personnummer=19121212-1212`, { headers: { Authorization: auditor } })).status).toBe(200);

  const text = await (await fetch(metricsUrl)).text();
  expect(sample(text, 'artrosskola_command_duration_count', { command_type: 'StartAssignment', outcome: 'accepted' })).toBe(1);
  expect(sample(text, 'http_server_request_duration_count', { http_route: '/episodes', http_response_status_code: '201' })).toBe(1);
  expect((await fetch(`${api}/metrics`)).status).toBe(404);

  // SIGTERM: Nest closes the app, and the telemetry flushes as the last step.
  const exited = new Promise<number | null>((resolve) => service!.once('exit', (code) => resolve(code)));
  service!.kill('SIGTERM');
  await exited;
  const spans = spansOf();
  const command = spans.find((s) => s.name === 'command StartAssignment' && attribute(s, 'artrosskola.correlation_id')?.stringValue === 'corr-otlp');
  expect(command).toBeDefined();
  // Its parent chain reaches the HTTP server span of POST /episodes (kind 2: server).
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors: OtlpSpan[] = [];
  for (let s = command; s?.parentSpanId; s = byId.get(s.parentSpanId)) if (byId.has(s.parentSpanId)) ancestors.push(byId.get(s.parentSpanId)!);
  const server = ancestors.find((s) => s.kind === 2);
  expect(server).toBeDefined();
  expect(server!.traceId).toBe(command!.traceId);
  expect(spans.some((s) => s.name === 'projector.batch' && s.links?.some((l) => l.spanId === command!.spanId))).toBe(true);
  // The request's log line names the trace it belongs to.
  const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const line = lines.find((l) => l.route === '/episodes' && l.status === 201);
  expect(line).toMatchObject({ correlationId: 'corr-otlp', trace_id: command!.traceId });
  const everything = received.map((e) => e.body).join('');
  expect(everything).toContain('/access-log');
  for (const form of ['19121212-1212', '191212121212', '1212121212']) expect(everything).not.toContain(form);
});
