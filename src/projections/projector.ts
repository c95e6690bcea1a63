// The projector: runs every projection from its own checkpoint over the global log. One
// read of the log serves all projections (each takes the events after its checkpoint); the
// rows of every projection and their checkpoints commit in one transaction per batch. If a
// projection fails, the batch is retried per projection so the others advance, and the
// failing one is retried after `retryDelayMs`. Live: after catching up it waits for the
// store's onAppended signal, polling every `pollIntervalMs` as a fallback.
import type { ReadModelDb } from './read-model-schema';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import { readModelDbInfo } from './read-model-db';
import { RowSession } from './row-cache';
import { createIndexSqls, createTableSql, dropTableSql, run, type SqlTarget } from './sql';
import { ensureCheckpointTable, readCheckpoints, withWriteTransaction, writeCheckpoints } from './checkpoints';
import { rebuildProjections, type RebuildOptions, type RebuildResult } from './rebuild';
import { AdvisoryLocks } from './pg-lock';
import { PositionWaiters } from './position-waiters';
import { schemaDdlLockSql } from '../event-store/postgres-schema';
import { lagReport, type LagReport, type LiveProjector, type ProjectionState, type ProjectionStatus } from './live-projector';

export interface BatchCommitted {
  /** The last position of the batch, now every listed projection's checkpoint. */
  readonly position: bigint;
  readonly events: number;
  readonly projections: readonly string[];
}

/** One batch transaction about to run: what the `observeBatch` hook sees. */
export interface BatchAttempt {
  readonly events: readonly RecordedEvent[];
  /** The projections it applies the events to, each from its checkpoint. */
  readonly projections: readonly { readonly name: string; readonly from: bigint }[];
  /** The batch's last position: their checkpoint once it commits. */
  readonly position: bigint;
}

export interface ProjectorOptions {
  readonly store: EventStore;
  readonly db: ReadModelDb;
  readonly projections: readonly Projection[];
  /** Lifts stored events to their current schema before any projection sees them. */
  readonly upcast?: (event: RecordedEvent) => RecordedEvent;
  /** Events per live batch (default 500). */
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /**
   * Under a steady stream of appends, wait this long after a batch that reached the head
   * before reading the next one, so that one transaction applies many events (and rows
   * touched by several events are written once). Skipped while a reader waits (`waitFor`).
   * Default 0: apply every append at once.
   */
  readonly lingerMs?: number;
  readonly retryDelayMs?: number;
  /** Called after each committed batch; awaited, so a test can pause the projector here. */
  readonly onBatchCommitted?: (info: BatchCommitted) => void | Promise<void>;
  /** Test hook: awaited inside the write transaction, after rows and checkpoint, before COMMIT. */
  readonly beforeCommit?: (info: BatchCommitted) => void | Promise<void>;
  /** PostgreSQL only: one process per projection via pg_advisory_lock (see pg-lock.ts). */
  readonly advisoryLocks?: boolean;
  readonly logger?: { warn(message: string, error?: unknown): void };
  /** Telemetry (spans, metrics; src/app/observability): wraps each batch transaction, its failure included. */
  readonly observeBatch?: <T>(batch: BatchAttempt, run: () => Promise<T>) => Promise<T>;
  /**
   * Called (synchronously) whenever a projection's position or status may have changed: after
   * init, each commit, a failure, a checkpoint refresh and a rebuild. A worker thread reports
   * `states()` to the API's thread from here.
   */
  readonly onStateChanged?: () => void;
}

type Status = ProjectionStatus;

interface Runner {
  readonly projection: Projection;
  position: bigint;
  status: Status;
  lastError: string | null;
  retryAt: number;
}

