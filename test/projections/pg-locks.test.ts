// PostgreSQL: with advisory locks, each projection runs in exactly one of two projectors
// sharing a schema; the other follows its checkpoints (so waitFor works on both) and takes
// over when the holder stops or its session dies.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { ReadModelDb } from '../../src/projections/read-model-schema';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { createReadModelDb } from '../../src/projections/read-model-db';
import { Projector } from '../../src/projections/projector';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { dumpTables } from './harness';
import { start, therapistOf, UNITS, World } from './world';
import { PG_EXAMPLE, sayNotRun } from '../scale-out/not-run';

const DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL) sayNotRun('PostgreSQL advisory-lock suite', 'DATABASE_URL', PG_EXAMPLE);
const T1 = therapistOf(UNITS[0]);

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const statuses = async (p: Projector) => Object.fromEntries((await p.lag()).projections.map((x) => [x.name, x.status]));

// Runs only when DATABASE_URL names a PostgreSQL server (CI starts one); otherwise skipped.
(DATABASE_URL ? describe : describe.skip)('advisory locks (PostgreSQL)', () => {
  const schema = `proj_locks_${randomBytes(4).toString('hex')}`;
  // Opened in beforeAll: a skipped suite's body still runs, and must open nothing.
  let admin: Pool;
  let store: SqliteEventStore;
  let world: World;
  let dbs: ReadModelDb[] = [];
  const projectors: Projector[] = [];
  const open = () => {
    const db = createReadModelDb({ kind: 'postgres', connectionString: DATABASE_URL, schema, poolConfig: { max: 3 } });
    dbs.push(db);
    const projector = new Projector({ store, db, projections: ALL_PROJECTIONS, advisoryLocks: true, pollIntervalMs: 30, logger: { warn: () => undefined } });
    projectors.push(projector);
    return projector;
  };
  beforeAll(() => {
    admin = new Pool({ connectionString: DATABASE_URL, max: 2 });
    store = new SqliteEventStore(':memory:');
    world = new World(store);
  });
  afterAll(async () => {
    for (const p of projectors) await p.stop();
    for (const db of dbs) await db.destroy();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    await store.close();
    dbs = [];
  });

  it('runs each projection once, lets the other follow, and hands over when the holder goes', async () => {
    const first = open();
    await first.start();
    await eventually(async () => Object.values(await statuses(first)).every((s) => s === 'live'));
    const second = open();
    await second.start();
    await eventually(async () => Object.values(await statuses(second)).every((s) => s === 'elsewhere'));

    for (const id of ['A', 'B', 'C']) await world.episode(id, start(id), T1);
    const head = await store.headPosition();
    expect(await first.waitFor(head, 5000)).toBe(true);
    expect(await second.waitFor(head, 5000)).toBe(true); // follows the stored checkpoints

    // The holder's session dies: its locks go with it, and someone runs every projection again.
    const { rows: holders } = await admin.query<{ pid: number }>(
      `SELECT DISTINCT l.pid FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.objsubid = 1
          AND ((l.classid::bigint << 32) | l.objid::bigint) IN (SELECT hashtextextended($1 || n, 0) FROM unnest($2::text[]) n)`,
      [`artrosskola.projection:${schema}:`, ALL_PROJECTIONS.map((p) => p.name)],
    );
    expect(holders).toHaveLength(1); // the first projector's lock session holds them all
    await admin.query('SELECT pg_terminate_backend($1)', [holders[0].pid]);
    await world.episode('D', start('D'), T1);
    await eventually(async () => {
      const [a, b] = [await statuses(first), await statuses(second)];
      return ALL_PROJECTIONS.every((p) => (a[p.name] === 'live') !== (b[p.name] === 'live'));
    });
    const head2 = await store.headPosition();
    expect(await second.waitFor(head2, 5000)).toBe(true);

    // A clean stop hands everything to the one left.
    await first.stop();
    await eventually(async () => Object.values(await statuses(second)).every((s) => s === 'live'));
    await world.episode('E', start('E'), T1);
    expect(await second.waitFor(await store.headPosition(), 5000)).toBe(true);
    await second.stop();

    const clean = createReadModelDb({ kind: 'postgres', connectionString: DATABASE_URL, schema: `${schema}_clean`, poolConfig: { max: 2 } });
    dbs.push(clean);
    try {
      await new Projector({ store, db: clean, projections: ALL_PROJECTIONS }).catchUp();
      expect(await dumpTables(dbs[0])).toEqual(await dumpTables(clean));
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}_clean" CASCADE`);
    }
  }, 30_000);
});
