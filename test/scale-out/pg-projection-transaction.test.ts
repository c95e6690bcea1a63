// Projections on PostgreSQL write their rows and their checkpoint in one transaction: when
// the database session dies after the rows are written but before COMMIT, neither the rows
// nor the checkpoint remain, and a restarted projector ends exactly where a clean run does.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { createReadModelDb } from '../../src/projections/read-model-db';
import { Projector } from '../../src/projections/projector';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections';
import { readCheckpoints } from '../../src/projections/checkpoints';
import { dumpTables } from '../projections/harness';
import { start, therapistOf, UNITS, World } from '../projections/world';
import { PG_EXAMPLE, sayNotRun } from './not-run';

const url = process.env.DATABASE_URL;
if (!url) sayNotRun('PostgreSQL projection-transaction suite', 'DATABASE_URL', PG_EXAMPLE);

(url ? describe : describe.skip)('projection transactions on PostgreSQL', () => {
  const schema = `proj_txn_${randomBytes(4).toString('hex')}`;
  const appName = `proj-txn-${randomBytes(4).toString('hex')}`;
  let admin: Pool;
  let store: SqliteEventStore;

  beforeAll(async () => {
    admin = new Pool({ connectionString: url, max: 2 });
    store = new SqliteEventStore(':memory:');
    const world = new World(store);
    for (const id of ['A', 'B', 'C']) await world.episode(id, start(id), therapistOf(UNITS[0]));
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}_clean" CASCADE`);
    await admin.end();
    await Promise.all(pools.map((pool) => pool.end()));
    await store.close();
  });

  const pools: Pool[] = [];
  const open = (s: string) => {
    const connection = new URL(url as string);
    connection.searchParams.set('application_name', appName);
    const pool = new Pool({ connectionString: connection.toString(), max: 2 });
    // A session ended by the server must fail the transaction, not crash the test process
    // (a pool made by createReadModelDb from a connection string has no such handlers).
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    pools.push(pool);
    return createReadModelDb({ kind: 'postgres', pool, schema: s });
  };

  it('keeps neither rows nor checkpoint of a batch whose session dies before COMMIT', async () => {
    const db = open(schema);
    let killed = 0;
    const crashing = new Projector({
      store,
      db,
      projections: ALL_PROJECTIONS,
      retryDelayMs: 60_000,
      logger: { warn: () => undefined },
      // The rows and the checkpoint are written; the server ends the session before COMMIT.
      beforeCommit: async () => {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'`,
          [appName],
        );
        killed += rowCount ?? 0;
      },
    });
    try {
      await crashing.catchUp();
      expect(killed).toBeGreaterThan(0);
      const lag = await crashing.lag();
      expect(lag.projections.map((p) => [p.name, p.status, p.position])).toEqual(ALL_PROJECTIONS.map((p) => [p.name, 'failed', '0']));
    } finally {
      await db.destroy();
    }

    const after = open(schema);
    try {
      const stored = await readCheckpoints(after, { dialect: 'postgres', schema }, ALL_PROJECTIONS.map((p) => p.name));
      expect([...stored.values()].map((c) => c.position)).toEqual(ALL_PROJECTIONS.map(() => 0n));
      const tables = await dumpTables(after);
      expect(Object.values(tables).every((rows) => rows.length === 0)).toBe(true);

      // Restarted, it applies everything once: the same read models as a clean run.
      await new Projector({ store, db: after, projections: ALL_PROJECTIONS }).catchUp();
      const clean = open(`${schema}_clean`);
      try {
        await new Projector({ store, db: clean, projections: ALL_PROJECTIONS }).catchUp();
        const expected = await dumpTables(clean);
        expect(expected.billing_ledger).toHaveLength(3);
        expect(await dumpTables(after)).toEqual(expected);
      } finally {
        await clean.destroy();
      }
    } finally {
      await after.destroy();
    }
  });
});
