// The live projector in a worker thread of its own (PROJECTOR_THREAD=worker), seen from the
// API's thread: a projection batch never holds up a command here, and commands and
// projections use two cores. The worker (projector-worker.ts) opens its own event-store
// connection and read-model database and runs the same Projector; this side
// - forwards the store's append signals (SQLite signals only appends made on its own connection),
// - keeps each projection's position and status as the worker reports them after every change,
//   and resolves `?after=` waiters from those reports (positions cross as strings),
// - records each batch's span and metrics from the worker's account of it (positions, times,
//   the events' trace fields; never event data),
// - restarts a worker that ends on its own (crash, exit, killed) with a backoff, counted in
//   `lag().worker`. Rows and checkpoints commit together, so a worker killed mid-batch loses
//   nothing: its successor goes on from the committed checkpoint, and waiters keep waiting.
import { Worker } from 'node:worker_threads';
import type { EventStore } from '../../event-store/event-store';
import { lagReport, type LagReport, type LiveProjector, type ProjectionState, type ProjectorWorkerState } from '../../projections/live-projector';
import { PositionWaiters } from '../../projections/position-waiters';
import type { RebuildOptions, RebuildResult } from '../../projections/rebuild';
import type { RanBatch } from '../observability/projector-telemetry';
import { redact } from '../http/redact';
import { workerEntry } from '../../worker-entry';
import type { BatchTold, Call, FromWorker, ProjectorWorkerData, ToWorker } from './projector-worker-protocol';

export interface WorkerProjectorOptions {
  /** The API's own connection to the store: the head for `lag()`, and the append signals to forward. */
  readonly store: Pick<EventStore, 'headPosition' | 'onAppended'>;
  readonly projections: readonly { readonly name: string; readonly version: number }[];
  /** What the worker opens and how it runs (see projector-worker-protocol.ts). Its `exitInBatch` applies to the first worker only. */
  readonly worker: ProjectorWorkerData;
  readonly logger?: { warn(message: string, error?: unknown): void };
  /** Telemetry of each batch the worker ran (ProjectorTelemetry.recordBatch). */
  readonly recordBatch?: (batch: RanBatch) => void;
  /** The wait before restarting a worker that ended: doubles from `initial` to `max` (default 100 ms to 5 s). */
  readonly restartDelayMs?: { readonly initial: number; readonly max: number };
}

/** Under ts-node (npm start, the tests) the worker is the .ts file and registers ts-node; compiled, the .js beside this one. */
const { file: WORKER_FILE, execArgv: WORKER_EXEC_ARGV } = workerEntry(__dirname, 'projector-worker', __filename);
/** A worker that ran this long before it ended starts the backoff over. */
const STABLE_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

interface PendingCall {
  readonly resolve: (value: Extract<FromWorker, { type: 'reply' }>['value']) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress?: RebuildOptions['onProgress'];
}

export class WorkerProjector implements LiveProjector {
  private readonly states = new Map<string, ProjectionState>();
  private readonly waiters = new PositionWaiters((name) => BigInt((this.states.get(name) as ProjectionState).position));
  private readonly calls = new Map<number, PendingCall>();
  private worker: Worker | undefined;
  private generation = 0;
  private wanted = false;
  private starting: Promise<void> | undefined;
  private phase: ProjectorWorkerState['state'] = 'stopped';
  private restarts = 0;
  private lastExit: string | null = null;
  private quickExits = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private nextCall = 1;

  constructor(private readonly options: WorkerProjectorOptions) {
    for (const p of options.projections) {
      if (this.states.has(p.name)) throw new Error(`projection ${p.name} registered twice`);
      this.states.set(p.name, { name: p.name, version: p.version, position: '0', status: 'starting', lastError: null });
    }
  }

