// `npm run rebuild -- <projection>|all`
// Replays the whole event log into fresh read-model tables and swaps them in (see
// src/projections/rebuild.ts). Safe while the API runs: the live projector keeps serving
// the old tables until the swap, then follows the new checkpoint.
// Configuration: the service's own (DATA_DIR, EVENT_STORE, DATABASE_URL, DATABASE_SCHEMA),
// so it rebuilds the read models the service reads; REBUILD_HEAP_MB: the rebuild's heap limit. A progress bar on a terminal, plain
// lines otherwise.
import { SingleBar } from 'cli-progress';
import type { EventStore } from '../event-store/event-store';
import { ConfigError, loadConfig, type AppConfig } from '../app/config';
import { openRawStore } from '../app/infrastructure';
import { openReadModelDb } from '../app/read/read-side';
import { startConfiguredTelemetry } from '../app/observability/start-telemetry';
import { observeRebuild } from '../app/observability/projector-telemetry';
import { upcast } from '../domain/upcasters';
import { Projector } from '../projections/projector';
import { ALL_PROJECTIONS, PROJECTION_NAMES } from '../projections/all-projections';
import type { RebuildOptions, RebuildProgress, RebuildResult } from '../projections/rebuild';
import { rebuildHeapMb, rebuildInWorker } from '../app/read/rebuild-in-worker';

const usage = () => `usage: npm run rebuild -- <${PROJECTION_NAMES.join('|')}|all>`;

function progressReporter(label: string): { onProgress: RebuildProgress; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {eps} events/s | {left} left`,
      stream: process.stderr,
      hideCursor: true,
    });
    let started = false;
    return {
      onProgress: (done, total, eps, eta) => {
        const payload = { eps: Math.round(eps).toLocaleString('en'), left: formatSeconds(eta) };
        if (!started) {
          bar.start(total, done, payload);
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, payload);
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = 0;
  return {
    onProgress: (done, total, eps, eta) => {
      const now = Date.now();
      if (now - last < 2000 && done < total) return;
      last = now;
      const percent = total ? Math.floor((done / total) * 100) : 100;
      process.stderr.write(`${label}: ${done}/${total} events (${percent}%), ${Math.round(eps)} events/s, ${formatSeconds(eta)} left\n`);
    },
    stop: () => undefined,
  };
}

function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

async function main(args: string[]): Promise<number> {
  const which = args[0];
  if (!which || (which !== 'all' && !PROJECTION_NAMES.includes(which))) {
    console.error(usage());
    return 2;
  }
  // The service's own configuration: the same store and the same read-model database.
  const config = loadConfig();
  // OTLP when configured (the rebuild's span, progress and duration); no metrics port here.
  const telemetry = await startConfiguredTelemetry({ otlp: config.otlp, metrics: undefined });
  const reporter = progressReporter(`rebuild ${which}`);
  try {
    const result = await observeRebuild(which, (options) => rebuild(config, which, options), { onProgress: reporter.onProgress });
    reporter.stop();
    console.log(
      `Rebuilt ${result.projections.join(', ')}: ${result.events} events in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.eventsPerSecond)} events/s); live from position ${result.position}.`,
    );
    return 0;
  } finally {
    reporter.stop();
    await telemetry?.shutdown();
  }
}

/**
 * On SQLite and PostgreSQL in a worker thread under a heap limit (flat peak memory, see
 * rebuild-in-worker.ts); from EventStoreDB in this thread. Projections read the store as
 * written (personal fields stay encrypted in read models).
 */
async function rebuild(config: AppConfig, which: string, options: RebuildOptions): Promise<RebuildResult> {
  if (config.eventStore !== 'eventstoredb') return rebuildInWorker(config, which, { ...options, heapMb: rebuildHeapMb() });
  const store: EventStore = await openRawStore(config);
  const db = openReadModelDb(config);
  try {
    return await new Projector({ store, db, projections: ALL_PROJECTIONS, upcast: (e) => upcast(e) }).rebuild(which, options);
  } finally {
    await db.destroy();
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
