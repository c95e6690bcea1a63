// The bench's output: a table on the terminal, docs/benchmarks.json (everything measured)
// and docs/benchmarks.md (machine, versions, parameters, results beside their targets,
// then the hand-written analysis kept in bench/analysis.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Table from 'cli-table3';
import type { RebuildChildResult } from './rebuild-child';
import type { TimelineResult } from './timeline-bench';
import type { HttpResult } from './http-load';
import type { StoreKind } from './stores';
import type { RoundTrips } from './round-trips';

export interface Rate {
  readonly commands: number;
  readonly events: number;
  readonly seconds: number;
  readonly commandsPerSecond: number;
  readonly eventsPerSecond: number;
}

export interface CheckpointResult {
  /** Events in the store when the checkpoint's measures began. */
  readonly events: number;
  /** Generating up to this checkpoint, 16 writers (the whole segment). */
  readonly generation: Rate;
  readonly sequential: Rate;
  readonly concurrent: Rate;
  readonly rebuild: RebuildChildResult;
  readonly timeline: TimelineResult;
  readonly bytesPerEvent: number;
  readonly http: HttpResult;
  readonly problems: string[];
}

export interface StoreResult {
  readonly kind: StoreKind;
  readonly versions: string;
  readonly flushesPerSecond: number;
  /** PostgreSQL: statements and round trips of sequential appends (bench/round-trips.ts). */
  readonly roundTrips?: RoundTrips;
  readonly checkpoints: readonly CheckpointResult[];
  readonly failed: boolean;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly seconds: number;
  readonly quick: boolean;
  readonly params: Record<string, unknown>;
  readonly stores: readonly StoreResult[];
  /** When results of several runs (one per store) are shown together. */
  readonly runs?: readonly { readonly startedAt: string; readonly seconds: number; readonly stores: readonly string[] }[];
}

const MB = 2 ** 20;
const f0 = (n: number) => Math.round(n).toLocaleString('en');
const f2 = (n: number) => n.toFixed(2);

interface Figure {
  readonly name: string;
  readonly value: (c: CheckpointResult) => string;
  readonly target?: (kind: StoreKind) => { text: string; met: (c: CheckpointResult) => boolean } | undefined;
}

const atRate = (c: CheckpointResult, rate: number) => c.http.rates.find((r) => r.targetRate === rate);
/** The rate the HTTP target is set at: 1,000 writes/s embedded, 500 on PostgreSQL (issue 15). */
const httpTargetRate = (k: StoreKind) => (k === 'sqlite' ? 1000 : 500);
const httpAt = (rate: number): Figure => ({
  name: `HTTP p50 / p95 / p99 at ${f0(rate)} writes/s (ms)`,
  value: (c) => {
    const r = atRate(c, rate);
    return r ? `${r.p50} / ${r.p95} / ${r.p99}${r.achievedRate < rate * 0.95 ? ` (only ${f0(r.achievedRate)}/s)` : ''}` : 'not reached';
  },
  target: (k) =>
    httpTargetRate(k) === rate
      ? { text: 'p99 < 25', met: (c) => { const r = atRate(c, rate); return !!r && r.p99 < 25 && r.errors === 0 && r.achievedRate >= rate * 0.95; } }
      : undefined,
});

// The targets are issue 15's, on this 2-core machine with durable settings.
const FIGURES: readonly Figure[] = [
  { name: 'Commands/s, 1 sequential writer', value: (c) => f0(c.sequential.commandsPerSecond) },
  {
    name: 'Commands/s, 16 concurrent writers',
    value: (c) => f0(c.concurrent.commandsPerSecond),
    target: (k) => {
      const min = k === 'sqlite' ? 5000 : 3000;
      return { text: `>= ${f0(min)}`, met: (c) => c.concurrent.commandsPerSecond >= min };
    },
  },
  { name: 'Commands/s while generating (16 writers)', value: (c) => f0(c.generation.commandsPerSecond) },
  httpAt(500),
  httpAt(1000),
  { name: 'HTTP: highest rate held with p99 < 25 ms', value: (c) => (c.http.highestRateUnder25ms === null ? 'none' : `${f0(c.http.highestRateUnder25ms)}/s`) },
  {
    name: 'Rebuild, all projections (events/s)',
    value: (c) => f0(c.rebuild.eventsPerSecond),
    target: (k) => {
      const min = k === 'sqlite' ? 100_000 : 60_000;
      return { text: `>= ${f0(min)}`, met: (c) => c.rebuild.eventsPerSecond >= min };
    },
  },
  {
    name: 'Timeline replay, 200 events (ms, p50 / p95)',
    value: (c) => `${f2(c.timeline.p50Ms)} / ${f2(c.timeline.p95Ms)}`,
    target: (k) => (k === 'sqlite' ? { text: '< 3 / < 8', met: (c) => c.timeline.p50Ms < 3 && c.timeline.p95Ms < 8 } : undefined),
  },
  {
    name: 'Peak RSS during rebuild (MB)',
    value: (c) => `${f0(c.rebuild.peakRssBytes / MB)} (before: ${f0(c.rebuild.baselineRssBytes / MB)})`,
    target: (k) => (k === 'sqlite' ? { text: '< 300, flat', met: (c) => c.rebuild.peakRssBytes < 300 * MB } : undefined),
  },
  { name: 'Bytes on disk per event', value: (c) => f0(c.bytesPerEvent) },
];

