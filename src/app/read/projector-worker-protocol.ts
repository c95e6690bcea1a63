// The messages between the API's thread and the projector's worker thread
// (worker-projector.ts and projector-worker.ts). Positions cross as decimal strings. No event
// data crosses: a batch is told by its positions, times and the trace fields of its events'
// metadata (the trace context, the correlation and command ids), never their personal fields.
import type { AppConfig } from '../config';
import type { ProjectionState } from '../../projections/live-projector';

/** What the worker opens: its own event-store connection and its own read-model database. */
export type WorkerConfig = Pick<AppConfig, 'eventStore' | 'sqliteFile' | 'readModelFile' | 'databaseUrl' | 'databaseSchema'>;

/** Only what the worker opens crosses (no secrets: the master key and the JWT secret stay here). */
export const workerConfig = (c: WorkerConfig): WorkerConfig => ({
  eventStore: c.eventStore,
  sqliteFile: c.sqliteFile,
  readModelFile: c.readModelFile,
  ...(c.databaseUrl === undefined ? {} : { databaseUrl: c.databaseUrl }),
  ...(c.databaseSchema === undefined ? {} : { databaseSchema: c.databaseSchema }),
});

export interface ProjectorWorkerData {
  readonly config: WorkerConfig;
  readonly pollIntervalMs: number;
  readonly retryDelayMs?: number;
  readonly batchSize?: number;
  /**
   * Test hook: inside its Nth batch transaction, after the rows and checkpoints and before
   * COMMIT, the worker ends with process.exit(1) (a crash mid-batch).
   */
  readonly exitInBatch?: number;
}

export interface BatchEventTrace {
  readonly position: string;
  readonly recordedAt: string;
  readonly traceparent?: string;
  readonly correlationId?: string;
  readonly commandId?: string;
}

export interface BatchTold {
  readonly position: string;
  readonly projections: readonly { readonly name: string; readonly from: string }[];
  readonly events: readonly BatchEventTrace[];
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** The error's name when the batch failed. */
  readonly failed?: string;
}

export interface ErrorTold {
  readonly name: string;
  readonly message: string;
}

export type Call =
  | { readonly op: 'catchUp' }
  | { readonly op: 'rebuild'; readonly which: string; readonly batchSize?: number; readonly maxCachedRows?: number }
  | { readonly op: 'stop' };

export type ToWorker =
  | { readonly type: 'appended'; readonly position: string }
  /** A reader waits in the API's thread: the worker cuts its linger short, as for a reader of its own. */
  | { readonly type: 'wait'; readonly position: string; readonly timeoutMs: number; readonly name?: string }
  | { readonly type: 'call'; readonly id: number; readonly call: Call };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'state'; readonly projections: readonly ProjectionState[] }
  | { readonly type: 'batch'; readonly batch: BatchTold }
  | { readonly type: 'log'; readonly message: string; readonly error?: ErrorTold }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number; readonly eventsPerSecond: number; readonly etaSeconds: number }
  | { readonly type: 'reply'; readonly id: number; readonly value?: { readonly position: string; readonly projections: readonly string[]; readonly events: number; readonly seconds: number; readonly eventsPerSecond: number } }
  | { readonly type: 'refused'; readonly id: number; readonly error: ErrorTold };

export const errorTold = (error: unknown): ErrorTold =>
  error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
