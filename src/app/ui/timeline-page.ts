// The timeline answer (GET /episodes/{id}/timeline) shaped for the auditor's page: events
// of one command grouped, each event in words with its data and what it changed (added,
// removed, changed), the state at the chosen revision as rows, and the integrity report
// with the upcasts and the events left out of the fold.
import { isErased, plain } from './ui-format';
import { describeEvent } from './event-words';
import type { TimelineAnswer } from './api-reads';

export const TIMELINE_PAGE_SIZE = 100;

export interface Row {
  readonly path: string;
  readonly value: string;
  readonly erased: boolean;
}

export interface ChangeRow {
  readonly kind: 'added' | 'removed' | 'changed';
  readonly path: string;
  readonly from: string;
  readonly to: string;
  readonly erased: boolean;
}

type Entry = TimelineAnswer['entries'][number];

export interface EntryView {
  readonly revision: number;
  readonly position: string;
  readonly recordedAt: string;
  readonly type: string;
  readonly words: string;
  readonly schemaVersion: number;
  readonly storedSchemaVersion: number | null;
  readonly actor: { readonly id: string; readonly name: string | null; readonly role: string; readonly unitId: string | null };
  readonly data: readonly Row[];
  readonly changes: readonly ChangeRow[];
  readonly problem: string | null;
  readonly chosen: boolean;
}

export interface CommandGroup {
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly entries: readonly EntryView[];
}

/** Leaf values of a JSON value with their dotted paths; an array of plain values is one leaf. */
export function flatten(value: unknown, path = ''): Row[] {
  const isObject = value !== null && typeof value === 'object';
  const plainArray = Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object');
  if (!isObject || plainArray || (Array.isArray(value) && value.length === 0)) return [{ path: path || '(värde)', value: plain(value), erased: isErased(value) }];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [{ path: path || '(värde)', value: '{}', erased: false }];
  return entries.filter(([, v]) => v !== undefined).flatMap(([k, v]) => flatten(v, path ? `${path}.${k}` : k));
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function changeRow(c: { readonly path: string; readonly from: unknown; readonly to: unknown }): ChangeRow {
  const absent = (v: unknown) => v === null || v === undefined;
  const kind = absent(c.from) ? 'added' : absent(c.to) ? 'removed' : 'changed';
  return { kind, path: c.path, from: plain(c.from), to: plain(c.to), erased: isErased(c.from) || isErased(c.to) };
}

const same = (a: unknown, b: unknown) => Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);

/**
 * The API compares arrays as whole values; the page shows which elements came or went, so
 * a message appended to a long conversation is one added row, not the whole list twice.
 */
export function changeRows(c: { readonly path: string; readonly from: unknown; readonly to: unknown }): ChangeRow[] {
  if (!Array.isArray(c.from) || !Array.isArray(c.to)) return [changeRow(c)];
  const from: readonly unknown[] = c.from;
  const to: readonly unknown[] = c.to;
  const rows: ChangeRow[] = [];
  for (let i = 0; i < Math.max(from.length, to.length); i++)
    if (i >= from.length || i >= to.length || !same(from[i], to[i])) rows.push(changeRow({ path: `${c.path}.${i}`, from: from[i], to: to[i] }));
  return rows;
}

function entryView(e: Entry, chosenRevision: number | null): EntryView {
  const data = e.data as Readonly<Record<string, unknown>>;
  return {
    revision: e.revision,
    position: e.position,
    recordedAt: e.recordedAt,
    type: e.type,
    words: e.problem ? `Händelsen kunde inte läsas: ${describeEvent(e.type, data)}` : describeEvent(e.type, data),
    schemaVersion: e.schemaVersion,
    storedSchemaVersion: e.storedSchemaVersion ?? null,
    actor: { id: str(e.actor.id) ?? '–', name: str(e.actor.name), role: str(e.actor.role) ?? '–', unitId: str(e.actor.unitId) },
    data: flatten(data),
    changes: e.changes.flatMap(changeRows),
    problem: e.problem ?? null,
    chosen: e.revision === chosenRevision,
  };
}

/** Consecutive events with the same command id: one command's events. */
export function groupByCommand(entries: readonly EntryView[], raw: readonly Entry[]): CommandGroup[] {
  const groups: { commandId: string | null; correlationId: string | null; entries: EntryView[] }[] = [];
  entries.forEach((view, i) => {
    const commandId = str(raw[i]!.commandId);
    const last = groups[groups.length - 1];
    if (last && commandId !== null && last.commandId === commandId) last.entries.push(view);
    else groups.push({ commandId, correlationId: str(raw[i]!.correlationId), entries: [view] });
  });
  return groups;
}

export interface TimelinePage {
  readonly groups: readonly CommandGroup[];
  readonly stateRevision: number | null;
  readonly stateRecordedAt: string | null;
  readonly state: readonly Row[];
  readonly integrity: {
    readonly ok: boolean;
    readonly problems: readonly string[];
    readonly upcasts: readonly { readonly revision: number; readonly type: string; readonly from: number; readonly to: number }[];
    readonly unreadable: number;
  };
  readonly erased: boolean;
}

export function timelinePage(answer: TimelineAnswer, chosenRevision: number | null): TimelinePage {
  const views = answer.entries.map((e) => entryView(e, chosenRevision));
  const last = answer.entries[answer.entries.length - 1];
  const asOf = 'asOf' in answer && answer.asOf ? answer.asOf : null;
  const state = asOf && 'state' in answer ? answer.state : last?.state;
  const stateRows = state ? flatten(Object.fromEntries(Object.entries(state).filter(([k]) => k !== 'revision'))) : [];
  return {
    groups: groupByCommand(views, answer.entries),
    stateRevision: asOf ? asOf.revision : (last?.revision ?? null),
    stateRecordedAt: asOf ? asOf.recordedAt : (last?.recordedAt ?? null),
    state: stateRows,
    integrity: {
      ok: answer.integrity.ok,
      problems: answer.integrity.problems,
      upcasts: answer.entries
        .filter((e) => e.storedSchemaVersion !== undefined)
        .map((e) => ({ revision: e.revision, type: e.type, from: e.storedSchemaVersion!, to: e.schemaVersion })),
      unreadable: answer.entries.filter((e) => e.problem !== undefined).length,
    },
    erased: stateRows.some((r) => r.erased),
  };
}
