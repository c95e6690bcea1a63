// The access log's tamper evidence and the unit's log review, on the store itself and through
// `npm run access-log -- verify | sample`: every kind of tampering is named at the record it
// hit, the sample is drawn from the unit's accesses only, and the store has no way to delete.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GENESIS, hashRecord, PostgresAccessLogStore, SqliteAccessLogStore, verifyAccessLog, type AccessInput } from '../../src/app/access-log/access-log-store';

const run = promisify(execFile);
const CLI = path.join(__dirname, '../../src/cli/access-log.ts');
const UNIT = 'SE2321000131-E001';
const OTHER_UNIT = 'SE2321000131-E999';

const access = (i: number, over: Partial<AccessInput> = {}): AccessInput => ({
  at: new Date(Date.UTC(2026, 10, 1 + i, 9)).toISOString(),
  actorId: `SE2321000131-T${String(i).padStart(3, '0')}`,
  actorName: null,
  role: 'therapist',
  actorUnitId: UNIT,
  action: 'read',
  endpoint: 'GET /episodes/:id',
  episodeId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  patientKey: 'a'.repeat(64),
  patientUnitId: UNIT,
  ...over,
});

async function storeWith(n: number) {
  const store = new SqliteAccessLogStore(':memory:');
  await store.append(Array.from({ length: n }, (_, i) => access(i + 1)));
  return store;
}

const problemsOf = async (store: SqliteAccessLogStore) => (await verifyAccessLog(store)).problems.map((p) => [p.seq, p.problem]);

describe('verifying the hash chain', () => {
  it('finds nothing in an untouched log and gives its head', async () => {
    const store = await storeWith(6);
    const result = await verifyAccessLog(store, 2);
    expect(result.problems).toEqual([]);
    expect(result.records).toBe(6);
    const last = (await store.scan(5, 1))[0]!;
    expect(result.head).toEqual({ seq: 6, hash: last.hash });
    expect(last.hash).toBe(hashRecord(6, last, last.prevHash));
    expect((await store.scan(0, 1))[0]!.prevHash).toBe(GENESIS);
  });

  it('names an edited record', async () => {
    const store = await storeWith(6);
    store.database.prepare("UPDATE access_log SET patient_key = 'b' WHERE seq = 3").run();
    expect(await problemsOf(store)).toEqual([[3, 'edited']]);
  });

  it('names an edited record whose hash was recomputed to hide the edit', async () => {
    const store = await storeWith(6);
    const r = (await store.scan(1, 1))[0]!;
    const forged = { ...r, actorId: 'someone-else' };
    store.database.prepare('UPDATE access_log SET actor_id = ?, hash = ? WHERE seq = 2').run(forged.actorId, hashRecord(2, forged, r.prevHash));
    expect(await problemsOf(store)).toEqual([[2, 'edited']]);
  });

  it('names a removed record, a removed first record, and a removal hidden by renumbering', async () => {
    const gap = await storeWith(6);
    gap.database.prepare('DELETE FROM access_log WHERE seq = 4').run();
    expect(await problemsOf(gap)).toEqual([[5, 'removed']]);

    const first = await storeWith(4);
    first.database.prepare('DELETE FROM access_log WHERE seq = 1').run();
    expect(await problemsOf(first)).toEqual([[2, 'removed']]);

    const renumbered = await storeWith(7);
    renumbered.database.exec('DELETE FROM access_log WHERE seq = 3; UPDATE access_log SET seq = seq - 1 WHERE seq > 3');
    const result = await verifyAccessLog(renumbered);
    expect(result.problems.map((p) => [p.seq, p.problem])).toEqual([[3, 'removed']]);
    expect(result.problems[0]!.detail).toContain('written as record 4');
  });

  it('names both records of a swap as reordered', async () => {
    const store = await storeWith(6);
    store.database.exec('UPDATE access_log SET seq = -1 WHERE seq = 3; UPDATE access_log SET seq = 3 WHERE seq = 4; UPDATE access_log SET seq = 4 WHERE seq = -1');
    const result = await verifyAccessLog(store);
    expect(result.problems.map((p) => [p.seq, p.problem])).toEqual([[3, 'reordered'], [4, 'reordered']]);
    expect(result.problems.map((p) => p.detail)).toEqual(['it was written as record 4', 'it was written as record 3']);
  });
});

