// `npm run rebuild -- <projection>|all` as a user runs it: a child process on the service's
// DATA_DIR, not on a terminal, so it prints plain progress lines; the read models it leaves
// answer the same as before the rebuild.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/app/config';
import { buildApp } from '../../src/app/bootstrap';
import { mintToken } from '../../src/app/auth/token-verifier';
import request from 'supertest';
import { UNIT, THERAPIST } from '../e2e/harness';

const ROOT = path.resolve(__dirname, '../..');
const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/rebuild.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('the rebuild command', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-rebuild-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replays the log into fresh tables with plain progress lines, leaving the same ledger', async () => {
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
    const auth = { Authorization: `Bearer ${mintToken(config.jwtSecret!, { sub: THERAPIST, role: 'therapist', unit: UNIT })}` };
    const reporting = { Authorization: `Bearer ${mintToken(config.jwtSecret!, { sub: 'job', role: 'reporting' })}` };
    const ledger = async () => {
      const app = await buildApp(config);
      await app.app.init();
      try {
        const head = (await request(app.app.getHttpServer()).get('/health')).body.store.headPosition;
        return (await request(app.app.getHttpServer()).get(`/billing/ledger?after=${head}`).set(reporting)).body;
      } finally {
        await app.close();
      }
    };
    const app = await buildApp(config);
    await app.app.init();
    for (const personnummer of ['19121212-1212', '20190101-2391', '19030818-9802']) {
      const res = await request(app.app.getHttpServer()).post('/episodes').set(auth).send({ personnummer, therapistId: THERAPIST, diagnosisCode: 'M16.1' });
      expect(res.status).toBe(201);
    }
    await app.close();
    const before = await ledger();
    expect(before.lines).toHaveLength(3);

    const run = cli(dir, 'all');
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/rebuild all: \d+\/\d+ events \(100%\), \d+ events\/s, \d+ s left/);
    expect(run.stdout).toMatch(/^Rebuilt dashboard, episode_progress, .*: \d+ events in/m);
    expect(await ledger()).toEqual(before);

    const bad = cli(dir, 'no-such-projection');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('usage: npm run rebuild -- <dashboard|');
  });
});
