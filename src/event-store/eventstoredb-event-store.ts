// The EventStoreDB (KurrentDB) adapter, through @eventstore/db-client over gRPC.
//
// Positions: our bigint `position` is the event's commit position in $all. Events written
// by gRPC appends each get their own commit position (commit = prepare = the record's log
// offset), so they are strictly increasing in $all order, though not gapless. Stream reads
// carry positions on EventStoreDB 22.10 and later; where the server does not report one,
// the event's position is UNKNOWN_POSITION (-1n).
//
// Envelope: our schemaVersion and metadata go into the event's metadata JSON as
// { schemaVersion, metadata, $correlationId, $causationId } (the $-keys feed EventStoreDB's
// own $by_correlation_id projection).

import {
  ANY,
  AllStreamRecordedEvent,
  AppendExpectedRevision,
  AppendResult as EsdbAppendResult,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  Position,
  ReadPosition,
  STREAM_EXISTS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
  type AllStreamSubscription,
  type JSONRecordedEvent,
  type BinaryRecordedEvent,
} from '@eventstore/db-client';
import {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from './event-store';
import { AppendedListeners, assertAppendable, assertBatchSize } from './append-rules';

export const UNKNOWN_POSITION = -1n;

/** What we put in EventStoreDB's metadata field. */
interface StoredMetadata {
  readonly schemaVersion: number;
  readonly metadata: EventMetadata;
  readonly $correlationId: string;
  readonly $causationId: string;
}

type AnyRecordedEvent = AllStreamRecordedEvent | JSONRecordedEvent | BinaryRecordedEvent;

// EventStoreDB reports "no position" as the largest unsigned 64-bit value.
const NO_POSITION = 2n ** 64n - 1n;

export class EventStoreDbEventStore implements EventStore {
  private readonly listeners = new AppendedListeners();
  private subscription: AllStreamSubscription | undefined;
  private resubscribeTimer: NodeJS.Timeout | undefined;
  private resubscribeDelayMs = 100;
  private lastSeen: Position | undefined;
  private closed = false;

  constructor(readonly client: EventStoreDBClient) {}

  /** Connect (e.g. `esdb://localhost:2113?tls=false`) and check the server answers. */
  static async connect(connectionString: string): Promise<EventStoreDbEventStore> {
    const store = new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
    try {
      await store.headPosition();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    assertAppendable(streamId, events, options?.expectedRevision);
    const expected = options.expectedRevision;
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: {
              schemaVersion: event.schemaVersion,
              metadata: event.metadata,
              $correlationId: event.metadata.correlationId,
              $causationId: event.metadata.causationId,
            } satisfies StoredMetadata,
          }),
        ),
        { expectedRevision: toEsdbExpected(expected) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === NO_STREAM ? -1 : Number(error.actualVersion);
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      throw toStoreError(error, 'append');
    }
    const next = Number(result.nextExpectedRevision);
    const lastPosition = result.position?.commit ?? UNKNOWN_POSITION;
    const first = next - events.length + 1;
    // The append answers only the last event's position; read the others back.
    const positions = new Map<string, bigint>();
    if (events.length > 1) {
      try {
        for (const record of await this.readStream(streamId, { from: first, to: next })) positions.set(record.id, record.position);
      } catch {
        // The append is committed; failing it now would invite a retry. Positions stay unknown.
      }
    }
    const recordedAt = new Date().toISOString(); // the server's `created` is only known on read
    const records = events.map((event, i): RecordedEvent => ({
      id: event.id,
      streamId,
      revision: first + i,
      position: i === events.length - 1 ? lastPosition : positions.get(event.id) ?? UNKNOWN_POSITION,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      recordedAt,
    }));
    this.listeners.emit(lastPosition);
    return { nextExpectedRevision: next, lastPosition, records };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.from ?? 0;
    if (!Number.isSafeInteger(from) || from < 0) throw new RangeError(`readStream(${streamId}): invalid from ${from}`);
    if (options.to !== undefined && options.to < from) return [];
    const maxCount = options.to === undefined ? Number.MAX_SAFE_INTEGER : options.to - from + 1;
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: BigInt(from), maxCount, direction: FORWARDS })) {
        if (resolved.event) out.push(toRecorded(resolved.event, positionOf(resolved.event)));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toStoreError(error, 'read');
    }
    return out;
  }

  /** Reads $all in pages, skipping system events, and regroups them into batches of batchSize. */
  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent[]> {
    const batchSize = options.batchSize ?? 500;
    assertBatchSize(batchSize);
    this.assertOpen();
    const after = options.after ?? 0n;
    let from: ReadPosition = after === 0n ? START : { commit: after, prepare: after };
    let skipThrough: Position = { commit: after, prepare: after }; // reads include their start
    let pending: RecordedEvent[] = [];
    for (;;) {
      let count = 0;
      try {
        for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: batchSize, direction: FORWARDS })) {
          count++;
          const event = resolved.event;
          if (!event || !isAfter(event.position, skipThrough)) continue;
          skipThrough = event.position;
          if (!isSystem(event)) pending.push(toRecorded(event, event.position.commit));
        }
      } catch (error) {
        throw toStoreError(error, 'read');
      }
      while (pending.length >= batchSize) yield pending.splice(0, batchSize);
      if (count < batchSize) break;
      from = skipThrough;
    }
    if (pending.length > 0) yield pending;
    pending = [];
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    // The newest non-system event; system events ($stats, $metadata...) are not ours.
    let from: ReadPosition = END;
    try {
      for (;;) {
        let count = 0;
        let last: Position | undefined;
        for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: 100, direction: BACKWARDS })) {
          count++;
          const event = resolved.event;
          if (!event) continue;
          if (!isSystem(event)) return event.position.commit;
          last = event.position;
        }
        if (count < 100 || !last) return 0n;
        from = last;
      }
    } catch (error) {
      throw toStoreError(error, 'read');
    }
  }

  /** A catch-up subscription to $all from the end; resubscribes with backoff after a drop. */
  onAppended(listener: (position: bigint) => void): () => void {
    const unsubscribe = this.listeners.add(listener);
    this.subscribe();
    return unsubscribe;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe().catch(() => undefined);
    await this.client.dispose().catch(() => undefined);
  }

  private subscribe(): void {
    if (this.subscription || this.resubscribeTimer || this.closed) return;
    // From the last event seen, so a drop loses nothing; the first time, from the end.
    const subscription = this.client.subscribeToAll({ fromPosition: this.lastSeen ?? END, filter: excludeSystemEvents() });
    this.subscription = subscription;
    subscription.on('confirmation', () => {
      this.resubscribeDelayMs = 100;
    });
    subscription.on('data', (resolved) => {
      const event = resolved.event;
      // A dropped subscription may still flush buffered events; its successor covers them.
      if (this.subscription !== subscription || !event || isSystem(event)) return;
      this.lastSeen = event.position;
      this.listeners.emit(event.position.commit);
    });
    subscription.on('error', () => this.dropSubscription(subscription));
    subscription.on('close', () => this.dropSubscription(subscription));
  }

  private dropSubscription(subscription: AllStreamSubscription): void {
    if (this.subscription !== subscription) return;
    this.subscription = undefined;
    subscription.unsubscribe().catch(() => undefined);
    if (this.closed) return;
    const delay = this.resubscribeDelayMs;
    this.resubscribeDelayMs = Math.min(delay * 2, 10_000);
    this.resubscribeTimer = setTimeout(() => {
      this.resubscribeTimer = undefined;
      this.subscribe();
    }, delay);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('EventStoreDB event store is closed');
  }
}