export class Projector implements LiveProjector {
  private readonly runners = new Map<string, Runner>();
  private readonly target: SqlTarget;
  private readonly waiters = new PositionWaiters((name) => (this.runners.get(name) as Runner).position);
  private readonly locks: AdvisoryLocks | undefined;
  private initialized: Promise<void> | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private signalled = false;
  private lastBatchPartial = true;
  private unsubscribe: (() => void) | undefined;
  private mutex: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ProjectorOptions) {
    const info = readModelDbInfo(options.db);
    this.target = { dialect: info.dialect, schema: info.schema };
    for (const projection of options.projections) {
      if (this.runners.has(projection.name)) throw new Error(`projection ${projection.name} registered twice`);
      this.runners.set(projection.name, { projection, position: 0n, status: 'starting', lastError: null, retryAt: 0 });
    }
    if (options.advisoryLocks) {
      if (info.dialect !== 'postgres' || !info.pool) throw new Error('advisoryLocks needs a PostgreSQL read-model db from createReadModelDb');
      this.locks = new AdvisoryLocks(info.pool, `artrosskola.projection:${info.schema ?? 'public'}`);
    }
  }

  /** Create missing tables and checkpoints; a projection whose version changed starts over from zero. */
  init(): Promise<void> {
    return (this.initialized ??= this.doInit());
  }

  async start(): Promise<void> {
    await this.init();
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.store.onAppended(() => this.signal());
    this.loop = this.runLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.signal();
    await this.loop;
    this.loop = undefined;
    await this.locks?.releaseAll();
    this.waiters.cancelAll();
  }

  /** Apply everything up to the current head, then return (for tests and the CLI). */
  async catchUp(): Promise<void> {
    await this.init();
    while (await this.exclusive(() => this.step())) {
      // keep going until a read comes back empty
    }
  }

  position(name: string): bigint {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`no projection ${name}`);
    return runner.position;
  }

  minPosition(): bigint {
    let min: bigint | undefined;
    for (const r of this.runners.values()) if (min === undefined || r.position < min) min = r.position;
    return min ?? 0n;
  }

  /** Resolves true once every projection (or the named one) has applied `position`, false after the timeout. */
  waitFor(position: bigint, timeoutMs: number, name?: string): Promise<boolean> {
    const names = name === undefined ? [...this.runners.keys()] : [name];
    for (const n of names) if (!this.runners.has(n)) throw new Error(`no projection ${n}`);
    if (this.waiters.reached(position, names)) return Promise.resolve(true);
    const waiting = this.waiters.wait(position, names, timeoutMs);
    this.signal(); // a projection run elsewhere is polled faster while someone waits
    return waiting;
  }

  async lag(): Promise<LagReport> {
    return lagReport(await this.options.store.headPosition(), this.states());
  }

  /** Each projection's position and status, as the lag report shows them. */
  states(): ProjectionState[] {
    return [...this.runners.values()].map((r) => ({
      name: r.projection.name,
      version: r.projection.version,
      position: r.position.toString(),
      status: r.status,
      lastError: r.lastError,
    }));
  }

  /** Replay from zero into fresh tables and swap them in (see rebuild.ts). */
  async rebuild(which: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    await this.init();
    const projections = which === 'all' ? this.options.projections : [this.runners.get(which)?.projection];
    if (projections.some((p) => p === undefined)) throw new Error(`no projection ${which}`);
    const result = await rebuildProjections({
      ...options,
      store: this.options.store,
      db: this.options.db,
      target: this.target,
      projections: projections as Projection[],
      upcast: this.options.upcast,
      exclusive: (fn) => this.exclusive(fn),
    });
    for (const p of result.projections) {
      const runner = this.runners.get(p) as Runner;
      Object.assign(runner, { position: result.position, status: 'live', lastError: null, retryAt: 0 });
    }
    this.waiters.notify();
    this.options.onStateChanged?.();
    return result;
  }

  // ---- internals ----------------------------------------------------------------------

  private async doInit(): Promise<void> {
    const { db } = this.options;
    const t = this.target;
    await withWriteTransaction(db, t, async (trx) => {
      // Serialise table creation between processes sharing a PostgreSQL database.
      if (t.dialect === 'postgres') await run(trx, t, schemaDdlLockSql(t.schema ?? 'public'));
      await ensureCheckpointTable(trx, t);
      const stored = await readCheckpoints(trx, t, [...this.runners.keys()], true);
      const reset: { name: string; version: number; position: bigint }[] = [];
      for (const runner of this.runners.values()) {
        const p = runner.projection;
        const checkpoint = stored.get(p.name);
        const fresh = !checkpoint || checkpoint.version !== p.version;
        for (const spec of p.tables) {
          if (fresh) await run(trx, t, dropTableSql(t, spec.name));
          await run(trx, t, createTableSql(t, spec, spec.name));
          for (const statement of createIndexSqls(t, spec)) await run(trx, t, statement);
        }
        if (fresh) reset.push({ name: p.name, version: p.version, position: 0n });
        runner.position = fresh ? 0n : (checkpoint as { position: bigint }).position;
        runner.status = 'live';
      }
      await writeCheckpoints(trx, reset);
    });
    this.options.onStateChanged?.();
  }

  /** Serialises batches with a rebuild's swap, so in-memory checkpoints follow commit order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.mutex.then(fn, fn);
    this.mutex = next.catch(() => undefined);
    return next;
  }

  private signal(): void {
    this.signalled = true;
    this.wake?.();
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      let progressed = false;
      try {
        if (this.locks) await this.refreshLocks();
        progressed = await this.exclusive(() => this.step());
      } catch (error) {
        this.log('projector: batch failed', error);
      }
      if (!this.running) continue;
      if (progressed) {
        if (this.lastBatchPartial && this.waiters.size === 0 && (this.options.lingerMs ?? 0) > 0) await this.linger();
        continue;
      }
      await this.idle();
    }
  }

  /** A short pause that a waiting reader or stop() cuts short. */
  private linger(): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, this.options.lingerMs);
      this.wake = () => (this.waiters.size > 0 || !this.running ? finish() : undefined);
    });
  }

  private idle(): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    const elsewhere = [...this.runners.values()].some((r) => r.status === 'elsewhere');
    const delay = this.waiters.size > 0 && elsewhere ? 100 : (this.options.pollIntervalMs ?? 1000);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.signalled = false;
        resolve();
      };
      const timer = setTimeout(finish, delay);
      this.wake = finish;
    });
  }

  /** Take the advisory locks we can; refresh the checkpoints of projections run elsewhere. */
  private async refreshLocks(): Promise<void> {
    const locks = this.locks as AdvisoryLocks;
    const held = await locks.tryAcquire([...this.runners.keys()]);
    const elsewhere: Runner[] = [];
    for (const r of this.runners.values()) {
      if (held.has(r.projection.name)) {
        if (r.status === 'elsewhere') r.status = 'live';
      } else {
        r.status = 'elsewhere';
        elsewhere.push(r);
      }
    }
    if (elsewhere.length === 0) return this.options.onStateChanged?.();
    const stored = await readCheckpoints(this.options.db, this.target, elsewhere.map((r) => r.projection.name));
    for (const r of elsewhere) r.position = stored.get(r.projection.name)?.position ?? r.position;
    this.waiters.notify();
    this.options.onStateChanged?.();
  }

  /** Read one batch after the lowest ready checkpoint and apply it; false when there was nothing to read. */
  private async step(): Promise<boolean> {
    const now = Date.now();
    const ready = [...this.runners.values()].filter(
      (r) => r.status === 'live' || r.status === 'starting' || (r.status === 'failed' && now >= r.retryAt),
    );
    if (ready.length === 0) return false;
    const from = ready.reduce((min, r) => (r.position < min ? r.position : min), ready[0].position);
    const raw = await this.readBatch(from);
    this.lastBatchPartial = raw.length < (this.options.batchSize ?? 500);
    if (raw.length === 0) return false;
    const { upcast } = this.options;
    const events = upcast ? raw.map(upcast) : raw;
    const end = events[events.length - 1].position;
    const targets = ready.filter((r) => r.position < end);
    try {
      await this.commit(events, targets, end);
    } catch (error) {
      if (targets.length === 1) this.fail(targets[0], error);
      else
        for (const runner of targets) {
          try {
            await this.commit(events, [runner], end);
          } catch (single) {
            this.fail(runner, single);
          }
        }
    }
    return true;
  }

  private async readBatch(after: bigint): Promise<RecordedEvent[]> {
    for await (const batch of this.options.store.readAll({ after, batchSize: this.options.batchSize ?? 500 })) return batch;
    return [];
  }

  private commit(events: readonly RecordedEvent[], targets: readonly Runner[], end: bigint): Promise<void> {
    const run = () => this.commitBatch(events, targets, end);
    const observe = this.options.observeBatch;
    return observe ? observe({ events, projections: targets.map((r) => ({ name: r.projection.name, from: r.position })), position: end }, run) : run();
  }

  private async commitBatch(events: readonly RecordedEvent[], targets: readonly Runner[], end: bigint): Promise<void> {
    const { db } = this.options;
    const t = this.target;
    const applied = await withWriteTransaction(db, t, async (trx) => {
      const stored = await readCheckpoints(trx, t, targets.map((r) => r.projection.name), true);
      const ok: Runner[] = [];
      for (const runner of targets) {
        const checkpoint = stored.get(runner.projection.name);
        if (checkpoint && checkpoint.version !== runner.projection.version)
          throw new Error(`${runner.projection.name}: the stored read model is version ${checkpoint.version}; restart to rebuild`);
        if (checkpoint && checkpoint.position !== runner.position) {
          runner.position = checkpoint.position; // moved by a rebuild or another process: follow it
          continue;
        }
        ok.push(runner);
      }
      for (const runner of ok) {
        const p = runner.projection;
        const mine = events.filter((e) => e.position > runner.position && p.handles(e.type));
        if (mine.length === 0) continue;
        const session = new RowSession(t, p.tables, (name) => name, trx);
        await p.apply(mine, session);
        await session.flush(trx);
      }
      await writeCheckpoints(trx, ok.map((r) => ({ name: r.projection.name, version: r.projection.version, position: end })));
      if (ok.length && this.options.beforeCommit)
        await this.options.beforeCommit({ position: end, events: events.length, projections: ok.map((r) => r.projection.name) });
      return ok;
    });
    for (const runner of applied) Object.assign(runner, { position: end, status: 'live', lastError: null });
    this.waiters.notify();
    this.options.onStateChanged?.();
    if (applied.length && this.options.onBatchCommitted)
      await this.options.onBatchCommitted({ position: end, events: events.length, projections: applied.map((r) => r.projection.name) });
  }

  private fail(runner: Runner, error: unknown): void {
    runner.status = 'failed';
    runner.lastError = error instanceof Error ? error.message : String(error);
    runner.retryAt = Date.now() + (this.options.retryDelayMs ?? 5000);
    this.options.onStateChanged?.();
    this.log(`projector: ${runner.projection.name} failed; retrying in ${this.options.retryDelayMs ?? 5000} ms`, error);
  }

  private log(message: string, error?: unknown): void {
    (this.options.logger ?? { warn: (m: string, e?: unknown) => console.warn(m, e) }).warn(message, error);
  }
}
