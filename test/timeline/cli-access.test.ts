// Reading a patient's history on the command line is logged like a read over HTTP: replay
// and export write an access-log record naming the auditor before they print anything.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/app/config';
import { buildApp } from '../../src/app/bootstrap';
import { mintToken } from '../../src/app/auth/token-verifier';
import { THERAPIST, UNIT } from '../e2e/harness';

const ROOT = path.resolve(__dirname, '../..');
const AUDITOR = 'SE2321000131-G007';

describe('command-line reads in the access log', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-cli-access-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replay and export record who read which episode', async () => {
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
    const bearer = (claims: Parameters<typeof mintToken>[1]) => ({ Authorization: `Bearer ${mintToken(config.jwtSecret!, claims)}` });
    let app = await buildApp(config);
    await app.app.init();
    const created = await request(app.app.getHttpServer())
      .post('/episodes')
      .set(bearer({ sub: THERAPIST, role: 'therapist', unit: UNIT }))
      .send({ personnummer: '19121212-1212', therapistId: THERAPIST, diagnosisCode: 'M17.1' });
    expect(created.status).toBe(201);
    await app.close();

    const env = { ...process.env, DATA_DIR: dir, AUDIT_ACTOR: AUDITOR };
    for (const args of [['src/cli/replay.ts', created.body.episodeId, '--format', 'json'], ['src/cli/export-import.ts', 'export', created.body.episodeId]]) {
      const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(0);
    }

    app = await buildApp(config);
    await app.app.init();
    try {
      const log = await request(app.app.getHttpServer()).get('/access-log?personnummer=19121212-1212').set(bearer({ sub: 'SE2321000131-G001', role: 'auditor' }));
      expect(log.status).toBe(200);
      const mine = log.body.records.filter((r: { actorId: string }) => r.actorId === AUDITOR);
      expect(mine.map((r: { endpoint: string; action: string }) => [r.endpoint, r.action])).toEqual([['CLI replay', 'read'], ['CLI export', 'export']]);
      expect(mine[0]).toEqual(expect.objectContaining({ role: 'auditor', episodeId: created.body.episodeId, patientUnitId: UNIT }));
    } finally {
      await app.close();
    }
  });
});
