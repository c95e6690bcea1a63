// The projector's worker thread (started by worker-projector.ts). It opens connections of its
// own: the event store (SQLite: a second, read-only connection to the same WAL file, which
// neither migrates nor takes the write lock; PostgreSQL: a small pool of its own) and the read-model
// database, and runs the same live Projector as the API's thread would (ALL_PROJECTIONS,
// upcasting, 25 ms linger, advisory locks on PostgreSQL). It tells the API's thread its
// projections' positions after every change, each batch's outcome for the telemetry (no
// event data), and its warnings; the API's thread forwards append signals and waiting readers.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../../event-store/event-store';
import { AppendedListeners } from '../../event-store/append-rules';
import { SqliteEventStore } from '../../event-store/sqlite-event-store';
import { PostgresEventStore } from '../../event-store/postgres-event-store';
import { Projector, type BatchAttempt } from '../../projections/projector';
import { correlationAttribute } from '../observability/scrub';
import { liveProjectorOptions, openReadModelDb } from './read-side';
import { errorTold, type BatchEventTrace, type Call, type FromWorker, type ProjectorWorkerData, type ToWorker, type WorkerConfig } from './projector-worker-protocol';

/** The worker's store: its own connection, whose append signals also come from the API's thread. */
class SignalledStore implements EventStore {
  private readonly told = new AppendedListeners();

  constructor(private readonly inner: EventStore) {}

  /** An append in the API's process: the SQLite store tells only its own connection's appends. */
  signal(position: bigint): void {
    this.told.emit(position);
  }

  appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.inner.appendToStream(streamId, events, options);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  onAppended(listener: (position: bigint) => void): () => void {
    const fromInner = this.inner.onAppended(listener);
    const fromApi = this.told.add(listener);
    return () => {
      fromInner();
      fromApi();
    };
  }

  close(): Promise<void> {
    this.told.clear();
    return this.inner.close();
  }
}

async function openStore(config: WorkerConfig): Promise<EventStore> {
  if (config.eventStore === 'postgres')
    return PostgresEventStore.create({ connectionString: config.databaseUrl, schema: config.databaseSchema, poolSize: 2 });
  if (config.eventStore === 'sqlite') return new SqliteEventStore({ file: config.sqliteFile, readOnly: true });
  throw new Error(`the projector worker cannot open a ${config.eventStore} store`);
}

const traceOf = (e: RecordedEvent): BatchEventTrace => {
  const m = e.metadata as Readonly<Record<string, unknown>>;
  const correlationId = correlationAttribute(m.correlationId);
  return {
    position: e.position.toString(),
    recordedAt: e.recordedAt,
    ...(typeof m.traceparent === 'string' ? { traceparent: m.traceparent } : {}),
    ...(correlationId ? { correlationId } : {}),
    ...(typeof m.commandId === 'string' ? { commandId: m.commandId } : {}),
  };
};

const now = () => performance.timeOrigin + performance.now();

async function run(port: NonNullable<typeof parentPort>, data: ProjectorWorkerData): Promise<void> {
  const post = (message: FromWorker) => port.postMessage(message);
  const inner = await openStore(data.config);
  const store = new SignalledStore(inner);
  const db = openReadModelDb(data.config);
  let committing = 0;
  let sent = '';
  let scheduled = false;

  /** The projections' positions and statuses, when they changed since last told. */
  const report = () => {
    scheduled = false;
    const projections = projector.states();
    const key = JSON.stringify(projections);
    if (key === sent) return;
    sent = key;
    post({ type: 'state', projections });
  };

  const observeBatch = async <T>(batch: BatchAttempt, apply: () => Promise<T>): Promise<T> => {
    const startedAt = now();
    let failed: string | undefined;
    try {
      return await apply();
    } catch (error) {
      failed = error instanceof Error ? error.name : 'error';
      throw error;
    } finally {
      post({
        type: 'batch',
        batch: {
          position: batch.position.toString(),
          projections: batch.projections.map((p) => ({ name: p.name, from: p.from.toString() })),
          events: batch.events.map(traceOf),
          startedAt,
          endedAt: now(),
          ...(failed ? { failed } : {}),
        },
      });
      // The new positions right behind the batch: a reader it releases finds its span recorded.
      report();
    }
  };

  const projector: Projector = new Projector({
    ...liveProjectorOptions(data.config, store, db, {
      pollIntervalMs: data.pollIntervalMs,
      retryDelayMs: data.retryDelayMs,
      logger: { warn: (message, error) => post({ type: 'log', message, ...(error === undefined ? {} : { error: errorTold(error) }) }) },
    }),
    batchSize: data.batchSize,
    observeBatch,
    onStateChanged: () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(report);
    },
    // Test hook: a crash inside the transaction, rows and checkpoints written, COMMIT not yet run.
    beforeCommit: data.exitInBatch === undefined ? undefined : () => (++committing >= (data.exitInBatch as number) ? process.exit(1) : undefined),
  });

  const answer = async (id: number, call: Call): Promise<void> => {
    try {
      if (call.op === 'catchUp') {
        await projector.catchUp();
        report();
        post({ type: 'reply', id });
      } else if (call.op === 'rebuild') {
        const result = await projector.rebuild(call.which, {
          batchSize: call.batchSize,
          maxCachedRows: call.maxCachedRows,
          onProgress: (done, total, eventsPerSecond, etaSeconds) => post({ type: 'progress', id, done, total, eventsPerSecond, etaSeconds }),
        });
        report();
        post({ type: 'reply', id, value: { ...result, position: result.position.toString() } });
      } else {
        await projector.stop();
        await db.destroy();
        await store.close();
        post({ type: 'reply', id });
        port.close();
      }
    } catch (error) {
      post({ type: 'refused', id, error: errorTold(error) });
    }
  };

  await projector.start();
  report();
  post({ type: 'ready' });
  port.on('message', (message: ToWorker) => {
    if (message.type === 'appended') store.signal(BigInt(message.position));
    else if (message.type === 'wait') {
      try {
        void projector.waitFor(BigInt(message.position), message.timeoutMs, message.name);
      } catch {
        // a name the API's side checked already
      }
    } else void answer(message.id, message.call);
  });
}

if (parentPort) {
  const port = parentPort;
  run(port, workerData as ProjectorWorkerData).catch((error: unknown) => {
    // Uncaught: the API's side sees the worker's 'error' with this error, then its exit.
    setImmediate(() => {
      throw error;
    });
  });
}
