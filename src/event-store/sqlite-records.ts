// The SQLite event store's reads and the records it answers with: the read statements of
// the store's own connection, rows to RecordedEvents, an append's records from what the
// writer assigned, and, after a writer thread died, an append looked up in the log.

import type Database from 'libsql';
import type { AppendResult, RecordedEvent } from './event-store';
import type { WireAppend } from './sqlite-batch';

const COLUMNS = 'position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at';

export interface EventRow {
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

// Prepared once: preparing is a noticeable part of a small read.
export function prepareStatements(db: Database.Database) {
  return {
    // safeIntegers: positions come back as bigint, as the port wants, with no precision loss.
    readStream: db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision BETWEEN ? AND ? ORDER BY revision`)
      .safeIntegers(true),
    readAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).safeIntegers(true),
    head: db.prepare('SELECT max(position) AS head FROM events').safeIntegers(true),
    byEventId: db.prepare(`SELECT ${COLUMNS} FROM events WHERE event_id = ? AND position > ?`).safeIntegers(true),
  };
}

/** An append's records as committed: parsed back from what was stored, so a record equals what a read returns. */
export function recordsOf(append: WireAppend, revision: number, positions: readonly bigint[], recordedAt: string): AppendResult {
  const first = revision - append.events.length + 1;
  const records: RecordedEvent[] = append.events.map((e, i) => ({
    id: e.id,
    streamId: append.streamId,
    revision: first + i,
    position: positions[i],
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: JSON.parse(e.data) as RecordedEvent['data'],
    metadata: JSON.parse(e.metadata) as RecordedEvent['metadata'],
    recordedAt,
  }));
  return { nextExpectedRevision: revision, lastPosition: positions[positions.length - 1], records };
}

export function toRecorded(row: EventRow): RecordedEvent {
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

export type ReadStatements = ReturnType<typeof prepareStatements>;

/** One stream's append as the log holds it after `headBefore`, or undefined when not all of it is there. */
export function writtenSince(sql: ReadStatements, append: WireAppend, headBefore: bigint): AppendResult | undefined {
  const records: RecordedEvent[] = [];
  for (const event of append.events) {
    const row = (sql.byEventId.all(event.id, headBefore) as EventRow[])[0];
    if (!row || row.stream_id !== append.streamId) return undefined;
    records.push(toRecorded(row));
  }
  return { nextExpectedRevision: records[records.length - 1].revision, lastPosition: records[records.length - 1].position, records };
}
