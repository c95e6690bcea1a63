// The rebuild's worker thread (started by rebuild-in-worker.ts): opens its own read-only
// connection to the event store and its own read-model database, replays the log into fresh
// tables and swaps them in (src/projections/rebuild.ts), telling progress and the result.
// It runs under a heap limit, and its row cache gives way when the heap nears it.
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { EventStore } from '../../event-store/event-store';
import { SqliteEventStore } from '../../event-store/sqlite-event-store';
import { PostgresEventStore } from '../../event-store/postgres-event-store';
import { Projector } from '../../projections/projector';
import { ALL_PROJECTIONS } from '../../projections/all-projections';
import { upcast } from '../../domain/upcasters';
import { openReadModelDb } from './read-side';
import { errorTold } from './projector-worker-protocol';
import type { RebuildWorkerData, RebuildWorkerMessage } from './rebuild-in-worker';

/** Of the heap limit: past this after a batch, the cached rows are written out and dropped. */
const PRESSURE_SHARE = 0.6;

async function openStore(data: RebuildWorkerData): Promise<EventStore> {
  const { config } = data;
  if (config.eventStore === 'postgres')
    return PostgresEventStore.create({ connectionString: config.databaseUrl, schema: config.databaseSchema, poolSize: 2 });
  if (config.eventStore === 'sqlite') return new SqliteEventStore({ file: config.sqliteFile, readOnly: true });
  throw new Error(`a rebuild worker cannot open a ${config.eventStore} store`);
}

async function main(): Promise<void> {
  const data = workerData as RebuildWorkerData;
  const tell = (message: RebuildWorkerMessage) => parentPort?.postMessage(message);
  const store = await openStore(data);
  const db = openReadModelDb(data.config, { cacheSizeKib: data.sqliteCacheKib });
  try {
    const projector = new Projector({ store, db, projections: ALL_PROJECTIONS, upcast: (e) => upcast(e) });
    const limit = getHeapStatistics().heap_size_limit;
    const result = await projector.rebuild(data.which, {
      batchSize: data.batchSize,
      maxCachedRows: data.maxCachedRows,
      heapPressure: () => getHeapStatistics().used_heap_size > PRESSURE_SHARE * limit,
      onProgress: (done, total, eventsPerSecond, etaSeconds) => tell({ type: 'progress', done, total, eventsPerSecond, etaSeconds }),
    });
    tell({ type: 'done', result: { ...result, position: result.position.toString() } });
  } finally {
    await db.destroy();
    await store.close();
  }
}

main().catch((error: unknown) => parentPort?.postMessage({ type: 'failed', error: errorTold(error) } satisfies RebuildWorkerMessage));
