// The SQLite event store's writer thread, seen from the store's thread: starts the worker
// (sqlite-writer-worker.ts) when first needed, sends it a batch and resolves with what it
// committed, and rejects with StoreUnavailableError every batch still unanswered when the
// worker ends (a crash, process.exit, an error at start). The next batch starts a new worker.
// The worker keeps the process alive only while a batch is out (a store nobody closed must
// not hold the process open).
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from './event-store';
import { rebuildError, type CommittedBatch, type WirePending } from './sqlite-batch';
import type { FromWriter, ToWriter, WriterData } from './sqlite-writer-protocol';
import { workerEntry } from '../worker-entry';

const ENTRY = workerEntry(__dirname, 'sqlite-writer-worker', __filename);

interface Call {
  readonly resolve: (batch: CommittedBatch) => void;
  readonly reject: (error: unknown) => void;
}

interface Running {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
}

export class SqliteWriter {
  private running: Running | undefined;
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private started = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly data: WriterData) {}

  /** Workers started so far (1 until one ended and the next batch started another). */
  get starts(): number {
    return this.started;
  }

  /** Starts the worker now (if it is not running) and resolves once it has opened its connection. */
  start(): Promise<void> {
    const { worker, ready } = this.ensure();
    worker.ref(); // the process must not end while someone waits for the writer to start
    const settled = (): void => {
      if (this.calls.size === 0) worker.unref();
    };
    ready.then(settled, settled);
    return ready;
  }

  /** Writes one batch on the writer thread: one transaction, committed when this resolves. */
  write(batch: readonly WirePending[]): Promise<CommittedBatch> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('SQLite event store: the writer thread is closed'));
    const { worker } = this.ensure();
    const id = this.nextId++;
    return new Promise<CommittedBatch>((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ type: 'batch', id, batch } satisfies ToWriter);
    });
  }

  /** Ends the worker once the batches already sent are answered (the store waits for them first). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const running = this.running;
      if (!running) return;
      running.worker.ref();
      running.worker.postMessage({ type: 'close' } satisfies ToWriter);
      await running.exited;
    })();
    return this.closing;
  }

  private ensure(): Running {
    if (this.running) return this.running;
    this.started += 1;
    // The first worker only carries the test hook, so a restarted one writes normally.
    const data: WriterData = { ...this.data, exitInBatch: this.started === 1 ? this.data.exitInBatch : undefined };
    // This module's process.env (a test runner may give each test file its own copy), as it is now.
    const worker = new Worker(ENTRY.file, { workerData: data, execArgv: ENTRY.execArgv, env: { ...process.env } });
    worker.unref();
    let failure: Error | undefined;
    let markReady: () => void = () => undefined;
    let markFailed: (error: unknown) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => undefined); // also told to every batch sent; start() callers see it too
    const exited = new Promise<void>((resolve) => {
      worker.on('error', (error) => (failure = error));
      worker.on('exit', (code) => {
        if (this.running?.worker === worker) this.running = undefined;
        const how = failure ? `${failure.name}: ${failure.message}` : `exit code ${code}`;
        const ended = new StoreUnavailableError(`SQLite event store: the writer thread ended (${how})`, failure);
        markFailed(ended);
        for (const [id, call] of this.calls) {
          this.calls.delete(id);
          call.reject(ended);
        }
        resolve();
      });
    });
    worker.on('message', (message: FromWriter) => {
      if (message.type === 'ready') return markReady();
      const call = this.calls.get(message.id);
      if (!call) return;
      this.calls.delete(message.id);
      if (this.calls.size === 0) worker.unref();
      if (message.type === 'committed') call.resolve(message.batch);
      else call.reject(rebuildError(message.error));
    });
    this.running = { worker, ready, exited };
    return this.running;
  }
}
