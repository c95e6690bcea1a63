// What a projection is, and the database its read models live in.
//
// A projection declares its tables as data (TableSpec) and folds batches of events into
// rows through a row cache (RowSession): the projector decides when the cached rows are
// written (every batch in live mode, in large chunks during a rebuild), always in the same
// transaction as the projection's checkpoint. Projections never write SQL for their tables
// themselves, which keeps the write path to a few multi-row statements per batch.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool, type PoolConfig } from 'pg';
import type { RecordedEvent } from '../event-store/event-store';
import type { RowSession } from './row-cache';
import type { Dialect } from './sql';

/** Column types, mapped to SQLite and PostgreSQL in sql.ts. json and bool are stored as text and 0/1. */
export type ColumnType = 'text' | 'int' | 'bigint' | 'real' | 'json' | 'bool';

export interface TableSpec {
  /** Base name; the physical name may carry a suffix during a rebuild. */
  readonly name: string;
  /** The single-column primary key (composite keys are joined into one text column). */
  readonly key: string;
  /** Real SQL columns: the key, `position`, and what queries filter, sort or group on. */
  readonly columns: Readonly<Record<string, ColumnType>>;
  /**
   * The other fields of a row (JSON values), stored together in one `doc` text column:
   * every bound or read value costs about a microsecond in libsql, so a row of 4 columns
   * and a doc writes about twice as fast as a row of 20 columns.
   */
  readonly fields?: readonly string[];
  /** Secondary indexes: name suffix -> columns. Created after a rebuild's bulk load. */
  readonly indexes?: Readonly<Record<string, readonly string[]>>;
}

export interface Projection {
  readonly name: string;
  /** Bump when tables or fold logic change: the projector then rebuilds from zero. */
  readonly version: number;
  readonly tables: readonly TableSpec[];
  handles(eventType: string): boolean;
  /**
   * Fold the batch (events it handles, in position order) into rows of `session`. The
   * session loads rows through the caller's transaction and the projector writes them
   * with the checkpoint, so each event takes effect once. Handlers also skip events at or
   * before a row's `position`, which makes re-applying a batch harmless.
   */
  apply(batch: readonly RecordedEvent[], session: RowSession): Promise<void>;
}

export type ReadModelDbConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
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

const infos = new WeakMap<Kysely<any>, ReadModelDbInfo>();

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
export function createReadModelDb(config: ReadModelDbConfig): Kysely<any> {
  if (config.kind === 'sqlite') {
    const memory = config.file === ':memory:';
    if (!memory) fs.mkdirSync(path.dirname(path.resolve(config.file)), { recursive: true });
    const database = new Database(config.file, { timeout: 10_000 });
    database.exec('PRAGMA busy_timeout = 10000');
    if (!memory) database.exec('PRAGMA journal_mode = WAL');
    database.exec('PRAGMA synchronous = NORMAL');
    database.exec('PRAGMA cache_size = -65536'); // 64 MiB: rebuilds touch many pages
    database.exec('PRAGMA temp_store = MEMORY');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    infos.set(db, { dialect: 'sqlite' });
    return db;
  }
  const owned = !config.pool || config.owned === true;
  const pool = config.pool ?? ownPool(config.connectionString, config.poolConfig);
  // Kysely ends the pool on destroy(); a borrowed pool (the event store's) must stay open.
  const dialectPool = owned ? pool : { connect: () => pool.connect(), end: async () => undefined };
  const base = new Kysely<any>({ dialect: new PostgresDialect({ pool: dialectPool as unknown as Pool }) });
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
export function readModelDbInfo(db: Kysely<any>): ReadModelDbInfo {
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
