// Child process of the bench: rebuilds all projections from the raw store, alone in its own
// process (compiled JavaScript on plain node, see children.ts) and as `npm run rebuild` does
// (in a worker thread under the rebuild's heap limit), so its peak resident memory is the
// rebuild's (plus Node's) and nothing of the load generator's. Prints one JSON line.
import 'reflect-metadata';
import { rebuildHeapMb, rebuildInWorker } from '../src/app/read/rebuild-in-worker';
import type { WorkerConfig } from '../src/app/read/projector-worker-protocol';

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
  /** The rebuild worker's old-generation heap limit (REBUILD_HEAP_MB, default 128). */
  readonly heapLimitMb: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as RebuildChildInput;
  // What `npm run rebuild -- all` runs: a worker thread under the default heap limit.
  const config: WorkerConfig = {
    eventStore: input.kind,
    sqliteFile: input.sqliteFile ?? ':memory:',
    readModelFile: input.readModelFile ?? ':memory:',
    ...(input.databaseUrl === undefined ? {} : { databaseUrl: input.databaseUrl }),
    ...(input.schema === undefined ? {} : { databaseSchema: input.schema }),
  };
  global.gc?.();
  const baselineRssBytes = process.memoryUsage().rss;
  let peakRss = baselineRssBytes;
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
  };
  const timer = setInterval(sample, 20);
  const result = await rebuildInWorker(config, 'all', { onProgress: sample });
  clearInterval(timer);
  sample();
  const out: RebuildChildResult = {
    events: result.events,
    seconds: result.seconds,
    eventsPerSecond: result.eventsPerSecond,
    peakRssBytes: peakRss,
    processMaxRssBytes: process.resourceUsage().maxRSS * 1024,
    baselineRssBytes,
    heapLimitMb: rebuildHeapMb(),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
