// A rebuild in its worker thread (npm run rebuild on SQLite and PostgreSQL) under its heap
// limit: the same tables as a rebuild in this thread, progress told across the boundary, and
// a clear refusal of a store it cannot open or a heap limit it cannot use.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/app/config';
import { buildApp } from '../../src/app/bootstrap';
import { mintToken } from '../../src/app/auth/token-verifier';
import { rebuildHeapMb, rebuildInWorker, DEFAULT_REBUILD_HEAP_MB } from '../../src/app/read/rebuild-in-worker';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { createReadModelDb } from '../../src/projections/read-model-db';
import { Projector } from '../../src/projections/projector';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { upcast } from '../../src/domain/upcasters';
import { dumpTables } from '../projections/harness';
import { UNIT, THERAPIST } from '../e2e/harness';

describe('a rebuild in its worker thread', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-rebuild-worker-'));
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
    const auth = { Authorization: `Bearer ${mintToken(config.jwtSecret!, { sub: THERAPIST, role: 'therapist', unit: UNIT })}` };
    const app = await buildApp(config);
    await app.app.init();
    try {
      for (const personnummer of ['19121212-1212', '20190101-2391']) {
        const res = await request(app.app.getHttpServer()).post('/episodes').set(auth).send({ personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1' });
        expect(res.status).toBe(201);
        const id = res.body.episodeId as string;
        const hide = await request(app.app.getHttpServer()).post(`/episodes/${id}/modules/hand/hide`).set(auth);
        expect(hide.status).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves the same tables as a rebuild in this thread, and tells its progress', async () => {
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
    const progress: number[] = [];
    const result = await rebuildInWorker(config, 'all', { batchSize: 2, maxCachedRows: 1, onProgress: (done) => progress.push(done) });
    const store = new SqliteEventStore({ file: config.sqliteFile, readOnly: true });
    const head = await store.headPosition();
    expect(result.position).toBe(head);
    expect(result.events).toBe(Number(head));
    expect(result.projections).toEqual(ALL_PROJECTIONS.map((p) => p.name));
    expect(progress[progress.length - 1]).toBe(Number(head));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const rebuilt = createReadModelDb({ kind: 'sqlite', file: config.readModelFile });
    const here = createReadModelDb({ kind: 'sqlite', file: path.join(dir, 'read-models-here.db') });
    try {
      await new Projector({ store, db: here, projections: ALL_PROJECTIONS, upcast: (e) => upcast(e) }).rebuild('all');
      const tables = await dumpTables(rebuilt);
      expect(Object.values(tables).some((rows) => rows.length > 0)).toBe(true);
      expect(tables).toEqual(await dumpTables(here));
    } finally {
      await rebuilt.destroy();
      await here.destroy();
      await store.close();
    }
  });

  it('refuses a store it cannot open, naming why', async () => {
    const config = loadConfig({ DATA_DIR: path.join(dir, 'nothing-here'), LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
    await expect(rebuildInWorker(config, 'all')).rejects.toThrow(/existing file/);
  });

  it('takes its heap limit from REBUILD_HEAP_MB, and refuses one it cannot use', () => {
    expect(rebuildHeapMb({})).toBe(DEFAULT_REBUILD_HEAP_MB);
    expect(rebuildHeapMb({ REBUILD_HEAP_MB: '256' })).toBe(256);
    expect(() => rebuildHeapMb({ REBUILD_HEAP_MB: '16' })).toThrow('REBUILD_HEAP_MB must be a whole number of MiB, at least 32 (got "16")');
    expect(() => rebuildHeapMb({ REBUILD_HEAP_MB: 'lots' })).toThrow(/REBUILD_HEAP_MB/);
  });
});
