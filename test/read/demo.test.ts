// `npm run demo` as a new user runs it: it seeds the demo unit through the command path and
// leaves every projection filled, so the service answers the printed calls at once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/app/config';
import { buildApp } from '../../src/app/bootstrap';

const ROOT = path.resolve(__dirname, '../..');
const DEMO_UNIT = 'SE2321000131-E100';

describe('the demo', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-demo-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('seeds a dozen episodes at every stage and prints a token and calls per role', async () => {
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/demo.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Seeded 12 episodes at ${DEMO_UNIT} (8 ended, 4 active)`);
    for (const role of ['THERAPIST', 'ADMIN', 'AUDITOR', 'REPORTING', 'GATEWAY']) expect(run.stdout).toMatch(new RegExp(`^export ${role}=ey`, 'm'));
    const token = (role: string) => new RegExp(`^export ${role}=(\\S+)$`, 'm').exec(run.stdout)![1]!;
    const inProgress = /\/episodes\/([0-9A-Z]{26}) -H "Authorization: Bearer \$THERAPIST"/.exec(run.stdout)![1]!;

    // Run again: nothing is seeded twice, and the calls name the seeded episodes.
    const again = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/demo.ts'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dir }, encoding: 'utf8', timeout: 90_000 });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already seeded');
    expect(again.stdout).toContain(`/episodes/${inProgress} -H`);
    expect(again.stdout).not.toContain('<episodeId>');

    const app = await buildApp(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv));
    await app.app.init();
    try {
      const http = request(app.app.getHttpServer());
      const as = (role: string) => ({ Authorization: `Bearer ${token(role)}` });
      const lag = (await http.get('/health')).body.projections;
      expect(lag.maxBehind).toBe('0');

      const dashboard = (await http.get('/dashboard').set(as('ADMIN'))).body;
      expect(dashboard.episodes).toHaveLength(4);
      expect(dashboard.episodes.some((e: { unreadMessages: { marker: boolean } }) => e.unreadMessages.marker)).toBe(true);
      expect(dashboard.episodes.some((e: { warnings: string[] }) => e.warnings.length > 0)).toBe(true);

      const progress = (await http.get(`/episodes/${inProgress}`).set(as('THERAPIST'))).body;
      expect(progress.activityPlan.adherence.reported).toBe(3);
      expect(progress.activityPlan.occasions.some((o: { status: string }) => o.status === 'missed')).toBe(true);
      expect((await http.get(`/episodes/${inProgress}/messages`).set(as('THERAPIST'))).body.conversations[0].messages).toHaveLength(3);

      const ledger = (await http.get(`/billing/ledger?unitId=${DEMO_UNIT}`).set(as('REPORTING'))).body;
      expect(ledger.reconciliation).toEqual({ assignments: 12, feeLines: 12, balanced: true });
      expect(ledger.totals.exemptions).toBe(1);

      const outcomes = (await http.get(`/reports/outcomes?unitId=${DEMO_UNIT}`).set(as('REPORTING'))).body.lines;
      const sum = (k: string) => outcomes.reduce((n: number, l: Record<string, number>) => n + l[k]!, 0);
      expect([sum('assignments'), sum('completed'), sum('abandoned'), sum('active')]).toEqual([12, 4, 4, 4]);

      const obligations = (await http.get('/journal/obligations?status=recorded').set(as('ADMIN'))).body.obligations;
      expect(obligations.length).toBeGreaterThan(0);
      const timeline = await http.get(`/episodes/${inProgress}/timeline`).set(as('AUDITOR'));
      expect(timeline.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
