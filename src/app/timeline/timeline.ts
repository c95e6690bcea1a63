// The auditor's timeline: every event of an episode in order, with its envelope, what it
// changed, and the state after it. Built by folding the stream, never from a projection,
// so it is the history itself. The stream's integrity is checked and reported, not hidden.
import type { RecordedEvent } from '../../event-store/event-store';
import { EpisodeEvent } from '../../domain/episode/events';
import { evolve, initialState, type EpisodeState } from '../../domain/episode/state';
import { upcastRecorded } from '../events/event-codec';

export interface Change {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface TimelineEntry {
  readonly revision: number;
  readonly position: string;
  /** When the event was first recorded (kept across an export and import). */
  readonly recordedAt: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** The version it was stored as, when an upcaster lifted it. */
  readonly storedSchemaVersion?: number;
  readonly actor: { readonly id: unknown; readonly name?: unknown; readonly role: unknown; readonly unitId?: unknown };
  readonly commandId: unknown;
  readonly correlationId: unknown;
  readonly data: Readonly<Record<string, unknown>>;
  readonly changes: readonly Change[];
  readonly state: EpisodeState;
}

export interface IntegrityReport {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export interface Timeline {
  readonly episodeId: string;
  readonly revision: number;
  readonly integrity: IntegrityReport;
  readonly entries: readonly TimelineEntry[];
}

/** First recorded time: an imported event keeps the time of its origin. */
export const originalRecordedAt = (r: RecordedEvent): string =>
  typeof r.metadata.originalRecordedAt === 'string' ? r.metadata.originalRecordedAt : r.recordedAt;

export function checkIntegrity(records: readonly RecordedEvent[]): IntegrityReport {
  const problems: string[] = [];
  records.forEach((r, i) => {
    if (r.revision !== i) problems.push(`revision gap: expected ${i}, found ${r.revision} (event ${r.id})`);
    if (i > 0 && r.position <= records[i - 1]!.position)
      problems.push(`position not increasing at revision ${r.revision}: ${r.position} after ${records[i - 1]!.position}`);
    const current = upcastRecorded(r);
    const parsed = EpisodeEvent.safeParse({ type: current.type, data: current.data });
    if (!parsed.success) problems.push(`revision ${r.revision} (${r.type}) does not match its schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  });
  if (records.length > 0 && records[0]!.type !== 'AssignmentStarted') problems.push('the stream does not begin with AssignmentStarted');
  return { ok: problems.length === 0, problems };
}

/** Leaf-level differences between two JSON values; arrays compare as whole values. */
export function diff(before: unknown, after: unknown, path = ''): Change[] {
  if (Object.is(before, after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, from: before ?? null, to: after ?? null }];
}

export function buildTimeline(episodeId: string, records: readonly RecordedEvent[]): Timeline {
  let state = initialState();
  const entries: TimelineEntry[] = [];
  for (const stored of records) {
    const r = upcastRecorded(stored);
    const event = { type: r.type, data: r.data } as EpisodeEvent;
    // evolve ignores what it does not know; the integrity report names such events.
    const next = evolve(state, event);
    const { revision: _before, ...prevComparable } = state;
    const { revision: _after, ...nextComparable } = next;
    entries.push({
      revision: r.revision,
      position: r.position.toString(),
      recordedAt: originalRecordedAt(r),
      type: r.type,
      schemaVersion: r.schemaVersion,
      ...(stored.schemaVersion !== r.schemaVersion ? { storedSchemaVersion: stored.schemaVersion } : {}),
      actor: { id: r.metadata.actorId, name: r.metadata.actorName, role: r.metadata.role, unitId: r.metadata.unitId },
      commandId: r.metadata.commandId,
      correlationId: r.metadata.correlationId,
      data: r.data,
      changes: diff(prevComparable, nextComparable),
      state: next,
    });
    state = next;
  }
  return { episodeId, revision: records.length - 1, integrity: checkIntegrity(records), entries };
}

/** The entry current at a revision or at a time (the last recorded at or before it). */
export function entryAsOf(timeline: Timeline, as: { revision?: number; at?: string }): TimelineEntry | undefined {
  if (as.revision !== undefined) return timeline.entries.find((e) => e.revision === as.revision);
  if (as.at !== undefined) {
    const at = Date.parse(as.at);
    let found: TimelineEntry | undefined;
    for (const e of timeline.entries) if (Date.parse(e.recordedAt) <= at) found = e;
    return found;
  }
  return timeline.entries[timeline.entries.length - 1];
}

export const foldState = (records: readonly RecordedEvent[]): EpisodeState =>
  records.reduce((s, r) => evolve(s, { type: upcastRecorded(r).type, data: upcastRecorded(r).data } as EpisodeEvent), initialState());
