// The PostgreSQL event store's statements and row shapes (see postgres-event-store.ts).
import type { QueryConfig } from 'pg';
import type { AppendResult, ExpectedRevision, NewEvent, RecordedEvent } from './event-store';
import type { PostgresTables } from './postgres-schema';

export interface EventRow {
  readonly position: string; // int8 comes back as text; parsed to bigint below
  readonly event_id: string;
  readonly stream_id: string;
  readonly revision: number;
  readonly type: string;
  readonly schema_version: number;
  readonly data: RecordedEvent['data'];
  readonly metadata: RecordedEvent['metadata'];
  readonly recorded_at: Date;
}

/** An event with what the append assigned to it, serialised once. */
export interface InsertRow {
  readonly event: NewEvent;
  readonly streamId: string;
  readonly revision: number;
  readonly position: bigint;
  readonly data: string;
  readonly metadata: string;
}

const COLUMNS = 'position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at';

/** One stream's part of a caller's append, serialised for the append function. */
export interface GroupStream {
  /** The caller (member of the group) it belongs to: its streams are judged together. */
  readonly member: number;
  readonly streamId: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly NewEvent[];
  readonly serialised: readonly { readonly data: string; readonly metadata: string }[];
}

/** What the append function answers per accepted stream, or per refused member. */
export interface GroupRow {
  readonly member: number;
  readonly stream: string;
  readonly accepted: boolean;
  /** The stream's revision before this member's events (-1: no stream). */
  readonly actual: number;
  readonly first_position: string | null;
  readonly recorded_at: Date;
}

// Named statements are parsed once per connection. Their names carry the schema, because
// a name must always mean the same text on a connection.
export function statements(t: PostgresTables, schema: string) {
  const name = (what: string): string => `event_store_${what}_${schema}`.slice(0, 63);
  const channel = `event_store:${schema}`;
  return {
    channel,
    quotedChannel: `"${channel}"`,
    // The whole group in one statement and one round trip: lock, judge, insert, NOTIFY
    // (migration 2 in postgres-schema.ts); autocommit makes it one transaction and one flush.
    appendGroup: (streams: readonly GroupStream[]): QueryConfig => {
      const events = streams.flatMap((s) => s.events.map((event, i) => ({ event, ...s.serialised[i]! })));
      return {
        name: name('append_group'),
        text: `SELECT member, stream, accepted, actual, first_position::text AS first_position, recorded_at
               FROM ${t.schema}.append_group($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10)`,
        values: [
          streams.map((s) => s.member),
          streams.map((s) => s.streamId),
          streams.map((s) => String(s.expectedRevision)),
          streams.map((s) => s.events.length),
          events.map((e) => e.event.id),
          events.map((e) => e.event.type),
          events.map((e) => e.event.schemaVersion),
          events.map((e) => e.data),
          events.map((e) => e.metadata),
          channel,
        ],
      };
    },
    readStream: (streamId: string, from: number, to: number): QueryConfig => ({
      name: name('read_stream'),
      text: `SELECT ${COLUMNS} FROM ${t.events} WHERE stream_id = $1 AND revision BETWEEN $2 AND $3 ORDER BY revision`,
      values: [streamId, from, to],
    }),
    readAll: (after: bigint, limit: number): QueryConfig => ({
      name: name('read_all'),
      text: `SELECT ${COLUMNS} FROM ${t.events} WHERE position > $1 ORDER BY position LIMIT $2`,
      values: [after.toString(), limit],
    }),
    head: { name: name('head'), text: `SELECT coalesce(max(position), 0)::text AS head FROM ${t.events}` } as QueryConfig,
  };
}

/** One stream's part of a committed append, as the port answers it. */
export function resultOf(rows: readonly InsertRow[], recordedAt: string): AppendResult {
  const last = rows[rows.length - 1]!;
  return {
    nextExpectedRevision: last.revision,
    lastPosition: last.position,
    records: rows.map((row) => ({
      id: row.event.id,
      streamId: row.streamId,
      revision: row.revision,
      position: row.position,
      type: row.event.type,
      schemaVersion: row.event.schemaVersion,
      // Parsed back from what was stored, so a record equals what a read returns.
      data: JSON.parse(row.data) as RecordedEvent['data'],
      metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
      recordedAt,
    })),
  };
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: BigInt(row.position),
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
  };
}
