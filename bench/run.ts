// `npm run bench [-- --quick] [-- --store sqlite|postgres|both]`
// Drives the synthetic workload (bench/workload.ts) through the real command path, and at
// each checkpoint (100k and 1M events; a few thousand with --quick) measures: commands/s
// with one and with 16 writers, the projection rebuild (in a child process, with its peak
// memory), timeline replay, bytes per event, and HTTP write latency at fixed rates (server
// in a child process, evenly paced requests from here). Every checkpoint first checks the counts: each
// acknowledged command's events are stored, and all projections applied them. Full runs
// write docs/benchmarks.md and docs/benchmarks.json; --quick only prints and judges counts.
import 'reflect-metadata';
import path from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { buildApp, type RunningApp } from '../src/app/bootstrap';
import { Projector } from '../src/projections/projector';
import { ALL_PROJECTIONS } from '../src/projections/all-projections';
import { createReadModelDb, readModelDbInfo } from '../src/projections/read-model-db';
import { upcast } from '../src/domain/upcasters';
import { createBenchStore, type BenchStore, type StoreKind } from './stores';
import { Expectations, ScriptClock, Workload } from './workload';
import { verifyProjections, verifyStore } from './verify';
import { runJsonChild } from './children';
import type { RebuildChildInput, RebuildChildResult } from './rebuild-child';
import { replayTimeline, writeLongEpisode, type TimelineResult } from './timeline-bench';
import { httpWrites, startServer, stopServer, type HttpResult } from './http-load';
import { postgresFlushesPerSecond, sqliteFlushesPerSecond } from './flushes';
import { postgresRoundTripsPerAppend } from './round-trips';
import { printTables, writeReports, type BenchResults, type CheckpointResult, type Rate, type StoreResult } from './report';

