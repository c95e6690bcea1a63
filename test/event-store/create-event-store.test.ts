import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEventStore, EventStoreConfigError } from '../../src/event-store/create-event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';

describe('createEventStore', () => {
  it('opens SQLite on the given file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-store-factory-'));
    const store = await createEventStore({ kind: 'sqlite', sqliteFile: path.join(dir, 'data', 'events.db') });
    expect(store).toBeInstanceOf(SqliteEventStore);
    expect((store as SqliteEventStore).file).toBe(path.join(dir, 'data', 'events.db'));
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says which URL is missing', async () => {
    await expect(createEventStore({ kind: 'eventstoredb' })).rejects.toThrow(EventStoreConfigError);
    await expect(createEventStore({ kind: 'eventstoredb' })).rejects.toThrow(/EVENTSTOREDB_URL/);
  });

  // Runs only with a PostgreSQL server (DATABASE_URL); see postgres.test.ts.
  (process.env.DATABASE_URL ? it : it.skip)('opens PostgreSQL in the given schema', async () => {
    const schema = `es_factory_${process.pid}`;
    const store = await createEventStore({ kind: 'postgres', databaseUrl: process.env.DATABASE_URL, postgresSchema: schema });
    expect(store).toBeInstanceOf(PostgresEventStore);
    expect((store as PostgresEventStore).schema).toBe(schema);
    await (store as PostgresEventStore).pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await store.close();
  });
});
