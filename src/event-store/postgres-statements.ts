// The PostgreSQL event store's statements and row shapes (see postgres-event-store.ts).
import type { QueryConfig } from 'pg';
import type { AppendResult, NewEvent, RecordedEvent } from './event-store';
import { advisoryKey, type PostgresTables } from './postgres-schema';

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
const APPEND_LOCK = 0x45530002;

// Named statements are parsed once per connection. Their names carry the schema, because
// a name must always mean the same text on a connection.
export function statements(t: PostgresTables, schema: string) {
  const name = (what: string): string => `event_store_${what}_${schema}`.slice(0, 63);
  const channel = `event_store:${schema}`;
  return {
    channel,
    quotedChannel: `"${channel}"`,
    beginAndLock: `BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK}, ${advisoryKey(schema)})`,
    // A statement of its own, after the lock: its snapshot then includes the previous append.
    state: (streamIds: readonly string[]): QueryConfig => ({
      name: name('state'),
      text: `SELECT (SELECT json_object_agg(stream_id, revision) FROM ${t.streams} WHERE stream_id = ANY($1::text[])) AS revisions,
                    (SELECT coalesce(max(position), 0) FROM ${t.events})::text AS head,
                    date_trunc('milliseconds', clock_timestamp()) AS now`,
      values: [streamIds],
    }),
    // unnest over arrays: one statement for any number of events, no parameter limit.
    insert: (rows: readonly InsertRow[], streams: readonly (readonly [string, number])[], now: Date): QueryConfig => {
      const last = rows[rows.length - 1]!;
      return {
        name: name('insert'),
        text: `WITH inserted AS (
                 INSERT INTO ${t.events} (position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at)
                 SELECT p, id, s, r, ty, v, d::json, m::json, $9
                 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[], $8::text[]) AS u(p, id, s, r, ty, v, d, m)
               ), stream AS (
                 INSERT INTO ${t.streams} (stream_id, revision)
                 SELECT sid, rev FROM unnest($10::text[], $11::int[]) AS st(sid, rev)
                 ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision
               )
               SELECT pg_notify($12, $13)`,
        values: [
          rows.map((r) => r.position.toString()),
          rows.map((r) => r.event.id),
          rows.map((r) => r.streamId),
          rows.map((r) => r.revision),
          rows.map((r) => r.event.type),
          rows.map((r) => r.event.schemaVersion),
          rows.map((r) => r.data),
          rows.map((r) => r.metadata),
          now,
          streams.map(([id]) => id),
          streams.map(([, revision]) => revision),
          channel,
          last.position.toString(), // NOTIFY is delivered at commit, carrying the new head
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
