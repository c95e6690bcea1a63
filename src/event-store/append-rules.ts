// Rules every adapter applies the same way, so the contract suite sees one behaviour:
// argument checks, the expected-revision test, and fan-out to onAppended listeners.

import type { ExpectedRevision, GroupCommit, NewEvent, StreamAppend } from './event-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Refuse an append the store must not even try: no events, a bad stream id, an expected
 * revision that is not one of the four forms, or an event id that is not a UUID (the port
 * promises UUIDs, and EventStoreDB rejects anything else: refuse it everywhere alike).
 */
export function assertAppendable(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new TypeError('appendToStream: streamId must be a non-empty string');
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new RangeError(`appendToStream(${streamId}): refusing to append no events`);
  }
  if (!isExpectedRevision(expected)) {
    throw new TypeError(`appendToStream(${streamId}): invalid expectedRevision ${String(expected)}`);
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new TypeError(`appendToStream(${streamId}): event id ${event.id} is not a UUID`);
    if (ids.has(event.id)) throw new TypeError(`appendToStream(${streamId}): event id ${event.id} appears twice`);
    ids.add(event.id);
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new TypeError(`appendToStream(${streamId}): event ${event.id} has no type`);
    }
    if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 0) {
      throw new TypeError(`appendToStream(${streamId}): event ${event.id} has schemaVersion ${event.schemaVersion}`);
    }
  }
}

/** A multi-stream append: at least one stream, each once, each appendable. */
export function assertMultiAppendable(appends: readonly StreamAppend[]): void {
  if (!Array.isArray(appends) || appends.length === 0) throw new RangeError('appendToStreams: refusing to append to no streams');
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (const a of appends) {
    assertAppendable(a?.streamId, a?.events, a?.expectedRevision);
    if (streams.has(a.streamId)) throw new TypeError(`appendToStreams: stream ${a.streamId} appears twice`);
    streams.add(a.streamId);
    for (const e of a.events) {
      if (ids.has(e.id)) throw new TypeError(`appendToStreams: event id ${e.id} appears twice`);
      ids.add(e.id);
    }
  }
}

function isExpectedRevision(value: unknown): value is ExpectedRevision {
  if (value === 'no_stream' || value === 'stream_exists' || value === 'any') return true;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= -1;
}

/** Does a stream whose last revision is `actual` (-1: no stream) satisfy `expected`? */
export function revisionMatches(expected: ExpectedRevision, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === -1;
    case 'stream_exists':
      return actual >= 0;
    default:
      return actual === expected; // -1 means "no stream", which is what actual -1 says
  }
}

export function assertBatchSize(batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`readAll: batchSize must be a positive integer, got ${batchSize}`);
  }
}

/**
 * The onAppended listeners of one store. Only a position newer than the last one told is
 * passed on: a store may learn of the same commit twice (its own append, then the
 * database's notification), and an older position says nothing new because positions are
 * in commit order. A throwing listener must not fail the append that already committed.
 */
export class AppendedListeners {
  private readonly listeners = new Set<(position: bigint) => void>();
  private lastTold = -1n;

  get size(): number {
    return this.listeners.size;
  }

  add(listener: (position: bigint) => void): () => void {
    // A fresh Set entry per call, so the same function added twice is removed once each.
    const entry = (position: bigint): void => listener(position);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(position: bigint): void {
    if (position <= this.lastTold) return;
    this.lastTold = position;
    for (const listener of [...this.listeners]) {
      try {
        listener(position);
      } catch (error) {
        console.error('event-store: an onAppended listener threw', error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** The onGroupCommitted listeners of one store; a throwing listener never fails an append. */
export class GroupCommitListeners {
  private readonly listeners = new Set<(group: GroupCommit) => void>();

  add(listener: (group: GroupCommit) => void): () => void {
    const entry = (group: GroupCommit): void => listener(group);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(group: GroupCommit): void {
    if (group.appends === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(group);
      } catch {
        // telemetry only: the commit stands
      }
    }
  }
}
