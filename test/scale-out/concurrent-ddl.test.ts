// Several service processes starting at once on a fresh schema create the key store's and
// the access log's tables exactly once between them: none fails, and a failed attempt is
// not remembered (the next use tries again).
import { Pool } from 'pg';
import { PostgresKeyStore } from '../../src/app/privacy/key-store';
import { PostgresAccessLogStore } from '../../src/app/access-log/access-log-store';
import { PG_EXAMPLE, sayNotRun } from './not-run';

const url = process.env.DATABASE_URL;
const suite = url ? describe : describe.skip;
if (!url) sayNotRun('The concurrent-DDL PostgreSQL suite', 'DATABASE_URL', PG_EXAMPLE);

suite('tables made by many starting instances at once', () => {
  const schema = `ddl_race_${process.pid}`;
  const pools: Pool[] = [];
  afterAll(async () => {
    await pools[0]?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await Promise.all(pools.map((p) => p.end()));
  });

  it('twelve instances creating the same tables all succeed', async () => {
    for (let i = 0; i < 12; i++) pools.push(new Pool({ connectionString: url, max: 2 }));
    const results = await Promise.allSettled(
      pools.flatMap((pool) => [
        new PostgresKeyStore(pool, schema).current('patient-ref'),
        new PostgresAccessLogStore(pool, schema).query({ limit: 1 }),
      ]),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  });
});
