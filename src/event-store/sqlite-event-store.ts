// The embedded event store: one SQLite file (or ':memory:') through libsql's synchronous,
// better-sqlite3-compatible API. The read models live in a file of their own (see
// src/app/read/read-side.ts); `database` and `sharedDatabase` expose this connection for
// tools and tests that inspect the file.
//
// Appends are group-committed: every append requested in the same turn of the event loop
// shares one BEGIN IMMEDIATE ... COMMIT (one fsync under synchronous=FULL), each inside its
// own SAVEPOINT, so each is still checked alone and a refused one leaves the others intact.
// A multi-stream append is one such append: all its streams, or none. One process writes
// through one connection, so commit order is position order.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreUnavailableError,
  StreamAppend,
  WrongExpectedRevisionError,
  type GroupCommit,
} from './event-store';
import { AppendedListeners, assertAppendable, assertBatchSize, assertMultiAppendable, GroupCommitListeners, revisionMatches } from './append-rules';

export interface SqliteEventStoreOptions {
  /** A file path (its directory is created if missing), or ':memory:'. */
  readonly file: string;
  /**
   * How long to wait for the write lock (another process on the file, or a transaction
   * someone else opened on the shared connection) before failing with
   * StoreUnavailableError. Default 5000 ms. Waiting on another process blocks this
   * thread: that is libsql's synchronous API.
   */
  readonly busyTimeoutMs?: number;
  /**
   * A second connection that only reads a file another connection writes (the projector's
   * worker thread): no migration (it checks the schema is current instead, without taking
   * the write lock), the journal mode is left as the writer set it, and the connection is
   * `query_only`, so appends are refused. The file must exist.
   */
  readonly readOnly?: boolean;
}

/** Each entry upgrades the schema by one version; never edit one that has shipped. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     position INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL UNIQUE,
     stream_id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     type TEXT NOT NULL,
     schema_version INTEGER NOT NULL,
     data TEXT NOT NULL,
     metadata TEXT NOT NULL,
     recorded_at TEXT NOT NULL,
     UNIQUE (stream_id, revision)
   );
   CREATE TABLE streams (
     stream_id TEXT PRIMARY KEY,
     revision INTEGER NOT NULL
   ) WITHOUT ROWID;`,
];

const COLUMNS = 'position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at';

interface EventRow {
  readonly position: bigint;
  readonly event_id: string;
  readonly stream_id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly schema_version: bigint;
  readonly data: string;
  readonly metadata: string;
  readonly recorded_at: string;
}

/** One caller's append: one stream, or several that commit together. */
interface PendingAppend {
  readonly appends: readonly StreamAppend[];
  readonly resolve: (results: AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

// SQLite result codes that mean "the store failed", not "your request was wrong".
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|CORRUPT|NOTADB|READONLY|PROTOCOL|NOMEM|PERM|AUTH)/;

export class SqliteEventStore implements EventStore {
  /** The libsql connection, shared with the projections (see the note on `sharedDatabase`). */
  readonly database: Database.Database;
  /** The file path as given (':memory:' for an in-memory store). */
  readonly file: string;
  /**
   * The same connection for Kysely's SqliteDialect, except that close() does nothing:
   * Kysely's destroy() closes its database, which would close the event store too.
   */
  readonly sharedDatabase: { prepare(sql: string): Database.Statement; close(): void };

  private readonly busyTimeoutMs: number;
  private readonly readOnly: boolean;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly listeners = new AppendedListeners();
  private readonly groups = new GroupCommitListeners();
  private queue: PendingAppend[] = [];
  private flushTimer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private waitingSince: number | undefined;
  private closed = false;

  constructor(options: SqliteEventStoreOptions | string) {
    const { file, busyTimeoutMs = 5000, readOnly = false } = typeof options === 'string' ? { file: options } : options;
    this.file = file;
    this.busyTimeoutMs = busyTimeoutMs;
    this.readOnly = readOnly;
    const inMemory = file === ':memory:';
    let database: Database.Database | undefined;
    try {
      if (readOnly && (inMemory || !fs.existsSync(file))) throw new Error('a read-only connection needs an existing file');
      if (!inMemory && !file.startsWith('file:')) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      database = new Database(file, { timeout: busyTimeoutMs });
      database.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
      if (readOnly) {
        assertMigrated(database);
        database.exec('PRAGMA query_only = ON');
      } else {
        // WAL: readers never block the writer and vice versa. synchronous=FULL: a commit is
        // fsynced before it is acknowledged, so no acknowledged append is lost on power loss.
        if (!inMemory) database.exec('PRAGMA journal_mode = WAL');
        database.exec('PRAGMA synchronous = FULL');
        migrate(database);
      }
      this.sql = prepareStatements(database);
    } catch (error) {
      if (database?.open) database.close();
      throw new StoreUnavailableError(`SQLite event store: cannot open ${file}: ${messageOf(error)}`, error);
    }
    this.database = database;
    this.sharedDatabase = { prepare: (sql) => database.prepare(sql), close: () => undefined };
  }

