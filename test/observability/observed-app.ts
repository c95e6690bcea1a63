// The real app on a temporary SQLite directory, as test/e2e/harness.ts starts it, with the
// build options the operations tests need: a captured log, read-side settings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { loadConfig, type AppConfig } from '../../src/app/config';
import { buildApp, type BuildOptions, type RunningApp } from '../../src/app/bootstrap';
import { mintToken } from '../../src/app/auth/token-verifier';
import { THERAPIST, UNIT } from '../e2e/harness';

export interface ObservedApp extends RunningApp {
  readonly http: ReturnType<typeof request>;
  readonly config: AppConfig;
  readonly dir: string;
  auth(role: string, opts?: { unit?: string | null; sub?: string; episode?: string }): { Authorization: string };
  token(role: string, opts?: { unit?: string | null; sub?: string; episode?: string }): string;
  stop(): Promise<void>;
}

export async function startObservedApp(options: { env?: Record<string, string> } & Omit<BuildOptions, 'rawStore'> = {}): Promise<ObservedApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-ops-'));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ...options.env } as NodeJS.ProcessEnv);
  // nestjs-pino keeps the first app's logger for lines outside a request: each app its own.
  __resetOutOfContextForTests();
  const running = await buildApp(config, options);
  await running.app.init();
  const token: ObservedApp['token'] = (role, opts = {}) => {
    const unit = opts.unit === null ? undefined : (opts.unit ?? (role === 'auditor' || role === 'reporting' ? undefined : UNIT));
    return mintToken(config.jwtSecret!, {
      sub: opts.sub ?? (role === 'therapist' ? THERAPIST : `SE2321000131-${role}`),
      role,
      ...(unit ? { unit } : {}),
      ...(opts.episode ? { episode: opts.episode } : {}),
    });
  };
  return {
    ...running,
    http: request(running.app.getHttpServer()),
    config,
    dir,
    token,
    auth: (role, opts) => ({ Authorization: `Bearer ${token(role, opts)}` }),
    stop: async () => {
      await running.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
