// The embedded event store: one SQLite file (or ':memory:') through libsql's synchronous,
// better-sqlite3-compatible API. The read models live in a file of their own (see
// src/app/read/read-side.ts); `database` and `sharedDatabase` expose this connection for
// tools and tests that inspect the file.
//
// Appends are group-committed: the appends requested while no batch is being written (in
// practice: in the same turn of the event loop, or while the previous batch was committing)
// share one BEGIN IMMEDIATE ... COMMIT (one fsync under synchronous=FULL), each inside its
// own SAVEPOINT, so each is still checked alone and a refused one leaves the others intact.
// A multi-stream append is one such append: all its streams, or none. One batch is written at
// a time, through one connection, so commit order is position order.
//
// For a file the batches are written by a writer thread with its own connection
// (sqlite-writer.ts), so the fsync no longer blocks this thread; reads stay here, on this
// connection, and see a commit as soon as the writer has confirmed it (WAL). ':memory:' (a
// worker cannot share it) and `writerThread: false` write on this connection, in this thread.

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
  type GroupCommit,
} from './event-store';
import { AppendedListeners, assertAppendable, assertBatchSize, assertMultiAppendable, GroupCommitListeners } from './append-rules';
import {
  messageOf,
  openWritingConnection,
  prepareWriteStatements,
  refusalError,
  toStoreError,
  writeBatch,
  type CommittedBatch,
  type WireAppend,
  type WriteStatements,
} from './sqlite-batch';
import { recordsOf, prepareStatements, toRecorded, writtenSince, type EventRow } from './sqlite-records';
import { assertMigrated, migrate } from './sqlite-schema';
import { SqliteWriter } from './sqlite-writer';
import type { WriterExit } from './sqlite-writer-protocol';

export interface SqliteEventStoreOptions {
  /** A file path (its directory is created if missing), or ':memory:'. */
  readonly file: string;
  /**
   * How long to wait for the write lock (another process on the file, or a transaction
   * someone else opened on the shared connection) before failing with
   * StoreUnavailableError. Default 5000 ms. The writer thread waits in its own thread; in
   * this thread (`writerThread: false`, ':memory:') waiting blocks it: that is libsql's
   * synchronous API.
   */
  readonly busyTimeoutMs?: number;
  /**
   * A second connection that only reads a file another connection writes (the projector's
   * worker thread): no migration (it checks the schema is current instead, without taking
   * the write lock), the journal mode is left as the writer set it, and the connection is
   * `query_only`, so appends are refused. The file must exist.
   */
  readonly readOnly?: boolean;
  /**
   * Write the batches on a writer thread with its own connection (default for a file), or on
   * this connection in this thread (false; always so for ':memory:').
   */
  readonly writerThread?: boolean;
  /** Tests only: the first writer thread ends (process.exit(1)) in its first batch, just before or just after COMMIT. */
  readonly writerExitInBatch?: WriterExit;
}