  static async open(options: SqliteEventStoreOptions | string): Promise<SqliteEventStore> {
    return new SqliteEventStore(options);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    assertAppendable(streamId, events, options?.expectedRevision);
    const [result] = await this.enqueue([{ streamId, events, expectedRevision: options.expectedRevision }]);
    return result!;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    this.assertOpen();
    assertMultiAppendable(appends);
    return this.enqueue(appends);
  }

  private enqueue(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (this.readOnly) return Promise.reject(new StoreUnavailableError(`SQLite event store: ${this.file} is open read-only here`));
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ appends, resolve, reject });
      this.flushTimer ??= setImmediate(() => this.flush());
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.from ?? 0;
    const to = options.to ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0) {
      throw new RangeError(`readStream(${streamId}): invalid range ${from}..${to}`);
    }
    const rows = this.query(() => this.sql.readStream.all(streamId, from, to) as EventRow[]);
    return rows.map(toRecorded);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent[]> {
    const batchSize = options.batchSize ?? 500;
    assertBatchSize(batchSize);
    let after = options.after ?? 0n;
    for (;;) {
      const rows = this.query(() => this.sql.readAll.all(after, batchSize) as EventRow[]);
      if (rows.length === 0) return;
      const batch = rows.map(toRecorded);
      after = batch[batch.length - 1].position;
      yield batch;
      if (rows.length < batchSize) return;
    }
  }

  async headPosition(): Promise<bigint> {
    const rows = this.query(() => this.sql.head.all() as { head: bigint | null }[]);
    return rows[0]?.head ?? 0n;
  }

  onAppended(listener: (position: bigint) => void): () => void {
    return this.listeners.add(listener);
  }

  onGroupCommitted(listener: (group: GroupCommit) => void): () => void {
    return this.groups.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushTimer !== undefined) {
      clearImmediate(this.flushTimer as NodeJS.Immediate);
      clearTimeout(this.flushTimer as NodeJS.Timeout);
      this.flushTimer = undefined;
    }
    // Appends already accepted are written (or refused) before the connection goes.
    if (this.queue.length > 0) {
      if (this.database.open && this.database.inTransaction) {
        this.rejectAll(this.queue.splice(0), new StoreUnavailableError('SQLite event store closed with an open transaction'));
      } else {
        this.flush();
      }
    }
    this.closed = true;
    this.listeners.clear();
    if (this.database.open) this.database.close();
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.queue.length === 0) return;
    if (!this.database.open || this.closed) {
      this.rejectAll(this.queue.splice(0), new StoreUnavailableError('SQLite event store is closed'));
      return;
    }
    // Someone sharing the connection (a projection's Kysely transaction) is mid-transaction:
    // BEGIN would fail and a SAVEPOINT would join their transaction. Wait for it to finish.
    if (this.database.inTransaction) {
      const now = Date.now();
      this.waitingSince ??= now;
      if (now - this.waitingSince < this.busyTimeoutMs) {
        this.flushTimer = setTimeout(() => this.flush(), 2);
        return;
      }
      this.waitingSince = undefined;
      this.rejectAll(
        this.queue.splice(0),
        new StoreUnavailableError(`SQLite event store: the shared connection stayed in a transaction for ${this.busyTimeoutMs} ms`),
      );
      return;
    }
    this.waitingSince = undefined;
    const batch = this.queue.splice(0);
    const outcomes: Array<{ ok: true; results: AppendResult[] } | { ok: false; error: unknown }> = [];
    try {
      this.sql.begin.run();
      const recordedAt = new Date().toISOString();
      for (const pending of batch) {
        this.sql.savepoint.run();
        try {
          outcomes.push({ ok: true, results: pending.appends.map((a) => this.write(a, recordedAt)) });
          this.sql.release.run();
        } catch (error) {
          if (!isRequestError(error)) throw error; // the store failed: give up the whole batch
          this.sql.rollbackTo.run();
          this.sql.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.sql.commit.run();
    } catch (error) {
      if (this.database.open && this.database.inTransaction) {
        try {
          this.sql.rollback.run();
        } catch {
          // SQLite may have rolled back already (I/O errors do); nothing more to undo.
        }
      }
      this.rejectAll(batch, toStoreError(error, 'append'));
      return;
    }
    let newest = -1n;
    let appends = 0;
    let events = 0;
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) {
        for (const r of outcome.results) if (r.lastPosition > newest) newest = r.lastPosition;
        appends += 1;
        events += outcome.results.reduce((n, r) => n + r.records.length, 0);
        pending.resolve(outcome.results);
      } else {
        pending.reject(outcome.error);
      }
    });
    if (newest >= 0n) this.listeners.emit(newest);
    this.groups.emit({ appends, events });
  }

  /** One stream's append inside the open savepoint; throws WrongExpectedRevisionError untouched. */
  private write({ streamId, events, expectedRevision }: StreamAppend, recordedAt: string): AppendResult {
    const current = this.sql.streamRevision.all(streamId) as { revision: bigint }[];
    const actual = current.length === 0 ? -1 : Number(current[0].revision);
    if (!revisionMatches(expectedRevision, actual)) {
      throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
    }
    const records: RecordedEvent[] = [];
    let revision = actual;
    for (const event of events) {
      revision += 1;
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify(event.metadata);
      const { lastInsertRowid } = this.sql.insertEvent.run(
        event.id, streamId, revision, event.type, event.schemaVersion, data, metadata, recordedAt,
      );
      records.push({
        id: event.id,
        streamId,
        revision,
        position: BigInt(lastInsertRowid),
        type: event.type,
        schemaVersion: event.schemaVersion,
        // Parsed back from what was stored, so the record equals what a read returns.
        data: JSON.parse(data) as RecordedEvent['data'],
        metadata: JSON.parse(metadata) as RecordedEvent['metadata'],
        recordedAt,
      });
    }
    this.sql.upsertStream.run(streamId, revision);
    return { nextExpectedRevision: revision, lastPosition: records[records.length - 1].position, records };
  }

  private rejectAll(batch: readonly PendingAppend[], error: unknown): void {
    for (const pending of batch) pending.reject(error);
  }

  private assertOpen(): void {
    // libsql statements on a closed connection quietly return nothing, so check first.
    if (this.closed || !this.database.open) throw new StoreUnavailableError('SQLite event store is closed');
  }

  private query<T>(run: () => T): T {
    this.assertOpen();
    try {
      return run();
    } catch (error) {
      throw toStoreError(error, 'read');
    }
  }
}

