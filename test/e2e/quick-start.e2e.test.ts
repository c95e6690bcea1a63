// The README's quick start, as a new user runs it: `npm start` on a fresh data directory,
// `npm run token` for a therapist, assign the school over HTTP, mint an auditor token and
// read the episode's timeline back. Real processes, the real port, nothing in between.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(120_000);
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** The environment of a fresh machine: none of the service's own variables set. */
function freshEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const ours = /^(AUTH_|DATA_|EVENT_STORE|EVENTSTOREDB_|DATABASE_|PATIENT_INDEX_KEY|PORT$|HOST$|WRITE_RETRIES|LOG_LEVEL|BODY_LIMIT|RATE_LIMIT)/;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !ours.test(name)));
  return { ...env, NODE_ENV: 'development', ...extra };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const npmToken = async (args: string[], env: NodeJS.ProcessEnv) =>
  (await run('npm', ['run', '-s', 'token', '--', ...args], { cwd: ROOT, env })).stdout.trim();

describe('the README quick start', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let output = '';
  let env: NodeJS.ProcessEnv;
  let base: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-quick-start-'));
    const port = await freePort();
    env = freshEnv({ DATA_DIR: dir, PORT: String(port) });
    base = `http://127.0.0.1:${port}`;
    // Its own process group, so that npm and the node process under it stop together.
    server = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = Date.now();
    while (!output.includes(`Digital Artrosskola core on ${base}`)) {
      if (server.exitCode !== null || Date.now() - started > 90_000) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API on the embedded store, warning about the local secret', async () => {
    expect(output).toContain(`store: sqlite, ${path.join(dir, 'events.db')}`);
    expect(output).toMatch(/local development JWT secret/);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: { headPosition: '0' } });
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    expect(fs.existsSync(path.join(dir, 'events.db'))).toBe(true);
  });

  it('assigns the school with a minted therapist token and reads its events back as an auditor', async () => {
    const token = await npmToken(['--role', 'therapist', '--unit', 'SE2321000131-E001', '--sub', 'SE2321000131-T001'], env);
    const assigned = await fetch(`${base}/episodes`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ personnummer: '19121212-1212', therapistId: 'SE2321000131-T001', diagnosisCode: 'M17.1' }),
    });
    const answer = (await assigned.json()) as { episodeId: string; revision: number; position: string; warnings: string[]; fee: { kind: string; amountSek: number } };
    expect(assigned.status).toBe(201);
    // The answer the README shows.
    expect(answer).toMatchObject({ episodeId: expect.stringMatching(/^01/), revision: 2, position: '4', warnings: [], fee: { kind: 'charged', amountSek: 200 } });

    const auditor = await npmToken(['--role', 'auditor'], env);
    const timeline = await fetch(`${base}/episodes/${answer.episodeId}/timeline`, { headers: { Authorization: `Bearer ${auditor}` } });
    expect(timeline.status).toBe(200);
    const body = (await timeline.json()) as { integrity: { ok: boolean }; entries: Array<{ revision: number; type: string; actor: { id: string; role: string } }> };
    expect(body.integrity.ok).toBe(true);
    expect(body.entries.map((e) => [e.revision, e.type])).toEqual([
      [0, 'AssignmentStarted'],
      [1, 'FeeCharged'],
      [2, 'JournalObligationRaised'],
    ]);
    expect(body.entries[0]!.actor).toMatchObject({ id: 'SE2321000131-T001', role: 'therapist' });
  });

  it('mints no token for claims the service would refuse', async () => {
    await expect(npmToken(['--role', 'superuser'], env)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Invalid claims: role') });
  });
});

describe('npm start with a bad configuration', () => {
  it('stops with a message naming the variable', async () => {
    const env = freshEnv({ PORT: 'abc', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'das-bad-config-')) });
    const failed = await run('npm', ['start'], { cwd: ROOT, env }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).not.toBeNull();
    expect(failed!.code).toBe(1);
    expect(failed!.stderr).toMatch(/Invalid configuration:\n\s+PORT: /);
    fs.rmSync(env.DATA_DIR!, { recursive: true, force: true });
  });
});
