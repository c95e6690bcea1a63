// `npm run rebuild -- <projection>|all`
// Replays the whole event log into fresh read-model tables and swaps them in (see
// src/projections/rebuild.ts). Safe while the API runs: the live projector keeps serving
// the old tables until the swap, then follows the new checkpoint.
// Environment: DATA_DIR (default ./data: events.db and read-models.db), EVENT_STORE
// (sqlite, default; postgres with DATABASE_URL, read models in READ_MODEL_SCHEMA or
// DATABASE_SCHEMA or public). Shows a progress bar on a terminal, plain lines otherwise.
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { createEventStore } from '../event-store/create-event-store';
import type { EventStore } from '../event-store/event-store';
import { upcast } from '../domain/upcasters';
import { createReadModelDb } from '../projections/projection';
import { Projector } from '../projections/projector';
import { ALL_PROJECTIONS, PROJECTION_NAMES } from '../projections/all-projections';
import type { RebuildProgress } from '../projections/rebuild';

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
        if (!started) bar.start(total, done, payload), (started = true);
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
  const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
  const kind = process.env.EVENT_STORE ?? 'sqlite';
  if (kind !== 'sqlite' && kind !== 'postgres') {
    console.error(`EVENT_STORE=${kind}: the rebuild CLI supports sqlite and postgres`);
    return 2;
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (kind === 'postgres' && !databaseUrl) {
    console.error('EVENT_STORE=postgres needs DATABASE_URL');
    return 2;
  }
  // Projections read the store as written (personal fields stay encrypted in read models).
  const store: EventStore = await createEventStore({
    kind,
    sqliteFile: path.join(dataDir, 'events.db'),
    databaseUrl,
    postgresSchema: process.env.DATABASE_SCHEMA,
  });
  const db =
    kind === 'postgres'
      ? createReadModelDb({ kind: 'postgres', connectionString: databaseUrl, schema: process.env.READ_MODEL_SCHEMA ?? process.env.DATABASE_SCHEMA })
      : createReadModelDb({ kind: 'sqlite', file: path.join(dataDir, 'read-models.db') });
  const reporter = progressReporter(`rebuild ${which}`);
  try {
    const projector = new Projector({ store, db, projections: ALL_PROJECTIONS, upcast: (e) => upcast(e) });
    const result = await projector.rebuild(which, { onProgress: reporter.onProgress });
    reporter.stop();
    console.log(
      `Rebuilt ${result.projections.join(', ')}: ${result.events} events in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.eventsPerSecond)} events/s); live from position ${result.position}.`,
    );
    return 0;
  } finally {
    reporter.stop();
    await db.destroy();
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
