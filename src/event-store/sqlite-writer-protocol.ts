// The messages between the SQLite event store (sqlite-writer.ts, on the store's thread) and
// its writer thread (sqlite-writer-worker.ts). Plain data only; positions cross as bigints.

import type { CommittedBatch, ErrorTold, WirePending } from './sqlite-batch';

export type WriterExit = 'before-commit' | 'after-commit';

export interface WriterData {
  readonly file: string;
  readonly busyTimeoutMs: number;
  /** Tests only: the thread ends (process.exit(1)) in its first batch, just before or just after COMMIT. */
  readonly exitInBatch?: WriterExit;
}

export type ToWriter = { readonly type: 'batch'; readonly id: number; readonly batch: readonly WirePending[] } | { readonly type: 'close' };

export type FromWriter =
  | { readonly type: 'ready' }
  | { readonly type: 'committed'; readonly id: number; readonly batch: CommittedBatch }
  | { readonly type: 'failed'; readonly id: number; readonly error: ErrorTold };