function migrate(db: Database.Database): void {
  // Our own version table, not PRAGMA user_version: the read models share this file.
  db.exec('CREATE TABLE IF NOT EXISTS event_store_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  db.exec('BEGIN IMMEDIATE');
  try {
    const rows = db.prepare('SELECT coalesce(max(version), 0) AS version FROM event_store_migrations').all() as { version: number }[];
    const current = rows[0].version;
    if (current > MIGRATIONS.length) {
      throw new Error(`schema version ${current} is newer than this code knows (${MIGRATIONS.length})`);
    }
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version - 1]);
      db.prepare('INSERT INTO event_store_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** A read-only connection's check that the writer has brought the schema up to date (a plain read: no lock). */
function assertMigrated(db: Database.Database): void {
  const rows = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_store_migrations'").all();
  const version = rows.length === 0 ? 0 : (db.prepare('SELECT coalesce(max(version), 0) AS version FROM event_store_migrations').all() as { version: number }[])[0].version;
  if (version !== MIGRATIONS.length) throw new Error(`schema version ${version}, not ${MIGRATIONS.length}: open it read-write once first`);
}

// Prepared once: preparing is a noticeable part of a small append.
function prepareStatements(db: Database.Database) {
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT event_store_append'),
    release: db.prepare('RELEASE event_store_append'),
    rollbackTo: db.prepare('ROLLBACK TO event_store_append'),
    streamRevision: db.prepare('SELECT revision FROM streams WHERE stream_id = ?').safeIntegers(true),
    insertEvent: db.prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertStream: db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    ),
    // safeIntegers: positions come back as bigint, as the port wants, with no precision loss.
    readStream: db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision BETWEEN ? AND ? ORDER BY revision`)
      .safeIntegers(true),
    readAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).safeIntegers(true),
    head: db.prepare('SELECT max(position) AS head FROM events').safeIntegers(true),
  };
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    type: row.type,
    schemaVersion: Number(row.schema_version),
    data: JSON.parse(row.data) as RecordedEvent['data'],
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    recordedAt: row.recorded_at,
  };
}

/** A refusal of this one append (revision, duplicate event id), not a failure of the store. */
function isRequestError(error: unknown): boolean {
  return error instanceof WrongExpectedRevisionError || codeOf(error)?.startsWith('SQLITE_CONSTRAINT') === true;
}

function toStoreError(error: unknown, what: string): unknown {
  if (error instanceof WrongExpectedRevisionError || error instanceof StoreUnavailableError) return error;
  const code = codeOf(error);
  if ((code !== undefined && UNAVAILABLE_CODES.test(code)) || (error instanceof TypeError && /not open/i.test(error.message))) {
    return new StoreUnavailableError(`SQLite event store: ${what} failed: ${messageOf(error)}`, error);
  }
  return error;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