function storeTable(s: StoreResult): { head: string[]; rows: string[][] } {
  const head = ['Measure', ...s.checkpoints.map((c) => `${f0(c.events)} events`), 'Target', 'Met'];
  const last = s.checkpoints[s.checkpoints.length - 1];
  const rows = FIGURES.map((fig) => {
    const target = fig.target?.(s.kind);
    return [fig.name, ...s.checkpoints.map(fig.value), target?.text ?? '', target && last ? (target.met(last) ? 'yes' : 'NO') : ''];
  });
  rows.push(['Durable flushes/s measured alone (limit)', ...s.checkpoints.map(() => f0(s.flushesPerSecond)), '', '']);
  if (s.roundTrips) {
    const perAppend = s.roundTrips.roundTrips / s.roundTrips.appends;
    const text = `${f2(perAppend)} (${f0(s.roundTrips.statements)} statements for ${f0(s.roundTrips.appends)} appends)`;
    rows.push(['Round trips per append, 1 sequential writer', ...s.checkpoints.map(() => text), '1', perAppend <= 1 ? 'yes' : 'NO']);
  }
  return { head, rows };
}

export function printTables(results: BenchResults): void {
  for (const s of results.stores) {
    const { head, rows } = storeTable(s);
    const table = new Table({ head });
    table.push(...rows);
    console.log(`\n${s.kind} (${s.versions})${results.quick ? ' -- quick mode: counts only, times not judged' : ''}`);
    console.log(table.toString());
    for (const c of s.checkpoints) for (const p of c.problems) console.log(`  count check: ${p}`);
  }
}

function machine(): string[] {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus.length} x ${cpus[0]?.model ?? 'unknown'}`,
    `- Memory: ${f0(os.totalmem() / MB)} MB; OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node ${process.version}`,
  ];
}

const md = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** A run of one store keeps the other store's results from the previous full run. */
function mergeWithPrevious(results: BenchResults, file: string): BenchResults {
  if (!fs.existsSync(file)) return results;
  try {
    const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
    const kept = previous.stores.filter((s) => !results.stores.some((r) => r.kind === s.kind));
    if (kept.length === 0) return results;
    const stores = [...results.stores, ...kept].sort((a, b) => a.kind.localeCompare(b.kind)).reverse();
    // Only the runs whose figures are still shown: a store measured again replaces its old run.
    const earlier = (previous.runs ?? [{ startedAt: previous.startedAt, seconds: previous.seconds, stores: previous.stores.map((s) => s.kind) }])
      .map((r) => ({ ...r, stores: r.stores.filter((k) => kept.some((s) => s.kind === k)) }))
      .filter((r) => r.stores.length > 0);
    return { ...results, stores, runs: [...earlier, { startedAt: results.startedAt, seconds: results.seconds, stores: results.stores.map((s) => s.kind) }] };
  } catch {
    return results;
  }
}

export function writeReports(fresh: BenchResults, docsDir: string): void {
  const file = path.join(docsDir, 'benchmarks.json');
  const results = mergeWithPrevious(fresh, file);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const analysis = path.join(__dirname, 'analysis.md');
  const lines: string[] = [
    '# Benchmarks',
    '',
    results.runs
      ? `Written by \`npm run bench\`, one run per store: ${results.runs.map((r) => `${r.stores.join('+')} on ${r.startedAt.slice(0, 16)} (${f0(r.seconds / 60)} min)`).join(', ')}; all figures are the runs' own output,`
      : `Written by \`npm run bench\` on ${results.startedAt.slice(0, 10)} (${f0(results.seconds / 60)} min); all figures below are that run's output,`,
    'also in [benchmarks.json](benchmarks.json). The analysis after the tables is kept by hand in `bench/analysis.md`.',
    '',
    '## Machine and versions',
    '',
    ...machine(),
    ...results.stores.map((s) => `- ${s.kind}: ${s.versions}`),
    '',
    '## Parameters',
    '',
    '```json',
    JSON.stringify(results.params, null, 2),
    '```',
    '',
  ];
  for (const s of results.stores) {
    const { head, rows } = storeTable(s);
    lines.push(`## ${s.kind === 'sqlite' ? 'Embedded SQLite store' : 'PostgreSQL store'}`, '', md(head, rows), '');
    const h = ['HTTP rate (writes/s)', ...s.checkpoints.map((c) => `${f0(c.events)} events: achieved, p50 / p95 / p99 ms, errors`)];
    const rates = [...new Set(s.checkpoints.flatMap((c) => c.http.rates.map((r) => r.targetRate)))];
    const rr = rates.map((rate) => [
      f0(rate),
      ...s.checkpoints.map((c) => {
        const r = c.http.rates.find((x) => x.targetRate === rate);
        return r ? `${f0(r.achievedRate)}/s, ${r.p50} / ${r.p95} / ${r.p99}, ${r.errors}` : '-';
      }),
    ]);
    lines.push(md(h, rr), '');
    const problems = s.checkpoints.flatMap((c) => c.problems);
    lines.push(
      problems.length
        ? `Count check FAILED: ${problems.join('; ')}`
        : "Count check: every acknowledged command's events were stored, and every projection applied them after a full rebuild (--quick also checks the live projector's catch-up).",
      '',
    );
  }
  if (fs.existsSync(analysis)) lines.push(fs.readFileSync(analysis, 'utf8').trim(), '');
  fs.writeFileSync(path.join(docsDir, 'benchmarks.md'), lines.join('\n'));
}
