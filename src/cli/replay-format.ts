// Renders a timeline for people (a table) and for other tools (JSON, CSV), and decides what
// `npm run replay` prints for its options, without I/O, so its output can be tested.
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { RecordedEvent } from '../event-store/event-store';
import { buildTimeline, entryAsOf, type Change, type Timeline, type TimelineEntry } from '../app/timeline/timeline';

const short = (v: unknown, max = 48): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'null' : s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

export const describeChanges = (changes: readonly Change[], max = 4): string => {
  const lines = changes.slice(0, max).map((c) => `${c.path}: ${short(c.from, 24)} → ${short(c.to, 40)}`);
  if (changes.length > max) lines.push(`… and ${changes.length - max} more`);
  return lines.join('\n') || '(no change to the state)';
};

const actorOf = (e: TimelineEntry) => `${String(e.actor.role)} ${String(e.actor.id)}`;
const whatChanged = (e: TimelineEntry) => (e.problem ? `NOT FOLDED: ${e.problem}` : describeChanges(e.changes));

export function formatTable(timeline: Timeline, entries: readonly TimelineEntry[]): string {
  const table = new Table({ head: ['rev', 'recorded at', 'actor', 'event', 'what changed'], style: { head: [], border: [] }, wordWrap: true, colWidths: [5, 26, 30, 26, 70] });
  for (const e of entries) table.push([e.revision, e.recordedAt, actorOf(e), e.type, whatChanged(e)]);
  const integrity = timeline.integrity.ok
    ? 'integrity: ok (revisions gapless, positions increasing, every event valid)'
    : `INTEGRITY PROBLEMS:\n${timeline.integrity.problems.map((p) => `  - ${p}`).join('\n')}`;
  return `Episode ${timeline.episodeId}: ${timeline.entries.length} events\n${table.toString()}\n${integrity}\n`;
}

export function formatCsv(entries: readonly TimelineEntry[]): string {
  return stringify(
    entries.map((e) => [e.revision, e.position, e.recordedAt, e.actor.role, e.actor.id, e.actor.unitId ?? '', e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.changes), e.problem ?? '']),
    { header: true, columns: ['revision', 'position', 'recordedAt', 'role', 'actorId', 'unitId', 'type', 'schemaVersion', 'data', 'changes', 'problem'] },
  );
}

export function formatJson(timeline: Timeline, entries: readonly TimelineEntry[]): string {
  return `${JSON.stringify({ episodeId: timeline.episodeId, integrity: timeline.integrity, entries }, null, 2)}\n`;
}

export interface ReplayOptions {
  readonly revision?: string;
  readonly at?: string;
  readonly format?: string;
}

/** What the command prints: to stdout, to stderr, and its exit code (3: integrity problems). */
export interface ReplayOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export const REPLAY_USAGE = 'usage: npm run replay -- <episodeId> [--revision N | --at <ISO time>] [--format table|json|csv]';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Options that cannot be honoured, or null. */
export function replayUsageError(options: ReplayOptions): string | null {
  const format = options.format ?? 'table';
  if (!['table', 'json', 'csv'].includes(format)) return `unknown format "${format}"`;
  if (options.revision !== undefined && options.at !== undefined) return 'give --revision or --at, not both';
  if (options.revision !== undefined && !/^\d+$/.test(options.revision)) return '--revision takes a whole number';
  if (options.at !== undefined && (!ISO_INSTANT.test(options.at) || Number.isNaN(Date.parse(options.at)))) return '--at takes an ISO 8601 time with offset, e.g. 2026-11-22T10:00:00+01:00';
  return null;
}

export function replay(episodeId: string, records: readonly RecordedEvent[], options: ReplayOptions = {}): ReplayOutput {
  const usage = replayUsageError(options);
  if (usage) return { stdout: '', stderr: `${usage}\n${REPLAY_USAGE}\n`, exitCode: 2 };
  if (records.length === 0) return { stdout: '', stderr: `No episode ${episodeId} in this store.\n`, exitCode: 1 };
  const timeline = buildTimeline(episodeId, records);
  const asOfAsked = options.revision !== undefined || options.at !== undefined;
  const asOf = entryAsOf(timeline, { revision: options.revision !== undefined ? Number(options.revision) : undefined, at: options.at });
  if (!asOf) return { stdout: '', stderr: 'The episode did not exist at that revision or time.\n', exitCode: 1 };
  const entries = timeline.entries.filter((e) => e.revision <= asOf.revision);
  const format = options.format ?? 'table';
  let stdout = format === 'json' ? formatJson(timeline, entries) : format === 'csv' ? formatCsv(entries) : formatTable(timeline, entries);
  if (format === 'table' && asOfAsked) stdout += `\nState as of revision ${asOf.revision} (${asOf.recordedAt}):\n${JSON.stringify(asOf.state, null, 2)}\n`;
  // The problems go to stderr too, so a CSV or JSON export cannot hide them.
  const stderr = timeline.integrity.ok || format === 'table' ? '' : `INTEGRITY PROBLEMS:\n${timeline.integrity.problems.map((p) => `  - ${p}`).join('\n')}\n`;
  return { stdout, stderr, exitCode: timeline.integrity.ok ? 0 : 3 };
}
