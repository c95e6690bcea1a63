// The event-store port. Adapters (SQLite, PostgreSQL, EventStoreDB) implement it and pass
// one shared contract suite (test/event-store/event-store.contract.ts). The port knows
// envelopes, streams, revisions and positions; it knows nothing of episodes.

/** Who did it and why: copied into every event's envelope. */
export interface EventMetadata {
  /** The acting user's HSA id (JWT `sub`). */
  readonly actorId: string;
  readonly actorName?: string;
  readonly role: string;
  /** The care unit's HSA id the actor acted for (absent for auditor and reporting). */
  readonly unitId?: string;
  /** One id per accepted command; all events of one command share it. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** Set when the client sent an Idempotency-Key (scoped to the actor). */
  readonly idempotencyKey?: string;
  /** Hash of the request the key was first used with, to refuse reuse with another body. */
  readonly requestHash?: string;
  readonly [extra: string]: unknown;
}

/** An event about to be appended. */
export interface NewEvent {
  /** UUID (EventStoreDB requires UUIDs). */
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

/** An event as stored: the envelope. */
export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 0 for a stream's first event, then +1 per event, gapless. */
  readonly revision: number;
  /** Position in the global log: strictly increasing in commit order across all streams. */
  readonly position: bigint;
  /** When the store committed it, ISO 8601 UTC. */
  readonly recordedAt: string;
}

/**
 * What the caller expects of the stream before the append.
 * - 'no_stream': the stream must not exist;
 * - 'stream_exists': it must exist;
 * - 'any': no check;
 * - a number: the stream's last revision must be exactly this.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

/** What one commit of the group commit wrote. */
export interface GroupCommit {
  readonly appends: number;
  readonly events: number;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** The stream's revision after the append (its last event's revision). */
  readonly nextExpectedRevision: number;
  /** The global position of the last event written. */
  readonly lastPosition: bigint;
  /** The events as recorded, in order. */
  readonly records: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  /** First revision to return, inclusive (default 0). */
  readonly from?: number;
  /** Last revision to return, inclusive (default: the stream's end). */
  readonly to?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this position (default: from the beginning). */
  readonly after?: bigint;
  /** Events per yielded batch (default 500). */
  readonly batchSize?: number;
}

export interface EventStore {
  /**
   * Append atomically: all events or none. Throws WrongExpectedRevisionError when the
   * stream is not as expected, and then writes nothing. Appending no events is refused.
   */
  appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;

  /**
   * Append to several streams in one transaction: every stream is as expected and all the
   * events are written, or nothing is (WrongExpectedRevisionError names the first stream
   * that was not as expected). Positions follow the order of `appends`; a stream may
   * appear once. Only stores with multi-stream transactions have it (SQLite, PostgreSQL;
   * EventStoreDB has none): callers fall back to appending one stream after another.
   */
  appendToStreams?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;

  /**
   * Be told after each commit of the group commit: how many appends (callers) and events one
   * transaction wrote. Only stores that group appends have it (SQLite, PostgreSQL).
   */
  onGroupCommitted?(listener: (group: GroupCommit) => void): () => void;

  /** The stream's events in revision order; an empty array for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** The global log in position order, in batches; ends at the head as it was when the batch was read. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent[]>;

  /** The position of the last committed event (0n when the store is empty). */
  headPosition(): Promise<bigint>;

  /**
   * Be told, after commit, that events were appended (by this process or, where the
   * adapter can tell, another). The listener gets the newest position it knows of.
   * Returns an unsubscribe function. Consumers still read through readAll.
   */
  onAppended(listener: (position: bigint) => void): () => void;

  close(): Promise<void>;
}

/** The stream was not at the expected revision; nothing was written. */
export class WrongExpectedRevisionError extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or -1 when it does not exist. */
    readonly actual: number,
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The store could not be reached or failed; nothing was written. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}
