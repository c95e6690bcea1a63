// Properties of the timeline over generated episode histories (the domain's scenario
// generator: random command sequences through decide and evolve).
import fc from 'fast-check';
import { play, scenarios } from '../domain/episode-scenarios';
import { buildTimeline, entryAsOf, type Change } from '../../src/app/timeline/timeline';
import { foldEpisode } from '../../src/domain/episode/decider';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { toNewEvents } from '../../src/app/events/event-codec';
import { recordsOf } from './records';

const EPISODE = '01KAWZ3Q5V8J2M6N4P7R9S1T3X';
const histories = scenarios.map((s) => play(s).events).filter((events) => events.length > 0);

/** Stored envelopes for a history: positions with random gaps, times that never go back (often equal). */
const stored = fc
  .tuple(histories, fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 200, maxLength: 200 }), fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 90_000_000 })), { minLength: 200, maxLength: 200 }))
  .map(([events, positionSteps, timeSteps]) => {
    let position = 0n;
    let time = Date.UTC(2026, 10, 22, 9);
    const positions = events.map((_, i) => (position += BigInt(positionSteps[i % 200]!)));
    const times = events.map((_, i) => new Date((time += timeSteps[i % 200]!)).toISOString());
    return { events, records: recordsOf(events, { positions, times }) };
  });

function applyChanges(state: Record<string, unknown>, changes: readonly Change[], next: Record<string, unknown>) {
  const out = structuredClone(state);
  for (const { path, to } of changes) {
    const keys = path.split('.');
    let target: Record<string, unknown> = out;
    let reference: Record<string, unknown> | undefined = next;
    for (const k of keys.slice(0, -1)) {
      target = (target[k] ??= {}) as Record<string, unknown>;
      reference = reference?.[k] as Record<string, unknown> | undefined;
    }
    const last = keys.at(-1)!;
    // diff writes a vanished key as null: tell it from a real null by the next state.
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the key the diff names is the one that vanished
    if (to === null && reference !== undefined && !(last in reference)) delete target[last];
    else target[last] = to;
  }
  return out;
}

describe('timeline properties', () => {
  // The state at every revision equals folding the history's prefix up to that revision, and ?revision=N gives that state.
  it('states equal the folded prefix at every revision', () => {
    fc.assert(
      fc.property(stored, ({ events, records }) => {
        const timeline = buildTimeline(EPISODE, records);
        expect(timeline.integrity).toEqual({ ok: true, problems: [] });
        expect(timeline.entries).toHaveLength(events.length);
        events.forEach((_, n) => {
          const prefix = foldEpisode(events.slice(0, n + 1));
          expect(timeline.entries[n]!.state).toEqual(prefix);
          expect(entryAsOf(timeline, { revision: n })!.state).toEqual(prefix);
        });
      }),
      { numRuns: 60 },
    );
  });

  // ?at=T gives the last event recorded at or before T (none before the first), for any T.
  it('picks the last event at or before a time', () => {
    fc.assert(
      fc.property(stored, fc.integer({ min: -3_600_000, max: 200 * 90_000_000 }), ({ records }, offset) => {
        const timeline = buildTimeline(EPISODE, records);
        const at = new Date(Date.UTC(2026, 10, 22, 9) + offset).toISOString();
        const atOrBefore = records.filter((r) => Date.parse(r.recordedAt) <= Date.parse(at));
        expect(entryAsOf(timeline, { at })?.revision).toBe(atOrBefore.at(-1)?.revision);
        // Asking for an event's own time gives that event, or a later one recorded at the same instant.
        const pick = records[Math.abs(offset) % records.length]!;
        const found = entryAsOf(timeline, { at: pick.recordedAt })!;
        expect(found.revision).toBeGreaterThanOrEqual(pick.revision);
        expect(found.recordedAt).toBe(pick.recordedAt);
      }),
      { numRuns: 60 },
    );
  });

  // Each entry's changes, applied to the state before it, give the state after it: a reader needs nothing else.
  it('says everything an event changed', () => {
    fc.assert(
      fc.property(stored, ({ records }) => {
        const entries = buildTimeline(EPISODE, records).entries;
        entries.forEach((entry, n) => {
          const { revision: _a, ...before } = n === 0 ? foldEpisode([]) : entries[n - 1]!.state;
          const { revision: _b, ...after } = entry.state;
          expect(applyChanges(before, entry.changes, after)).toEqual(after);
        });
      }),
      { numRuns: 60 },
    );
  });

  // Through a real store (SQLite), a generated history appended command by command replays with gapless revisions, increasing positions and the folded states.
  it('replays a history appended to a store', async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async (scenario) => {
        const run = play(scenario);
        if (run.events.length === 0) return;
        const store = new SqliteEventStore(':memory:');
        try {
          const stream = `episode-${EPISODE}`;
          await store.appendToStream('unit-noise', toNewEvents([{ type: 'Noise', data: {} }], { actorId: 'a', role: 'r', commandId: 'c', correlationId: 'c', causationId: 'c' }), { expectedRevision: 'any' });
          for (const o of run.outcomes) {
            if (o.emitted.length === 0 || o.error !== null) continue;
            await store.appendToStream(stream, toNewEvents(o.emitted, { actorId: o.context.actor.id, role: o.context.actor.role, commandId: 'c', correlationId: 'c', causationId: 'c' }), { expectedRevision: 'any' });
          }
          const timeline = buildTimeline(EPISODE, await store.readStream(stream));
          expect(timeline.integrity).toEqual({ ok: true, problems: [] });
          expect(timeline.entries.map((e) => e.state)).toEqual(run.events.map((_, n) => foldEpisode(run.events.slice(0, n + 1))));
        } finally {
          await store.close();
        }
      }),
      { numRuns: 20 },
    );
  });
});