describe('no delete path', () => {
  // probeWrite (readiness) inserts a row and always rolls it back: test/privacy/access-log-probe.test.ts.
  it('the stores can only append, query, scan and probe', () => {
    for (const Store of [SqliteAccessLogStore, PostgresAccessLogStore]) {
      const methods = Object.getOwnPropertyNames(Store.prototype).filter((m) => m !== 'constructor' && m !== 'database');
      expect({ store: Store.name, methods: methods.sort() }).toEqual({ store: Store.name, methods: ['append', 'close', 'probeWrite', 'query', 'scan'] });
    }
  });
});

describe('npm run access-log', () => {
  let dir: string;
  const cli = (...args: string[]) =>
    run('npx', ['ts-node', '--transpile-only', CLI, ...args], { env: { ...process.env, DATA_DIR: dir, EVENT_STORE: 'sqlite', LOG_LEVEL: 'silent' } }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'das-access-log-'));
    const store = new SqliteAccessLogStore(path.join(dir, 'access-log.db'));
    // 30 accesses at the unit (by its staff, or by an auditor of its patients), 10 elsewhere.
    await store.append([
      ...Array.from({ length: 20 }, (_, i) => access(i + 1)),
      ...Array.from({ length: 10 }, (_, i) => access(i + 1, { actorId: 'SE2321000131-AUD1', role: 'auditor', actorUnitId: null })),
      ...Array.from({ length: 10 }, (_, i) => access(i + 1, { actorUnitId: OTHER_UNIT, patientUnitId: OTHER_UNIT })),
    ]);
    await store.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('samples at random from the unit\'s accesses for the log review', async () => {
    const a = await cli('sample', '--unit', UNIT, '--size', '8');
    expect(a.code).toBe(0);
    expect(a.out).toContain('Random sample of 8 of 30 accesses at SE2321000131-E001');
    const lines = a.out.split('\n').filter((l) => l.startsWith('  #'));
    expect(lines).toHaveLength(8);
    const seqs = lines.map((l) => Number(/#(\d+)/.exec(l)![1]));
    expect(new Set(seqs).size).toBe(8);
    expect(seqs.every((s) => s <= 30)).toBe(true);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    const b = await cli('sample', '--unit', UNIT, '--size', '8');
    const c = await cli('sample', '--unit', UNIT, '--size', '8');
    // Three draws of 8 from 30 are the same by chance with a probability of about 1e-11.
    expect(new Set([a.out, b.out, c.out]).size).toBeGreaterThan(1);

    const period = await cli('sample', '--unit', UNIT, '--from', '2026-11-03T00:00:00Z', '--to', '2026-11-05T23:59:59Z', '--size', '50');
    expect(period.out).toContain('Random sample of 6 of 6 accesses');
  }, 60_000);

  it('verifies the chain and says which record was tampered with', async () => {
    const intact = await cli('verify');
    expect(intact).toEqual({ code: 0, out: expect.stringContaining('Access log intact: 40 records') });
    expect(intact.out).toMatch(/Head: record 40, hash [0-9a-f]{64}/);

    const db = new SqliteAccessLogStore(path.join(dir, 'access-log.db'));
    db.database.exec('UPDATE access_log SET seq = -1 WHERE seq = 11; UPDATE access_log SET seq = 11 WHERE seq = 12; UPDATE access_log SET seq = 12 WHERE seq = -1');
    db.database.exec("UPDATE access_log SET endpoint = 'GET /health' WHERE seq = 30");
    db.database.exec('DELETE FROM access_log WHERE seq = 35');
    await db.close();
    const tampered = await cli('verify');
    expect(tampered.code).toBe(3);
    expect(tampered.out).toContain('4 problem(s) in 39 records');
    for (const line of ['record 11: reordered', 'record 12: reordered', 'record 30: edited', 'record 36: removed']) expect(tampered.out).toContain(line);
  }, 60_000);
});
