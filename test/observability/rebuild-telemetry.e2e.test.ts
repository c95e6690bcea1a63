// `npm run rebuild` with OTEL_EXPORTER_OTLP_ENDPOINT (a local server stands in for the
// collector): the rebuild exports its span (which projections, how many events) and its
// progress and duration metrics, and the command exits cleanly once they are flushed.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApp, THERAPIST } from '../e2e/harness';

jest.setTimeout(120_000);
const ROOT = path.resolve(__dirname, '../..');
const received: Array<{ path: string; body: string }> = [];
let collector: http.Server;
let dir: string;

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
});
afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('exports the rebuild span and its metrics by OTLP', async () => {
  // A store with one episode, written by the service itself.
  const t = await startApp();
  dir = t.dir;
  expect((await t.http.post('/episodes').set(t.auth('therapist')).send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' })).status).toBe(201);
  await t.close();

  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(EVENT_STORE|DATABASE_URL|OTEL_)/.test(name)));
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/rebuild.ts', 'all'], {
    cwd: ROOT,
    env: { ...env, DATA_DIR: dir, TS_NODE_TRANSPILE_ONLY: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` },
  });
  expect(stdout).toMatch(/Rebuilt .* events/);

  const spans = received
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) => (JSON.parse(r.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }> }> }> }).resourceSpans)
    .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const rebuild = spans.find((s) => s.name === 'projector.rebuild');
  expect(rebuild).toBeDefined();
  expect(rebuild!.attributes.find((a) => a.key === 'artrosskola.rebuild.which')?.value).toEqual({ stringValue: 'all' });
  const metrics = received.filter((r) => r.path === '/v1/metrics').map((r) => r.body).join('\n');
  expect(metrics).toContain('rebuild');
  expect(received.map((r) => r.body).join('\n')).not.toContain('19121212');
});
