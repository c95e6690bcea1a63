// Starts the real Nest app on a temporary SQLite file and gives tokens per role.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig, type AppConfig } from '../../src/app/config';
import { buildApp, type RunningApp } from '../../src/app/bootstrap';
import { mintToken } from '../../src/app/auth/token-verifier';
import type { Clock } from '../../src/app/tokens';
import type { EventStore } from '../../src/event-store/event-store';
import { documentOf, ResponseValidator, validating } from '../contract/openapi-validator';

export const UNIT = 'SE2321000131-E001';
export const OTHER_UNIT = 'SE2321000131-E999';
export const THERAPIST = 'SE2321000131-T001';
export const THERAPIST_2 = 'SE2321000131-T002';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(public current: string) {}
  now() {
    return this.current;
  }
  advanceDays(days: number) {
    this.current = new Date(Date.parse(this.current) + days * 86_400_000).toISOString();
  }
}

export interface TestApp extends RunningApp {
  readonly http: ReturnType<typeof request>;
  readonly config: AppConfig;
  readonly dir: string;
  token(role: string, opts?: { unit?: string | null; sub?: string; episode?: string }): string;
  auth(role: string, opts?: { unit?: string | null; sub?: string; episode?: string }): { Authorization: string };
  stop(): Promise<void>;
}

export async function startApp(options: Omit<StartOptions, 'rawStore'> = {}): Promise<TestApp> {
  return startAppOn(options);
}

/** As startApp, with the raw store made from the configuration by the test (e.g. a wrapper around SQLite). */
export interface StartOptions {
  readonly clock?: Clock;
  readonly env?: Record<string, string>;
  readonly rawStore?: (config: AppConfig) => EventStore;
  /**
   * Check every answer against the OpenAPI document the app serves (default true); off only
   * for suites that send what the contract does not describe (fuzzing, raw HTTP hardening).
   */
  readonly validateAnswers?: boolean;
}

export async function startAppOn(options: StartOptions = {}): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-e2e-'));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ...options.env } as NodeJS.ProcessEnv);
  const running = await buildApp(config, { clock: options.clock, rawStore: options.rawStore?.(config) });
  await running.app.init();
  const plain = request(running.app.getHttpServer());
  const http = options.validateAnswers === false ? plain : validating(plain, new ResponseValidator(await documentOf({ http: plain })));
  const token: TestApp['token'] = (role, opts = {}) => {
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
    http,
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

/** Skatteverket's published test personnummer: never numbers of real people. */
export const TEST_PERSONNUMMER = ['19121212-1212', '20190101-2391', '19030818-9802', '202601612381'];