/** Our expected revision in the client's terms (exported for tests). */
export function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected === -1 ? NO_STREAM : BigInt(expected);
  }
}

function toRecorded(event: AnyRecordedEvent, position: bigint): RecordedEvent {
  const stored = (isObject(event.metadata) ? event.metadata : {}) as Partial<StoredMetadata>;
  // Events another writer put in the store are passed on as well as they can be.
  const data = event.isJson && isObject(event.data) ? event.data : { value: event.isJson ? event.data : null };
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    schemaVersion: typeof stored.schemaVersion === 'number' ? stored.schemaVersion : 1,
    data,
    metadata: stored.metadata ?? (stored as unknown as EventMetadata),
    recordedAt: event.created.toISOString(),
  };
}

function positionOf(event: AnyRecordedEvent): bigint {
  const commit = event.position?.commit;
  return commit === undefined || commit >= NO_POSITION ? UNKNOWN_POSITION : commit;
}

function isAfter(position: Position, than: Position): boolean {
  return position.commit > than.commit || (position.commit === than.commit && position.prepare > than.prepare);
}

function isSystem(event: AnyRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

const UNAVAILABLE_TYPES = new Set<ErrorType>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);

function toStoreError(error: unknown, what: string): unknown {
  if (error instanceof StoreUnavailableError || error instanceof WrongExpectedRevisionError) return error;
  if (error instanceof Error && isCommandError(error) && UNAVAILABLE_TYPES.has(error.type)) {
    return new StoreUnavailableError(`EventStoreDB event store: ${what} failed: ${error.message}`, error);
  }
  return error;
}
