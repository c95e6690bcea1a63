// Creating tables on a fresh PostgreSQL schema from several service processes at once:
// `CREATE TABLE IF NOT EXISTS` is not safe against itself (two sessions may both create the
// table's row type and one fails on pg_type's unique index), so the DDL runs in one
// transaction under the schema's DDL lock, shared with the event store's migrations. A failure is not kept:
// the next use tries again.
import type { Pool } from 'pg';
import { schemaDdlLockSql } from '../event-store/postgres-schema';

export function ensureSchemaObjects(pool: Pool, schema: string, ddl: string): () => Promise<void> {
  let ready: Promise<void> | undefined;
  const run = async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(schemaDdlLockSql(schema));
      await client.query(ddl);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  return () => {
    ready ??= run().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}
