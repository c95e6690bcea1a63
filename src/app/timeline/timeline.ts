// The auditor's timeline: every event of an episode in order, with its envelope, what it
// changed, and the state after it. Built by folding the stream, never from a projection,
// so it is the history itself. The stream's integrity is checked and reported, not hidden:
// an event that does not match its schema is shown with its problem and left out of the fold.
import type { RecordedEvent } from '../../event-store/event-store';
import { EpisodeEvent } from '../../domain/episode/events';
import { evolve, initialState, type EpisodeState } from '../../domain/episode/state';
import { upcast, UPCASTERS, type Upcaster } from '../../domain/upcasters';

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
  /** Why the event was not folded (it does not match its schema); the state is carried over. */
  readonly problem?: string;
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

type Registry = Readonly<Record<string, Upcaster>>;

/** First recorded time: an imported event keeps the time of its origin. */
export const originalRecordedAt = (r: RecordedEvent): string =>
  typeof r.metadata.originalRecordedAt === 'string' ? r.metadata.originalRecordedAt : r.recordedAt;

/** A stored event in its current shape, and the domain event it is, or why it is none. */
function read(stored: RecordedEvent, registry: Registry): { current: RecordedEvent; event: EpisodeEvent | null; problem: string | null } {
  const current = upcast(stored, registry);
  const parsed = EpisodeEvent.safeParse({ type: current.type, data: current.data });
  if (parsed.success) return { current, event: parsed.data, problem: null };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { current, event: null, problem: `does not match its schema${where}: ${issue?.message ?? 'invalid'}` };
}

export function checkIntegrity(records: readonly RecordedEvent[], registry: Registry = UPCASTERS): IntegrityReport {
  return integrity(records, records.map((r) => read(r, registry).problem));
}

/** `schemaProblems[i]`: why record i does not match its schema, or null. */
function integrity(records: readonly RecordedEvent[], schemaProblems: readonly (string | null)[]): IntegrityReport {
  const problems: string[] = [];
  records.forEach((r, i) => {
    const previous = i > 0 ? records[i - 1]! : undefined;
    if (r.revision !== i) problems.push(`revision gap: expected ${i}, found ${r.revision} (event ${r.id})`);
    if (previous && r.streamId !== previous.streamId) problems.push(`revision ${r.revision} belongs to stream ${r.streamId}, not ${previous.streamId}`);
    if (previous && r.position <= previous.position)
      problems.push(`position not increasing at revision ${r.revision}: ${r.position} after ${previous.position}`);
    if (previous && Date.parse(originalRecordedAt(r)) < Date.parse(originalRecordedAt(previous)))
      problems.push(`recorded time goes back at revision ${r.revision}: ${originalRecordedAt(r)} after ${originalRecordedAt(previous)}`);
    const problem = schemaProblems[i];
    if (problem) problems.push(`revision ${r.revision} (${r.type}) ${problem}`);
  });
  if (records.length > 0 && records[0]!.type !== 'AssignmentStarted') problems.push('the stream does not begin with AssignmentStarted');
  return { ok: problems.length === 0, problems };
}

/** Leaf-level differences between two JSON values; arrays compare as whole values. */
export function diff(before: unknown, after: unknown, path = ''): Change[] {
  const out: Change[] = [];
  diffInto(before, after, path, out, undefined);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Into one array, keys of `before` first, then those only `after` has; a key is joined onto
 * the path only where the values differ (most of a state is shared with the one before).
 * `skip`: a top-level key left out (the revision, which every event changes).
 */
function diffInto(before: unknown, after: unknown, path: string, out: Change[], skip: string | undefined): void {
  if (Object.is(before, after)) return;
  if (isObject(before) && isObject(after)) {
    for (const k of Object.keys(before)) {
      if (k === skip || Object.is(before[k], after[k])) continue;
      diffInto(before[k], after[k], path ? `${path}.${k}` : k, out, undefined);
    }
    for (const k of Object.keys(after)) {
      if (k === skip || Object.prototype.hasOwnProperty.call(before, k)) continue;
      diffInto(undefined, after[k], path ? `${path}.${k}` : k, out, undefined);
    }
    return;
  }
  if (sameValue(before, after)) return;
  out.push({ path, from: before ?? null, to: after ?? null });
}

/** What an event changed in the state, its revision aside. */
function stateChanges(before: EpisodeState, after: EpisodeState): Change[] {
  const out: Change[] = [];
  diffInto(before, after, '', out, 'revision');
  return out;
}

/**
 * JSON equality, short-cut by identity: evolve shares what an event did not change, so most
 * elements of a grown array are the very same objects (a stringify per entry made a long
 * episode's timeline quadratic).
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => sameValue(x, other[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Fold one stored event; one that does not match its schema only advances the revision. */
function step(state: EpisodeState, event: EpisodeEvent | null): EpisodeState {
  return event ? evolve(state, event) : { ...state, revision: state.revision + 1 };
}

export function buildTimeline(episodeId: string, records: readonly RecordedEvent[], registry: Registry = UPCASTERS): Timeline {
  let state = initialState();
  const entries: TimelineEntry[] = [];
  const reads = records.map((stored) => read(stored, registry));
  records.forEach((stored, i) => {
    const { current: r, event, problem } = reads[i]!;
    const next = step(state, event);
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
      changes: stateChanges(state, next),
      state: next,
      ...(problem ? { problem } : {}),
    });
    state = next;
  });
  return { episodeId, revision: records.length - 1, integrity: integrity(records, reads.map((x) => x.problem)), entries };
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

/** The episode's state after the given stored events, folded as the timeline folds them. */
export const foldState = (records: readonly RecordedEvent[], registry: Registry = UPCASTERS): EpisodeState =>
  records.reduce((s, r) => step(s, read(r, registry).event), initialState());
