// The PostgreSQL event store, for a server and for several API processes on one database.
//
// Gapless positions in commit order: every append takes one transaction-scoped advisory
// lock (per schema) before it reads the head, and keeps it until COMMIT. So appends commit
// one after another, each numbering its events max(position)+1.. while no other append can
// be in flight, and an append's events are visible before the next append may start. A
// reader asking for "after P" can therefore never see P+2 and later find P+1 appear, which
// is what goes wrong with plain sequences (numbers are taken in one order, commits land in
// another). The cost is that appends are serialised; so appends waiting while one commits
// are group-committed: the next transaction takes all of them (up to GROUP_LIMIT), checks
// each one's expected revision in order, and writes the accepted ones with one commit (one
// flush for all). The whole group is one call of a server-side function (append_group,
// postgres-schema.ts): one statement, one round trip. A refused append writes nothing and does not touch
// the others; if the group's write fails as a whole, each is retried on its own. A
// multi-stream append is one member of a group: all its streams are checked, then all are
// written, or it is refused whole.

import { Client, Pool, QueryConfig } from 'pg';
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
import { AppendedListeners, assertAppendable, assertBatchSize, assertMultiAppendable, GroupCommitListeners } from './append-rules';
import { migratePostgres, PostgresTables, postgresTables } from './postgres-schema';
import { resultOf, statements, toRecorded, type EventRow, type GroupRow, type InsertRow } from './postgres-statements';

export interface PostgresEventStoreOptions {
  /** Without it, the libpq variables (PGHOST, PGUSER, PGDATABASE, ...) and their defaults apply. */
  readonly connectionString?: string;
  /** The schema holding the event tables (default `public`); created if missing. */
  readonly schema?: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Give up connecting after this long (default 5000 ms): then StoreUnavailableError. */
  readonly connectionTimeoutMs?: number;
}



interface SerialisedAppend extends StreamAppend {
  readonly serialised: readonly { readonly data: string; readonly metadata: string }[];
}

/** One caller's append: one stream, or several that commit together. */
interface PendingAppend {
  readonly appends: readonly SerialisedAppend[];
  readonly resolve: (results: AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Appends written by one transaction at most (bounds the statement and the lock hold). */
const GROUP_LIMIT = 256;


export class PostgresEventStore implements EventStore {
  /** The pool, shared with the projections that keep their read models in this database. */
  readonly pool: Pool;
  readonly schema: string;
  readonly tables: PostgresTables;

  private readonly connectionString: string | undefined;
  private readonly listeners = new AppendedListeners();
  private readonly groups = new GroupCommitListeners();
  private listener: Client | undefined;
  private listenedBefore = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = 50;
  private closed = false;
  private readonly sql: ReturnType<typeof statements>;
  private queue: PendingAppend[] = [];
  private flushing = false;

  private constructor(options: PostgresEventStoreOptions) {
    this.connectionString = options.connectionString;
    this.schema = options.schema ?? 'public';
    this.tables = postgresTables(this.schema);
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    });
    // An idle pooled connection that dies (server restart) emits 'error'; the pool drops
    // it and the next query opens a new one. Unhandled, the event would crash the process.
    this.pool.on('error', () => undefined);
    // A checked-out client idle inside a transaction (between two statements of an append)
    // emits 'error' itself when the server ends its session; the statement in flight or the
    // next one fails instead, and release() drops the client.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.sql = statements(this.tables, this.schema);
  }