interface Params {
  readonly quick: boolean;
  readonly stores: readonly StoreKind[];
  /** Event counts to measure at, per store. */
  readonly checkpoints: Readonly<Record<StoreKind, readonly number[]>>;
  readonly windowSeconds: number;
  readonly httpRates: readonly number[];
  readonly httpSeconds: number;
  readonly httpEpisodes: number;
  readonly timelineRuns: number;
  readonly writers: number;
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function parseParams(argv: readonly string[]): Params {
  const quick = argv.includes('--quick');
  const storeArg = argv[argv.indexOf('--store') + 1];
  const which = argv.includes('--store') ? storeArg : process.env.DATABASE_URL ? 'both' : 'sqlite';
  if (which !== 'sqlite' && which !== 'postgres' && which !== 'both') throw new Error(`--store sqlite|postgres|both, not ${which}`);
  const eventsArg = argv.includes('--events') ? argv[argv.indexOf('--events') + 1]!.split(',').map(Number) : undefined;
  return {
    quick,
    stores: which === 'both' ? ['sqlite', 'postgres'] : [which],
    // PostgreSQL's quick check is smaller: its commands run far slower on this machine (see docs/benchmarks.md).
    checkpoints: eventsArg ? { sqlite: eventsArg, postgres: eventsArg } : quick ? { sqlite: [6_000], postgres: [1_500] } : { sqlite: [100_000, 1_000_000], postgres: [100_000, 1_000_000] },
    windowSeconds: quick ? 2 : 10,
    httpRates: quick ? [100, 200] : [250, 500, 1000, 1500, 2000, 3000, 4000],
    httpSeconds: quick ? 2 : 8,
    httpEpisodes: quick ? 100 : 1000,
    timelineRuns: quick ? 10 : 100,
    writers: 16,
  };
}

async function timed(workload: Workload, writers: number, stop: () => boolean): Promise<Rate> {
  const before = workload.expected.events;
  const t0 = Date.now();
  const commands = await workload.run(writers, stop);
  const seconds = (Date.now() - t0) / 1000;
  const events = workload.expected.events - before;
  // A checkpoint already passed (by the previous one's extra writes) generates nothing.
  return { commands, events, seconds, commandsPerSecond: commands ? commands / seconds : 0, eventsPerSecond: events ? events / seconds : 0 };
}

/** Live projector over the store (the path the running app takes): catch up, then check. */
async function checkLive(running: RunningApp, bench: BenchStore, expected: Expectations): Promise<string[]> {
  const db =
    bench.kind === 'postgres'
      ? createReadModelDb({ kind: 'postgres', connectionString: bench.databaseUrl, schema: `${bench.schema}_live` })
      : createReadModelDb({ kind: 'sqlite', file: path.join(bench.dir, 'read-models-live.db') });
  try {
    const projector = new Projector({ store: running.infrastructure.rawStore, db, projections: ALL_PROJECTIONS, upcast: (e) => upcast(e) });
    await projector.catchUp();
    const info = readModelDbInfo(db);
    return await verifyProjections(db, { dialect: info.dialect, schema: info.schema }, await running.infrastructure.rawStore.headPosition(), expected);
  } finally {
    if (bench.kind === 'postgres') await db.schema.dropSchema(`${bench.schema}_live`).ifExists().cascade().execute().catch(() => undefined);
    await db.destroy();
  }
}

async function rebuildAndCheck(bench: BenchStore, running: RunningApp, expected: Expectations, n: number): Promise<{ rebuild: RebuildChildResult; problems: string[] }> {
  const readModelFile = path.join(bench.dir, `read-models-${n}.db`);
  const input: RebuildChildInput =
    bench.kind === 'postgres'
      ? { kind: 'postgres', databaseUrl: bench.databaseUrl, schema: bench.schema }
      : { kind: 'sqlite', sqliteFile: path.join(bench.dir, 'events.db'), readModelFile };
  const rebuild = await runJsonChild<RebuildChildResult>('rebuild-child.ts', [JSON.stringify(input)], {});
  const db = bench.kind === 'postgres' ? createReadModelDb({ kind: 'postgres', connectionString: bench.databaseUrl, schema: bench.schema }) : createReadModelDb({ kind: 'sqlite', file: readModelFile });
  try {
    const info = readModelDbInfo(db);
    const head = await running.infrastructure.rawStore.headPosition();
    return { rebuild, problems: await verifyProjections(db, { dialect: info.dialect, schema: info.schema }, head, expected) };
  } finally {
    await db.destroy();
  }
}

async function benchStore(kind: StoreKind, p: Params): Promise<StoreResult> {
  const bench = await createBenchStore(kind, process.env.DATABASE_URL);
  const clock = new ScriptClock();
  const running = await buildApp(bench.config(), { clock });
  const checkpoints: CheckpointResult[] = [];
  let failed = false;
  try {
    await running.app.init();
    const flushesPerSecond =
      kind === 'sqlite' ? sqliteFlushesPerSecond(bench.dir, p.quick ? 1 : 3) : await postgresFlushesPerSecond(bench.databaseUrl!, bench.schema!, p.quick ? 1 : 3);
    log(`${kind}: ${flushesPerSecond.toFixed(0)} durable flushes/s measured alone`);
    const roundTrips = kind === 'postgres' ? await postgresRoundTripsPerAppend(bench.databaseUrl!, bench.schema!) : undefined;
    if (roundTrips) log(`${kind}: ${roundTrips.roundTrips} round trips and ${roundTrips.statements} statements for ${roundTrips.appends} sequential appends`);
    const bus = running.app.get(CommandBus);
    const expected = new Expectations();
    const workload = new Workload(bus, clock, expected);
    let longEpisode: string | undefined;
    let httpRound = 0;
    for (const n of p.checkpoints[kind]) {
      log(`${kind}: generating up to ${n.toLocaleString('en')} events with ${p.writers} writers`);
      const generation = await timed(workload, p.writers, () => expected.events >= n);
      log(`${kind}: ${expected.events} events, ${generation.commandsPerSecond.toFixed(0)} commands/s while generating`);
      const problems = (await verifyStore(running.infrastructure.rawStore, expected)).map((x) => `store: ${x}`);
      if (p.quick) problems.push(...(await checkLive(running, bench, expected)).map((x) => `live projector: ${x}`));
      const events = Number(await running.infrastructure.rawStore.headPosition());
      log(`${kind}: rebuilding all projections from ${events} events (child process)`);
      const { rebuild, problems: rebuildProblems } = await rebuildAndCheck(bench, running, expected, n);
      problems.push(...rebuildProblems.map((x) => `rebuild: ${x}`));
      log(`${kind}: rebuild ${rebuild.eventsPerSecond.toFixed(0)} events/s, peak RSS ${(rebuild.peakRssBytes / 2 ** 20).toFixed(0)} MB`);
      for (const x of problems) log(`  COUNT CHECK FAILED: ${x}`);
      if (problems.length) failed = true;
      const bytesPerEvent = (await bench.eventBytes()) / events;

      longEpisode ??= await writeLongEpisode(bus, clock, expected, 290_000);
      const timeline: TimelineResult = await replayTimeline(running.store, longEpisode, p.timelineRuns);
      log(`${kind}: timeline of ${timeline.events} events: p50 ${timeline.p50Ms.toFixed(2)} ms`);
      const windowEnd = () => Date.now() + p.windowSeconds * 1000;
      let end = windowEnd();
      const sequential = await timed(workload, 1, () => Date.now() >= end);
      end = windowEnd();
      const concurrent = await timed(workload, p.writers, () => Date.now() >= end);
      log(`${kind}: ${sequential.commandsPerSecond.toFixed(0)} commands/s sequential, ${concurrent.commandsPerSecond.toFixed(0)} with ${p.writers} writers`);

      log(`${kind}: HTTP writes (server in a child process)`);
      const { child, ready } = await startServer(bench.env, p.httpEpisodes, 300_000 + httpRound++ * 10_000);
      let http: HttpResult;
      try {
        http = await httpWrites(ready, p.httpRates, p.httpSeconds, log);
      } finally {
        await stopServer(child);
      }
      const ok = http.rates.reduce((s, r) => s + r.ok, http.warmup.ok);
      // Failed requests, and those still in flight when a rate's time ran out, may have written.
      const uncertain = http.rates.reduce((s, r) => s + r.errors + r.connections, http.warmup.errors + http.warmup.connections);
      // Seeds: assignment (3 + 1 reservation), first message (2); then one event per 201 reply.
      expected.addLoose({ episodes: ready.targets.length, events: ready.targets.length * 6 + ok, messages: ready.targets.length + ok, obligations: ready.targets.length * 2, slack: uncertain });
      checkpoints.push({ events, generation, sequential, concurrent, rebuild, timeline, bytesPerEvent, http, problems });
    }
    if (p.quick) {
      // The HTTP writes and the long episode came after the last check: check the store once more.
      const after = (await verifyStore(running.infrastructure.rawStore, expected)).map((x) => `store after HTTP: ${x}`);
      for (const x of after) log(`  COUNT CHECK FAILED: ${x}`);
      if (after.length) failed = true;
      checkpoints[checkpoints.length - 1]!.problems.push(...after);
    }
    return { kind, flushesPerSecond, roundTrips, checkpoints, failed, versions: await storeVersion(running, kind) };
  } finally {
    await running.close();
    await bench.destroy();
  }
}

async function storeVersion(running: RunningApp, kind: StoreKind): Promise<string> {
  const raw = running.infrastructure.rawStore as unknown as { database?: { prepare(s: string): { get(): unknown } }; pool?: { query(s: string): Promise<{ rows: { v: string }[] }> } };
  if (kind === 'sqlite' && raw.database) return `SQLite ${(raw.database.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v} (libsql)`;
  if (raw.pool) return `PostgreSQL ${(await raw.pool.query("SELECT current_setting('server_version') AS v")).rows[0]!.v}`.replace(/ \(.*/, '');
  return kind;
}

async function main(): Promise<number> {
  const p = parseParams(process.argv.slice(2));
  const started = Date.now();
  const stores: StoreResult[] = [];
  const resultsOf = (list: StoreResult[]): BenchResults => ({ startedAt: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, quick: p.quick, params: { ...p }, stores: list });
  for (const kind of p.stores) {
    const result = await benchStore(kind, p);
    stores.push(result);
    // Written per store, so a long run keeps what it finished.
    if (!p.quick) writeReports(resultsOf([result]), path.join(__dirname, '..', 'docs'));
  }
  const results = resultsOf(stores);
  printTables(results);
  const failed = stores.some((s) => s.failed);
  log(failed ? 'COUNT CHECK FAILED (see above)' : `counts right: every command's events stored and projected (${results.seconds.toFixed(0)} s)`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
