// Renders a timeline for people (a table) and for other tools (JSON, CSV).
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { Change, Timeline, TimelineEntry } from '../app/timeline/timeline';

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

export function formatTable(timeline: Timeline, entries: readonly TimelineEntry[]): string {
  const table = new Table({ head: ['rev', 'recorded at', 'actor', 'event', 'what changed'], style: { head: [], border: [] }, wordWrap: true, colWidths: [5, 26, 30, 26, 70] });
  for (const e of entries) table.push([e.revision, e.recordedAt, actorOf(e), e.type, describeChanges(e.changes)]);
  const integrity = timeline.integrity.ok ? 'integrity: ok (revisions gapless, positions increasing, every event valid)' : `INTEGRITY PROBLEMS:\n${timeline.integrity.problems.map((p) => `  - ${p}`).join('\n')}`;
  return `Episode ${timeline.episodeId}: ${timeline.entries.length} events\n${table.toString()}\n${integrity}\n`;
}

export function formatCsv(entries: readonly TimelineEntry[]): string {
  return stringify(
    entries.map((e) => [e.revision, e.position, e.recordedAt, e.actor.role, e.actor.id, e.actor.unitId ?? '', e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.changes)]),
    { header: true, columns: ['revision', 'position', 'recordedAt', 'role', 'actorId', 'unitId', 'type', 'schemaVersion', 'data', 'changes'] },
  );
}

export function formatJson(timeline: Timeline, entries: readonly TimelineEntry[]): string {
  return `${JSON.stringify({ episodeId: timeline.episodeId, integrity: timeline.integrity, entries }, null, 2)}\n`;
}