  /** Connect and bring the schema up to date (safe to run concurrently from several processes). */
  static async create(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      await migratePostgres(store.pool, store.schema);
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw toStoreError(error, 'migration');
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
    // Serialise before taking the lock: every append waits while it is held.
    const serialisedAppends = appends.map((a) => ({
      ...a,
      serialised: a.events.map((event) => ({ data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) })),
    }));
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ appends: serialisedAppends, resolve, reject });
      // Start after this turn of the event loop, so appends made together form one group.
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flushQueue());
      }
    });
  }

  /** One group at a time; appends arriving meanwhile form the next group. */
  private async flushQueue(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, GROUP_LIMIT);
        try {
          await this.writeGroup(group);
        } catch (error) {
          if (group.length === 1 || error instanceof StoreUnavailableError) for (const p of group) p.reject(error);
          // The group failed as a whole (e.g. one append's duplicate event id): each alone.
          else for (const p of group) await this.writeGroup([p]).catch((single: unknown) => p.reject(single));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Writes the group in one statement (one transaction, one round trip) and settles every
   * append it accepted or refused; throws only when nothing was committed (so the caller
   * may retry the appends one by one).
   */
  private async writeGroup(group: readonly PendingAppend[]): Promise<void> {
    const streams = group.flatMap((pending, member) => pending.appends.map((a) => ({ member, ...a })));
    let answer: GroupRow[];
    try {
      // Autocommit: the statement is its own transaction; it has committed when rows come back.
      answer = (await this.pool.query<GroupRow>(this.sql.appendGroup(streams))).rows;
    } catch (error) {
      throw toStoreError(error, 'append');
    }
    // Committed (or nothing to commit): settle each append. Nothing here may make the
    // caller write the group again, so a failure settles that one append only.
    const byMember = new Map<number, GroupRow[]>();
    for (const row of answer) byMember.set(row.member, [...(byMember.get(row.member) ?? []), row]);
    let committedHead: bigint | undefined;
    let appends = 0;
    let events = 0;
    const settle: (() => void)[] = [];
    group.forEach((pending, member) => {
      const rows = byMember.get(member) ?? [];
      const refusal = rows.find((r) => !r.accepted);
      if (refusal || rows.length !== pending.appends.length) {
        const streamId = refusal?.stream ?? pending.appends[0]!.streamId;
        const expected = pending.appends.find((a) => a.streamId === streamId)?.expectedRevision ?? 'any';
        settle.push(() => pending.reject(new WrongExpectedRevisionError(streamId, expected, refusal?.actual ?? -1)));
        return;
      }
      try {
        const results = pending.appends.map((a) => {
          const row = rows.find((r) => r.stream === a.streamId)!;
          const first = BigInt(row.first_position as string);
          const insertRows: InsertRow[] = a.events.map((event, j) => ({
            event,
            streamId: a.streamId,
            revision: row.actual + 1 + j,
            position: first + BigInt(j),
            ...a.serialised[j]!,
          }));
          events += insertRows.length;
          const last = insertRows[insertRows.length - 1]!.position;
          if (committedHead === undefined || last > committedHead) committedHead = last;
          return resultOf(insertRows, row.recorded_at.toISOString());
        });
        appends += 1;
        settle.push(() => pending.resolve(results));
      } catch (error) {
        settle.push(() => pending.reject(error));
      }
    });
    if (committedHead !== undefined) {
      this.listeners.emit(committedHead);
      this.groups.emit({ appends, events });
    }
    for (const done of settle) done();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.from ?? 0;
    const to = options.to ?? 2_147_483_647; // revision is an INTEGER column
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0) {
      throw new RangeError(`readStream(${streamId}): invalid range ${from}..${to}`);
    }
    if (from > to) return [];
    const rows = await this.query<EventRow>(this.sql.readStream(streamId, from, Math.min(to, 2_147_483_647)));
    return rows.map(toRecorded);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent[]> {
    const batchSize = options.batchSize ?? 500;
    assertBatchSize(batchSize);
    let after = options.after ?? 0n;
    for (;;) {
      const rows = await this.query<EventRow>(this.sql.readAll(after, batchSize));
      if (rows.length === 0) return;
      const batch = rows.map(toRecorded);
      after = batch[batch.length - 1].position;
      yield batch;
      if (rows.length < batchSize) return;
    }
  }

  async headPosition(): Promise<bigint> {
    const rows = await this.query<{ head: string }>(this.sql.head);
    return BigInt(rows[0].head);
  }

  onGroupCommitted(listener: (group: GroupCommit) => void): () => void {
    return this.groups.add(listener);
  }

  /** Told of this process's appends at once, and of other processes' through LISTEN/NOTIFY. */
  onAppended(listener: (position: bigint) => void): () => void {
    const unsubscribe = this.listeners.add(listener);
    if (!this.closed) this.listen();
    return unsubscribe;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    await Promise.all([listener?.end().catch(() => undefined), this.pool.end().catch(() => undefined)]);
  }

  /** Keep one dedicated connection LISTENing; on any failure, reconnect with backoff. */
  private listen(): void {
    if (this.listener || this.reconnectTimer || this.closed) return;
    const client = new Client({ connectionString: this.connectionString, application_name: `event-store-listener:${this.schema}` });
    this.listener = client;
    client.on('notification', (message) => {
      if (message.channel !== this.sql.channel || !message.payload) return;
      try {
        this.listeners.emit(BigInt(message.payload));
      } catch {
        // not a position: not ours to act on
      }
    });
    client.on('error', () => this.dropListener(client));
    client.on('end', () => this.dropListener(client));
    client
      .connect()
      .then(() => client.query(`LISTEN ${this.sql.quotedChannel}`))
      .then(async () => {
        this.reconnectDelayMs = 50;
        // After a reconnect, say where the head is: NOTIFYs sent meanwhile were lost.
        if (this.listenedBefore) this.listeners.emit(await this.headPosition());
        this.listenedBefore = true;
      })
      .catch(() => this.dropListener(client));
  }

  private dropListener(client: Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listen();
    }, delay);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('PostgreSQL event store is closed');
  }

  private async query<R extends object>(config: QueryConfig): Promise<R[]> {
    this.assertOpen();
    try {
      return (await this.pool.query<R>(config)).rows;
    } catch (error) {
      throw toStoreError(error, 'read');
    }
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
]);

/** The database could not be reached or went away: not the request's fault. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // SQLSTATE classes 08 connection exception, 53 insufficient resources,
  // 57 operator intervention (shutdown, cancel), 58 system error.
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || /^(08|53|57|58)/.test(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|connection error|Client was closed|not queryable/i.test(
    message,
  );
}

function toStoreError(error: unknown, what: string): unknown {
  if (error instanceof StoreUnavailableError || error instanceof WrongExpectedRevisionError) return error;
  if (isUnavailable(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`PostgreSQL event store: ${what} failed: ${message}`, error);
  }
  return error;
}
