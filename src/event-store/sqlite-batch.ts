// One batch of the SQLite store's group commit, written on whichever connection writes: the
// writer thread's own (sqlite-writer-worker.ts, the default for a file) or the store's shared
// one (':memory:', or `writerThread: false`). The same code either way, and only plain data
// in and out, so a batch can cross to a worker thread: the events' data and metadata arrive
// as the JSON strings to store, the answer gives per append the revisions and positions
// assigned, or why that append alone was refused.

import Database from 'libsql';
import { StoreUnavailableError, WrongExpectedRevisionError, type ExpectedRevision } from './event-store';
import { revisionMatches } from './append-rules';

/** An event ready to store: data and metadata already serialized. */
export interface WireEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
}

export interface WireAppend {
  readonly streamId: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly WireEvent[];
}

/** One caller's append: one stream, or several that commit together (all or none). */
export type WirePending = readonly WireAppend[];

/** What one stream's append was given: its last revision and each event's position. */
export interface WrittenStream {
  readonly revision: number;
  readonly positions: readonly bigint[];
}

/** Why one append was refused (the others of its batch stand). */
export type Refusal =
  | { readonly kind: 'revision'; readonly streamId: string; readonly expected: ExpectedRevision; readonly actual: number }
  | { readonly kind: 'sqlite'; readonly told: ErrorTold };

export type PendingOutcome = { readonly ok: true; readonly streams: readonly WrittenStream[] } | { readonly ok: false; readonly refusal: Refusal };

/** A committed batch: one outcome per pending append, in order, and the commit's time. */
export interface CommittedBatch {
  readonly recordedAt: string;
  readonly outcomes: readonly PendingOutcome[];
}

/** An error told across a thread: enough to rebuild one that maps to the same outcome. */
export interface ErrorTold {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

// SQLite result codes that mean "the store failed", not "your request was wrong".
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|CORRUPT|NOTADB|READONLY|PROTOCOL|NOMEM|PERM|AUTH)/;

/**
 * Opens a connection that writes `file`: WAL (readers never block the writer and vice versa)
 * and synchronous=FULL (a commit is fsynced before it is acknowledged, so no acknowledged
 * append is lost on power loss), waiting up to `busyTimeoutMs` for the write lock.
 */
export function openWritingConnection(file: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export type WriteStatements = ReturnType<typeof prepareWriteStatements>;

// Prepared once: preparing is a noticeable part of a small append.
export function prepareWriteStatements(db: Database.Database) {
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
  };
}

/**
 * BEGIN IMMEDIATE; per pending append a SAVEPOINT, its revision checks and inserts, RELEASE
 * (or ROLLBACK TO when it alone is refused); COMMIT. A failure of the store itself rolls the
 * whole batch back and is thrown. `beforeCommit` is the writer thread's test hook.
 */
export function writeBatch(db: Database.Database, sql: WriteStatements, batch: readonly WirePending[], beforeCommit?: () => void): CommittedBatch {
  const outcomes: PendingOutcome[] = [];
  try {
    sql.begin.run();
    const recordedAt = new Date().toISOString();
    for (const pending of batch) {
      sql.savepoint.run();
      try {
        outcomes.push({ ok: true, streams: pending.map((a) => write(sql, a, recordedAt)) });
        sql.release.run();
      } catch (error) {
        const refusal = refusalOf(error);
        if (!refusal) throw error; // the store failed: give up the whole batch
        sql.rollbackTo.run();
        sql.release.run();
        outcomes.push({ ok: false, refusal });
      }
    }
    beforeCommit?.();
    sql.commit.run();
    return { recordedAt, outcomes };
  } catch (error) {
    if (db.open && db.inTransaction) {
      try {
        sql.rollback.run();
      } catch {
        // SQLite may have rolled back already (I/O errors do); nothing more to undo.
      }
    }
    throw error;
  }
}

/** One stream's append inside the open savepoint; throws WrongExpectedRevisionError untouched. */
function write(sql: WriteStatements, { streamId, events, expectedRevision }: WireAppend, recordedAt: string): WrittenStream {
  const current = sql.streamRevision.all(streamId) as { revision: bigint }[];
  const actual = current.length === 0 ? -1 : Number(current[0].revision);
  if (!revisionMatches(expectedRevision, actual)) throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
  const positions: bigint[] = [];
  let revision = actual;
  for (const event of events) {
    revision += 1;
    const { lastInsertRowid } = sql.insertEvent.run(event.id, streamId, revision, event.type, event.schemaVersion, event.data, event.metadata, recordedAt);
    positions.push(BigInt(lastInsertRowid));
  }
  sql.upsertStream.run(streamId, revision);
  return { revision, positions };
}

/** A refusal of this one append (revision, duplicate event id), not a failure of the store. */
function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof WrongExpectedRevisionError) {
    return { kind: 'revision', streamId: error.streamId, expected: error.expected, actual: error.actual };
  }
  return codeOf(error)?.startsWith('SQLITE_CONSTRAINT') === true ? { kind: 'sqlite', told: tellError(error) } : undefined;
}

/** The error a refused append is rejected with: the same class (or name and code) as the writer saw. */
export function refusalError(refusal: Refusal): Error {
  return refusal.kind === 'revision' ? new WrongExpectedRevisionError(refusal.streamId, refusal.expected, refusal.actual) : rebuildError(refusal.told);
}

export function tellError(error: unknown): ErrorTold {
  const code = codeOf(error);
  return {
    name: error instanceof Error ? error.name : 'Error',
    message: messageOf(error),
    ...(code === undefined ? {} : { code }),
  };
}

export function rebuildError(told: ErrorTold): Error {
  const error = told.name === 'TypeError' ? new TypeError(told.message) : new Error(told.message);
  if (error.name !== told.name) error.name = told.name;
  return told.code === undefined ? error : Object.assign(error, { code: told.code });
}

/** The store failed (busy, I/O, disk full, closed...): StoreUnavailableError; anything else as it is. */
export function toStoreError(error: unknown, what: string): unknown {
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

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
