// Real service processes for the scale-out tests: `src/main.ts` under ts-node, each on its
// own loopback port, all on one PostgreSQL schema and sharing keys, as in a deployment.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { mintToken } from '../../src/app/auth/token-verifier';

const ROOT = path.resolve(__dirname, '../..');

export const UNIT = 'SE2321000131-E001';
export const THERAPIST = 'SE2321000131-T001';
export const UNIT_ADMIN = 'SE2321000131-A001';

/** What every instance of one deployment shares. */
export interface Deployment {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly secret: string;
  readonly env: Record<string, string>;
  readonly dataDir: string;
}

export function deployment(databaseUrl: string, schema: string): Deployment {
  const secret = `scale-out-${randomBytes(12).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-'));
  return {
    databaseUrl,
    schema,
    secret,
    dataDir,
    env: {
      EVENT_STORE: 'postgres',
      DATABASE_SCHEMA: schema,
      AUTH_JWT_SECRET: secret,
      PATIENT_INDEX_KEY: `patient-index-${randomBytes(12).toString('hex')}`,
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
    },
  };
}

export interface Instance {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Resolves with the exit signal or code once the process is gone. */
  readonly exited: Promise<string>;
  /** The process's last output lines, for a failure message. */
  output(): string;
  http(): ReturnType<typeof request>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Spawn one instance; its PostgreSQL sessions carry application_name = name, so pg_locks can name it. */
export async function spawnInstance(d: Deployment, name: string): Promise<Instance> {
  const port = await freePort();
  const url = new URL(d.databaseUrl);
  url.searchParams.set('application_name', name);
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...d.env, PORT: String(port), DATABASE_URL: url.toString(), TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  const base = `http://127.0.0.1:${port}`;
  return { name, port, child, exited, output: () => lines.join('\n'), http: () => request(base) };
}

/** Wait until the instance answers /health, or fail with its output. */
export async function untilHealthy(instance: Instance, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let gone: string | undefined;
  void instance.exited.then((how) => (gone = how));
  while (Date.now() < until) {
    if (gone !== undefined) throw new Error(`${instance.name} exited (${gone}) before it was healthy:\n${instance.output()}`);
    try {
      const res = await instance.http().get('/health').timeout(2000);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${instance.name} did not become healthy in ${timeoutMs} ms:\n${instance.output()}`);
}

/** Stop an instance this test started (by its own handle), waiting for it to be gone. */
export async function stopInstance(instance: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<string> {
  if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill(signal);
  const forced = setTimeout(() => instance.child.kill('SIGKILL'), 10_000);
  try {
    return await instance.exited;
  } finally {
    clearTimeout(forced);
  }
}

export function tokens(d: Deployment) {
  const sign = (claims: { sub: string; role: string; unit?: string; episode?: string }) => `Bearer ${mintToken(d.secret, claims)}`;
  return {
    therapist: sign({ sub: THERAPIST, role: 'therapist', unit: UNIT }),
    unitAdmin: sign({ sub: UNIT_ADMIN, role: 'unit_admin', unit: UNIT }),
    auditor: sign({ sub: 'SE2321000131-R001', role: 'auditor' }),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not in time: ${what}`);
    await sleep(100);
  }
}
