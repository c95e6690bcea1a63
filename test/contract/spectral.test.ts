// The OpenAPI document the service serves passes Spectral's recommended OpenAPI ruleset
// (.spectral.yaml extends spectral:oas) with no error, no warning, no hint: the document an
// integrator's tooling reads is valid and complete (operation ids, descriptions, tags,
// examples that match their schemas, contact, servers, security).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApp, type TestApp } from '../e2e/harness';
import { documentOf } from './openapi-validator';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
let t: TestApp;
let dir: string;

beforeAll(async () => {
  t = await startApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-spectral-'));
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface SpectralResult {
  readonly code: string;
  readonly message: string;
  readonly path: readonly string[];
  readonly severity: number;
}

it('npx spectral lint with spectral:oas finds nothing in the served document', async () => {
  const file = path.join(dir, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(await documentOf(t), null, 2));
  const spectral = path.join(ROOT, 'node_modules/.bin/spectral');
  // Exit code 1 with results; the JSON report is read either way.
  const out = await run(spectral, ['lint', file, '--ruleset', path.join(ROOT, '.spectral.yaml'), '--format', 'json', '--fail-severity', 'hint', '--quiet'], { cwd: ROOT }).catch(
    (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
  const results = JSON.parse(out.stdout || '[]') as SpectralResult[];
  expect(results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`)).toEqual([]);
  expect(out.stderr).not.toMatch(/error/i);
}, 120_000);
