// A rebuild (npm run rebuild, the bench) in a worker thread with a heap limit of its own.
// Its live data is bounded (a batch of events and a row cache that gives way to the heap's
// budget), but V8 lets an unlimited heap grow to several times that before it collects: with
// the limit the peak stays flat with the log's length (docs/benchmarks.md has the figures).
import { Worker } from 'node:worker_threads';
import type { RebuildOptions, RebuildResult } from '../../projections/rebuild';
import { workerConfig, type ErrorTold, type WorkerConfig } from './projector-worker-protocol';
import { workerEntry } from '../../worker-entry';

/** The rebuild's old-generation heap (MiB), REBUILD_HEAP_MB to change: about three times its live data. */
export const DEFAULT_REBUILD_HEAP_MB = 128;
/** SQLite's page cache for the rebuilt read models (KiB): fresh tables are written in key order. */
const REBUILD_SQLITE_CACHE_KIB = 16_384;

export interface RebuildWorkerData {
  readonly config: WorkerConfig;
  readonly which: string;
  readonly batchSize?: number;
  readonly maxCachedRows?: number;
  readonly sqliteCacheKib: number;
}

export type RebuildWorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly eventsPerSecond: number; readonly etaSeconds: number }
  | { readonly type: 'done'; readonly result: Omit<RebuildResult, 'position'> & { readonly position: string } }
  | { readonly type: 'failed'; readonly error: ErrorTold };

export interface RebuildInWorkerOptions extends Pick<RebuildOptions, 'batchSize' | 'maxCachedRows' | 'onProgress'> {
  /** Old-generation heap limit of the worker in MiB (default REBUILD_HEAP_MB or 128). */
  readonly heapMb?: number;
}

const { file: WORKER_FILE, execArgv: WORKER_EXEC_ARGV } = workerEntry(__dirname, 'rebuild-worker', __filename);

export function rebuildHeapMb(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.REBUILD_HEAP_MB;
  if (raw === undefined || raw === '') return DEFAULT_REBUILD_HEAP_MB;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 32) throw new Error(`REBUILD_HEAP_MB must be a whole number of MiB, at least 32 (got "${raw}")`);
  return mb;
}

export function rebuildInWorker(config: WorkerConfig, which: string, options: RebuildInWorkerOptions = {}): Promise<RebuildResult> {
  const data: RebuildWorkerData = {
    config: workerConfig(config),
    which,
    batchSize: options.batchSize,
    maxCachedRows: options.maxCachedRows,
    sqliteCacheKib: REBUILD_SQLITE_CACHE_KIB,
  };
  const worker = new Worker(WORKER_FILE, {
    workerData: data,
    execArgv: WORKER_EXEC_ARGV,
    env: { ...process.env },
    resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? rebuildHeapMb() },
  });
  return new Promise<RebuildResult>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on('message', (message: RebuildWorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.done, message.total, message.eventsPerSecond, message.etaSeconds);
      else if (message.type === 'done') settle(() => resolve({ ...message.result, position: BigInt(message.result.position) }));
      else settle(() => reject(Object.assign(new Error(message.error.message), { name: message.error.name })));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the rebuild's worker ended (exit code ${code}) before it finished`))));
  });
}
