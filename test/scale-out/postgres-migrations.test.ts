// The PostgreSQL event store's schema migrations: versioned, run at start, safe to run
// twice and from several processes at once, and refused on a schema newer than the code.
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { migratePostgres } from '../../src/event-store/postgres-schema';
import type { NewEvent } from '../../src/event-store/event-store';
import { PG_EXAMPLE, sayNotRun } from './not-run';

const url = process.env.DATABASE_URL;
if (!url) sayNotRun('PostgreSQL migration suite', 'DATABASE_URL', PG_EXAMPLE);

const metadata = { actorId: 'SE2321000131-T001', role: 'therapist', commandId: 'c1', correlationId: 'c1', causationId: 'c1' };
const event = (): NewEvent => ({ id: randomUUID(), type: 'MessageSent', schemaVersion: 1, data: { n: 1 }, metadata });

(url ? describe : describe.skip)('PostgreSQL event-store migrations', () => {
  let admin: Pool;
  const schemas: string[] = [];
  const fresh = () => {
    const schema = `es_migrate_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    return schema;
  };
  const versions = async (schema: string) =>
    (await admin.query<{ version: number }>(`SELECT version FROM "${schema}".event_store_migrations ORDER BY version`)).rows.map((r) => r.version);

  beforeAll(() => {
    admin = new Pool({ connectionString: url, max: 4 });
  });
  afterAll(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('creates the schema at start and records each version once, however often it runs', async () => {
    const schema = fresh();
    const store = await PostgresEventStore.create({ connectionString: url as string, schema, poolSize: 2 });
    expect(await versions(schema)).toEqual([1, 2]);
    await store.appendToStream('episode-a', [event(), event()], { expectedRevision: 'no_stream' });
    await store.close();

    await migratePostgres(admin, schema);
    await migratePostgres(admin, schema);
    expect(await versions(schema)).toEqual([1, 2]);

    // Reopening migrates again: the events are kept and positions continue.
    const again = await PostgresEventStore.create({ connectionString: url as string, schema, poolSize: 2 });
    try {
      const next = await again.appendToStream('episode-a', [event()], { expectedRevision: 1 });
      expect(next).toMatchObject({ nextExpectedRevision: 2, lastPosition: 3n });
      expect((await again.readStream('episode-a')).map((e) => e.revision)).toEqual([0, 1, 2]);
    } finally {
      await again.close();
    }
    expect(await versions(schema)).toEqual([1, 2]);
  });

  it('applies a new schema once when several processes migrate it at the same moment', async () => {
    const schema = fresh();
    const pools = [1, 2, 3, 4, 5].map(() => new Pool({ connectionString: url, max: 1 }));
    try {
      const outcomes = await Promise.allSettled(pools.map((pool) => migratePostgres(pool, schema)));
      expect(outcomes.map((o) => o.status)).toEqual(pools.map(() => 'fulfilled'));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    expect(await versions(schema)).toEqual([1, 2]);
  });

  it('refuses a schema migrated by newer code, and changes nothing', async () => {
    const schema = fresh();
    await migratePostgres(admin, schema);
    await admin.query(`INSERT INTO "${schema}".event_store_migrations (version) VALUES (3)`);
    await expect(migratePostgres(admin, schema)).rejects.toThrow(`schema ${schema} is at version 3, newer than this code (2)`);
    await expect(PostgresEventStore.create({ connectionString: url as string, schema })).rejects.toThrow(/newer than this code/);
    expect(await versions(schema)).toEqual([1, 2, 3]);
  });
});