  /** Starts the worker; resolves once it has created its tables and reported its checkpoints. */
  start(): Promise<void> {
    if (this.wanted) return this.starting ?? Promise.resolve();
    this.wanted = true;
    this.phase = 'starting';
    this.unsubscribe = this.options.store.onAppended((position) => this.post({ type: 'appended', position: position.toString() }));
    this.starting = this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<void> {
    this.wanted = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = this.worker;
    if (worker) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)));
      // The worker closes its connections itself; past the timeout it is ended all the same.
      await Promise.race([this.call({ op: 'stop' }).catch(() => undefined), timeout]);
      clearTimeout(timer);
      await worker.terminate();
    }
    this.phase = 'stopped';
    this.waiters.cancelAll();
  }

  async catchUp(): Promise<void> {
    await this.call({ op: 'catchUp' });
  }

  position(name: string): bigint {
    const state = this.states.get(name);
    if (!state) throw new Error(`no projection ${name}`);
    return BigInt(state.position);
  }

  minPosition(): bigint {
    let min: bigint | undefined;
    for (const s of this.states.values()) if (min === undefined || BigInt(s.position) < min) min = BigInt(s.position);
    return min ?? 0n;
  }

  waitFor(position: bigint, timeoutMs: number, name?: string): Promise<boolean> {
    const names = name === undefined ? [...this.states.keys()] : [name];
    for (const n of names) if (!this.states.has(n)) throw new Error(`no projection ${n}`);
    if (this.waiters.reached(position, names)) return Promise.resolve(true);
    const waiting = this.waiters.wait(position, names, timeoutMs);
    // The worker's projector then skips its linger (and polls faster for projections run elsewhere).
    this.post({ type: 'wait', position: position.toString(), timeoutMs, ...(name === undefined ? {} : { name }) });
    return waiting;
  }

  async lag(): Promise<LagReport> {
    const report = lagReport(await this.options.store.headPosition(), [...this.states.values()]);
    return { ...report, worker: this.workerState() };
  }

  workerState(): ProjectorWorkerState {
    return { state: this.phase, restarts: this.restarts, lastExit: this.lastExit };
  }

  async rebuild(which: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    const value = await this.call({ op: 'rebuild', which, batchSize: options.batchSize, maxCachedRows: options.maxCachedRows }, options.onProgress);
    if (!value) throw new Error('the projector worker answered a rebuild without its result');
    return { ...value, position: BigInt(value.position) };
  }

  // ---- internals ----------------------------------------------------------------------

  /** One worker; resolves when it is ready, or (the first only) rejects when it ends before. */
  private spawn(): Promise<void> {
    const generation = ++this.generation;
    const data: ProjectorWorkerData = { ...this.options.worker, exitInBatch: generation === 1 ? this.options.worker.exitInBatch : undefined };
    // This module's process.env (a test runner may give each test file its own copy), as it is now:
    // the worker connects with the same libpq variables.
    const worker = new Worker(WORKER_FILE, { workerData: data, execArgv: WORKER_EXEC_ARGV, env: { ...process.env } });
    this.worker = worker;
    const spawnedAt = Date.now();
    let ready = false;
    let failure: Error | undefined;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          ready = true;
          if (this.worker === worker) this.phase = 'running';
          resolve();
        } else this.receive(message);
      });
      worker.on('error', (error) => (failure = error));
      worker.on('exit', (code) => {
        if (this.worker !== worker) return resolve();
        this.worker = undefined;
        // Shown in /health: an error's text is redacted as the projections' errors are.
        const how = failure ? redact(`${failure.name}: ${failure.message}`) : `exit code ${code}`;
        for (const [id, call] of this.calls) {
          this.calls.delete(id);
          call.reject(new Error(`the projector worker ended (${how})`));
        }
        if (!this.wanted) return resolve();
        if (!ready && this.restarts === 0 && this.phase === 'starting') {
          // The service cannot start its read side at all (as Projector.start() rejects on init).
          this.wanted = false;
          this.unsubscribe?.();
          this.phase = 'stopped';
          return reject(new Error(`the projector worker ended before it was ready (${how})`));
        }
        this.restartAfter(how, Date.now() - spawnedAt);
        resolve();
      });
    });
  }

  private restartAfter(how: string, ranMs: number): void {
    this.restarts += 1;
    this.lastExit = how;
    this.phase = 'restarting';
    // Until the next worker reports, nobody is applying events here.
    for (const [name, s] of this.states) this.states.set(name, { ...s, status: 'starting' });
    this.quickExits = ranMs >= STABLE_MS ? 1 : this.quickExits + 1;
    const { initial, max } = this.options.restartDelayMs ?? { initial: 100, max: 5000 };
    const delay = Math.min(max, initial * 2 ** (this.quickExits - 1));
    this.options.logger?.warn(`projector worker ended (${how}); restart ${this.restarts} in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.wanted) void this.spawn();
    }, delay);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'state':
        for (const s of message.projections) if (this.states.has(s.name)) this.states.set(s.name, s);
        this.waiters.notify();
        return;
      case 'batch':
        this.options.recordBatch?.(ranBatch(message.batch));
        return;
      case 'log':
        this.options.logger?.warn(message.message, message.error ? Object.assign(new Error(message.error.message), { name: message.error.name }) : undefined);
        return;
      case 'progress':
        this.calls.get(message.id)?.onProgress?.(message.done, message.total, message.eventsPerSecond, message.etaSeconds);
        return;
      case 'reply':
        this.settle(message.id)?.resolve(message.value);
        return;
      case 'refused':
        this.settle(message.id)?.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
        return;
      default:
        return;
    }
  }

  private settle(id: number): PendingCall | undefined {
    const call = this.calls.get(id);
    this.calls.delete(id);
    return call;
  }

  private call(call: Call, onProgress?: RebuildOptions['onProgress']): Promise<Extract<FromWorker, { type: 'reply' }>['value']> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the projector worker is not running'));
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject, onProgress });
      worker.postMessage({ type: 'call', id, call } satisfies ToWorker);
    });
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }
}

/** The worker's account of a batch as the telemetry reads it (positions back to bigint). */
function ranBatch(batch: BatchTold): RanBatch {
  return {
    position: BigInt(batch.position),
    projections: batch.projections.map((p) => ({ name: p.name, from: BigInt(p.from) })),
    events: batch.events.map((e) => ({
      position: BigInt(e.position),
      recordedAt: e.recordedAt,
      metadata: { traceparent: e.traceparent, correlationId: e.correlationId, commandId: e.commandId },
    })),
    startedAt: batch.startedAt,
    endedAt: batch.endedAt,
    failed: batch.failed,
  };
}
