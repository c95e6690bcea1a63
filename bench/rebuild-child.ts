// Child process of the bench: rebuilds all projections from the raw store, alone in its own
// process (compiled JavaScript on plain node, see children.ts), so its peak resident memory
// is the rebuild's (plus Node's) and nothing of the load generator's. Prints one JSON line
// with the result.
import 'reflect-metadata';
import { createEventStore } from '../src/event-store/create-event-store';
import { upcast } from '../src/domain/upcasters';
import { createReadModelDb } from '../src/projections/read-model-db';
import { Projector } from '../src/projections/projector';
import { ALL_PROJECTIONS } from '../src/projections/all-projections';

export interface RebuildChildInput {
  readonly kind: 'sqlite' | 'postgres';
  readonly sqliteFile?: string;
  readonly databaseUrl?: string;
  readonly schema?: string;
  readonly readModelFile?: string;
}

export interface RebuildChildResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Highest RSS seen while rebuilding (sampled every 20 ms and at each progress report). */
  readonly peakRssBytes: number;
  /** The kernel's max RSS for the whole child process, start-up included. */
  readonly processMaxRssBytes: number;
  /** RSS just before the rebuild started (Node and the loaded code). */
  readonly baselineRssBytes: number;
  readonly peakHeapBytes: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as RebuildChildInput;
  const store = await createEventStore({ kind: input.kind, sqliteFile: input.sqliteFile, databaseUrl: input.databaseUrl, postgresSchema: input.schema });
  const db =
    input.kind === 'postgres'
      ? createReadModelDb({ kind: 'postgres', connectionString: input.databaseUrl, schema: input.schema })
      : createReadModelDb({ kind: 'sqlite', file: input.readModelFile! });
  try {
    const projector = new Projector({ store, db, projections: ALL_PROJECTIONS, upcast: (e) => upcast(e) });
    await projector.init();
    global.gc?.();
    const baselineRssBytes = process.memoryUsage().rss;
    let peakRss = baselineRssBytes;
    let peakHeap = 0;
    const sample = () => {
      const m = process.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    };
    const timer = setInterval(sample, 20);
    const result = await projector.rebuild('all', { onProgress: sample });
    clearInterval(timer);
    sample();
    const maxRss = process.resourceUsage().maxRSS * 1024;
    const out: RebuildChildResult = {
      events: result.events,
      seconds: result.seconds,
      eventsPerSecond: result.eventsPerSecond,
      peakRssBytes: peakRss,
      processMaxRssBytes: maxRss,
      baselineRssBytes,
      peakHeapBytes: peakHeap,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await db.destroy();
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