/** One caller's append: one stream, or several that commit together, serialized for the writer. */
interface PendingAppend {
  readonly appends: readonly WireAppend[];
  readonly resolve: (results: AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

export class SqliteEventStore implements EventStore {
  /** The libsql connection this thread reads through (and, without a writer thread, writes). */
  readonly database: Database.Database;
  /** The file path as given (':memory:' for an in-memory store). */
  readonly file: string;
  /**
   * The same connection for Kysely's SqliteDialect, except that close() does nothing:
   * Kysely's destroy() closes its database, which would close the event store too.
   */
  readonly sharedDatabase: { prepare(sql: string): Database.Statement; close(): void };
  /** The writer thread, when batches are written on one (a file, unless `writerThread: false`). */
  readonly writer: SqliteWriter | undefined;

  private readonly busyTimeoutMs: number;
  private readonly readOnly: boolean;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly writeSql: WriteStatements | undefined;
  private readonly listeners = new AppendedListeners();
  private readonly groups = new GroupCommitListeners();
  private queue: PendingAppend[] = [];
  private flushTimer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private waitingSince: number | undefined;
  /** The batch the writer thread is committing: the next one waits for it. */
  private inFlight: Promise<void> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: SqliteEventStoreOptions | string) {
    const { file, busyTimeoutMs = 5000, readOnly = false, writerThread, writerExitInBatch } = typeof options === 'string' ? { file: options } : options;
    this.file = file;
    this.busyTimeoutMs = busyTimeoutMs;
    this.readOnly = readOnly;
    const inMemory = file === ':memory:';
    let database: Database.Database | undefined;
    try {
      if (readOnly && (inMemory || !fs.existsSync(file))) throw new Error('a read-only connection needs an existing file');
      if (!inMemory && !file.startsWith('file:')) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      if (readOnly) {
        database = new Database(file, { timeout: busyTimeoutMs });
        database.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
        assertMigrated(database);
        database.exec('PRAGMA query_only = ON');
      } else {
        database = openWritingConnection(file, busyTimeoutMs);
        migrate(database);
      }
      this.sql = prepareStatements(database);
    } catch (error) {
      if (database?.open) database.close();
      throw new StoreUnavailableError(`SQLite event store: cannot open ${file}: ${messageOf(error)}`, error);
    }
    this.database = database;
    this.sharedDatabase = { prepare: (sql) => database.prepare(sql), close: () => undefined };
    const threaded = !readOnly && !inMemory && writerThread !== false;
    this.writer = threaded ? new SqliteWriter({ file, busyTimeoutMs, exitInBatch: writerExitInBatch }) : undefined;
    this.writeSql = readOnly || threaded ? undefined : prepareWriteStatements(database);
  }

  /** Opens the store and, for a file, starts its writer thread (a writer that cannot start fails here, not at the first append). */
  static async open(options: SqliteEventStoreOptions | string): Promise<SqliteEventStore> {
    const store = new SqliteEventStore(options);
    try {
      await store.writer?.start();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
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
    // Serialized here: the writer gets the strings to store, and the records are parsed back from them.
    const wire = appends.map(({ streamId, expectedRevision, events }) => ({
      streamId,
      expectedRevision,
      events: events.map((e) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) })),
    }));
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ appends: wire, resolve, reject });
      this.schedule();
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
    return this.query(() => this.head());
  }

  onAppended(listener: (position: bigint) => void): () => void {
    return this.listeners.add(listener);
  }

  onGroupCommitted(listener: (group: GroupCommit) => void): () => void {
    return this.groups.add(listener);
  }

  /** Appends already accepted are written (or refused) first; then the writer thread ends and the connection closes. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    if (this.writer) {
      while (this.inFlight || this.queue.length > 0) {
        if (!this.inFlight) this.flush();
        await this.inFlight;
      }
      this.cancelTimer();
      await this.writer.close();
    } else if (this.queue.length > 0) {
      if (this.database.open && this.database.inTransaction) {
        this.rejectAll(this.queue.splice(0), new StoreUnavailableError('SQLite event store closed with an open transaction'));
      } else {
        this.flush();
      }
    }
    this.listeners.clear();
    if (this.database.open) this.database.close();
  }

  private schedule(): void {
    if (this.flushTimer === undefined && this.inFlight === undefined) this.flushTimer = setImmediate(() => this.flush());
  }

  private cancelTimer(): void {
    if (this.flushTimer === undefined) return;
    clearImmediate(this.flushTimer as NodeJS.Immediate);
    clearTimeout(this.flushTimer as NodeJS.Timeout);
    this.flushTimer = undefined;
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.queue.length === 0 || this.inFlight) return;
    if (!this.database.open) {
      this.rejectAll(this.queue.splice(0), new StoreUnavailableError('SQLite event store is closed'));
      return;
    }
    if (this.writer) this.flushToWriter(this.writer);
    else this.flushHere(this.writeSql!);
  }

  /** The batch goes to the writer thread; appends made meanwhile queue for the next one. */
  private flushToWriter(writer: SqliteWriter): void {
    const batch = this.queue.splice(0);
    let headBefore: bigint;
    try {
      headBefore = this.head();
    } catch (error) {
      this.rejectAll(batch, toStoreError(error, 'append'));
      return;
    }
    this.inFlight = writer.write(batch.map((p) => p.appends)).then(
      (committed) => this.settle(batch, committed),
      (error: unknown) => this.settleUnanswered(batch, headBefore, error),
    ).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length > 0 && !this.closed) this.schedule(); // while closing, shutDown() drives it
    });
  }

  private flushHere(sql: WriteStatements): void {
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
    let committed: CommittedBatch;
    try {
      committed = writeBatch(this.database, sql, batch.map((p) => p.appends));
    } catch (error) {
      this.rejectAll(batch, toStoreError(error, 'append'));
      return;
    }
    this.settle(batch, committed);
  }

  /** After the commit: each append's records (or refusal), then the listeners. */
  private settle(batch: readonly PendingAppend[], { recordedAt, outcomes }: CommittedBatch): void {
    const results = batch.map((pending, i) => {
      const outcome = outcomes[i];
      if (!outcome.ok) return { pending, error: refusalError(outcome.refusal) };
      return { pending, results: pending.appends.map((a, j) => recordsOf(a, outcome.streams[j].revision, outcome.streams[j].positions, recordedAt)) };
    });
    this.told(results);
  }

  /**
   * The writer thread failed the batch or ended before it answered. Failed: nothing was
   * written. Ended: the batch may have committed just before, so this connection looks for
   * each append's events in what was written since the batch was sent: found, the append is
   * answered with them; not found, it was not written and is rejected as StoreUnavailableError.
   */
  private settleUnanswered(batch: readonly PendingAppend[], headBefore: bigint, error: unknown): void {
    const failure = toStoreError(error, 'append');
    if (!(error instanceof StoreUnavailableError) || !this.database.open) return this.rejectAll(batch, failure);
    try {
      this.told(batch.map((pending) => {
        const results = pending.appends.map((a) => writtenSince(this.sql, a, headBefore));
        return results.every((r) => r !== undefined) ? { pending, results } : { pending, error: failure };
      }));
    } catch {
      this.rejectAll(batch, failure);
    }
  }

  private told(settled: ReadonlyArray<{ pending: PendingAppend; results?: AppendResult[]; error?: unknown }>): void {
    let newest = -1n;
    let appends = 0;
    let events = 0;
    for (const { pending, results, error } of settled) {
      if (!results) {
        pending.reject(error);
        continue;
      }
      for (const r of results) if (r.lastPosition > newest) newest = r.lastPosition;
      appends += 1;
      events += results.reduce((n, r) => n + r.records.length, 0);
      pending.resolve(results);
    }
    if (newest >= 0n) this.listeners.emit(newest);
    this.groups.emit({ appends, events });
  }

  private rejectAll(batch: readonly PendingAppend[], error: unknown): void {
    for (const pending of batch) pending.reject(error);
  }

  private head(): bigint {
    const rows = this.sql.head.all() as { head: bigint | null }[];
    return rows[0]?.head ?? 0n;
  }

  private assertOpen(): void {
    // libsql statements on a closed connection quietly return nothing, so check first.
    if (this.closed || !this.database.open) throw new StoreUnavailableError('SQLite event store is closed');
  }

  private query<T>(run: () => T): T {
    // Reads go on while close() writes what was already accepted; then the connection is closed.
    if (!this.database.open) throw new StoreUnavailableError('SQLite event store is closed');
    try {
      return run();
    } catch (error) {
      throw toStoreError(error, 'read');
    }
  }
}
