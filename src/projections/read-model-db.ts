// The database the read models live in: a Kysely instance over SQLite (libsql) or
// PostgreSQL, typed by ReadModelDatabase, and what the projector needs to know of it
// (dialect, schema, the pool for advisory locks).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool, type PoolConfig } from 'pg';
import type { ReadModelDatabase, ReadModelDb } from './read-model-schema';
import type { Dialect } from './sql';

export type ReadModelDbConfig =
  | {
      readonly kind: 'sqlite';
      readonly file: string;
      /** SQLite's page cache in KiB (default 64 MiB); a rebuild writes its fresh tables in key order and needs less. */
      readonly cacheSizeKib?: number;
    }
  | {
      readonly kind: 'postgres';
      readonly pool?: Pool;
      /** The given pool is handed over: destroy() ends it (default: borrowed, left open). */
      readonly owned?: boolean;
      readonly connectionString?: string;
      /** Schema for the read-model tables (created by the projector when missing). */
      readonly schema?: string;
      readonly poolConfig?: PoolConfig;
    };

export interface ReadModelDbInfo {
  readonly dialect: Dialect;
  readonly schema?: string;
  /** For PostgreSQL advisory locks (a dedicated client per projector). */
  readonly pool?: Pool;
}

const infos = new WeakMap<ReadModelDb, ReadModelDbInfo>();

/**
 * A Kysely instance for the read models.
 *
 * SQLite: the read models live in their own file (e.g. `<DATA_DIR>/read-models.db`), never on
 * the event store's connection: Kysely transactions are async, so on a shared libsql
 * connection a synchronous append could slip into a projector transaction. WAL lets the API
 * read while the projector writes. synchronous=NORMAL skips the fsync per commit: a power
 * loss may lose the last few commits, but rows and checkpoint are lost together, and the
 * projector simply replays those events from the log (read models are rebuildable).
 *
 * PostgreSQL: a given pool is borrowed (destroy() leaves it open); with a connection string
 * the pool is ours. With `schema`, builder queries are qualified by Kysely's withSchema.
 */
export function createReadModelDb(config: ReadModelDbConfig): ReadModelDb {
  if (config.kind === 'sqlite') {
    const memory = config.file === ':memory:';
    if (!memory) fs.mkdirSync(path.dirname(path.resolve(config.file)), { recursive: true });
    const database = new Database(config.file, { timeout: 10_000 });
    database.exec('PRAGMA busy_timeout = 10000');
    if (!memory) database.exec('PRAGMA journal_mode = WAL');
    database.exec('PRAGMA synchronous = NORMAL');
    database.exec(`PRAGMA cache_size = -${Math.floor(config.cacheSizeKib ?? 65_536)}`); // 64 MiB: live batches touch pages all over
    database.exec('PRAGMA temp_store = MEMORY');
    const db = new Kysely<ReadModelDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    infos.set(db, { dialect: 'sqlite' });
    return db;
  }
  const owned = !config.pool || config.owned === true;
  const pool = config.pool ?? ownPool(config.connectionString, config.poolConfig);
  // Kysely ends the pool on destroy(); a borrowed pool (the event store's) must stay open.
  const dialectPool = owned ? pool : { connect: () => pool.connect(), end: async () => undefined };
  const base = new Kysely<ReadModelDatabase>({ dialect: new PostgresDialect({ pool: dialectPool as unknown as Pool }) });
  const db = config.schema ? base.withSchema(config.schema) : base;
  infos.set(db, { dialect: 'postgres', schema: config.schema, pool });
  return db;
}

/** A pool of our own that survives the server ending sessions: the failed query reports it, the next reconnects. */
function ownPool(connectionString: string | undefined, poolConfig: PoolConfig | undefined): Pool {
  const pool = new Pool({ connectionString, ...poolConfig });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Dialect and schema of a read-model database made by createReadModelDb. */
export function readModelDbInfo(db: ReadModelDb): ReadModelDbInfo {
  const info = infos.get(db);
  if (info) return info;
  const adapter = db.getExecutor().adapter.constructor.name;
  return { dialect: /postgres/i.test(adapter) ? 'postgres' : 'sqlite' };
}

type Statement = ReturnType<Database.Database['prepare']>;

/**
 * Kysely's SQLite driver prepares every statement anew; the projections repeat a handful of
 * statement shapes thousands of times, so cache prepared statements by their text.
 * Safe because the driver runs one statement at a time on its single connection.
 */
function withStatementCache(database: Database.Database) {
  const cache = new Map<string, Statement>();
  return {
    prepare(sqlText: string): Statement {
      let statement = cache.get(sqlText);
      if (!statement) {
        statement = database.prepare(sqlText);
        if (cache.size >= 2000) cache.clear();
        cache.set(sqlText, statement);
      }
      return statement;
    },
    close(): void {
      cache.clear();
      database.close();
    },
  };
}
