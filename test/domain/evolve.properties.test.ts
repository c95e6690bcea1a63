// evolve is total: it folds every event its schema allows, in any order (replays of old or
// odd streams must never crash the write side, the timeline or a rebuild).
import fc from 'fast-check';
import { arbitraryOf } from './zod-arbitrary';
import { assigned, NOW } from './fixtures';
import { EPISODE_EVENT_VERSIONS, EpisodeEvent } from '../../src/domain/episode/events';
import { evolve, initialState } from '../../src/domain/episode/state';
import { foldEpisode } from '../../src/domain/episode/decider';
import { UnitEvent, evolveUnit, initialUnitState } from '../../src/domain/unit/unit';
import { ActiveEpisodeEvent, evolveActiveEpisode, initialActiveEpisodeState } from '../../src/domain/patient/active-episode';

const anyEpisodeEvent = arbitraryOf(EpisodeEvent) as fc.Arbitrary<EpisodeEvent>;
const anyUnitEvent = arbitraryOf(UnitEvent) as fc.Arbitrary<UnitEvent>;
const anyActiveEpisodeEvent = arbitraryOf(ActiveEpisodeEvent) as fc.Arbitrary<ActiveEpisodeEvent>;

/** Ids that are names of Object.prototype members: valid by the schemas, and a classic trap for plain-object maps. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('evolve over every event the schemas allow', () => {
  it('draws only schema-valid events, of every episode event type', () => {
    const sample = fc.sample(anyEpisodeEvent, { numRuns: 2000, seed: 42 });
    expect(sample.filter((e) => !EpisodeEvent.safeParse(e).success)).toEqual([]);
    expect(new Set(sample.map((e) => e.type))).toEqual(new Set(Object.keys(EPISODE_EVENT_VERSIONS)));
  });

  // Folding any sequence of schema-valid episode events, from the initial state, never throws and counts one revision per event.
  it('folds any sequence of episode events from the start', () => {
    fc.assert(
      fc.property(fc.array(anyEpisodeEvent, { maxLength: 40 }), (events) => {
        const state = events.reduce(evolve, initialState());
        expect(state.revision).toBe(events.length - 1);
      }),
      { numRuns: 400, examples: [[[{ type: 'PartCompleted', data: { moduleId: 'constructor', partId: 'hk-pain', at: NOW } }]]] },
    );
  });

  // Folding any sequence of schema-valid episode events onto a real assignment never throws and counts one revision per event.
  it('folds any sequence of episode events after an assignment', () => {
    fc.assert(
      fc.property(fc.array(anyEpisodeEvent, { maxLength: 40 }), (events) => {
        const state = events.reduce(evolve, foldEpisode(assigned()));
        expect(state.revision).toBe(2 + events.length);
      }),
      { numRuns: 400 },
    );
  });

  it.each(PROTOTYPE_NAMES)('folds a part completed under the module id %j', (moduleId) => {
    expect(() => evolve(foldEpisode(assigned()), { type: 'PartCompleted', data: { moduleId, partId: 'hk-pain', at: NOW } })).not.toThrow();
  });

  // evolve ignores a journal entry for an obligation it never raised; the name of the obligation must not matter.
  it.each(PROTOTYPE_NAMES)('ignores a journal entry for the never-raised obligation %j', (obligationId) => {
    const state = evolve(foldEpisode(assigned()), { type: 'JournalEntryRecorded', data: { obligationId, journalReference: null, form: null, by: 'x', at: NOW } });
    expect(Object.keys(state.obligations)).toEqual(['assignment']);
  });

  // Folding any sequence of schema-valid unit events never throws and counts one revision per event.
  it('folds any sequence of unit events', () => {
    fc.assert(
      fc.property(fc.array(anyUnitEvent, { maxLength: 30 }), (events) => {
        expect(events.reduce(evolveUnit, initialUnitState()).revision).toBe(events.length - 1);
      }),
    );
  });

  // Folding any sequence of reservation events never throws, and the reservation is held by the last reserved episode or nobody.
  it('folds any sequence of active-episode events', () => {
    fc.assert(
      fc.property(fc.array(anyActiveEpisodeEvent, { maxLength: 30 }), (events) => {
        const state = events.reduce(evolveActiveEpisode, initialActiveEpisodeState());
        expect(state.revision).toBe(events.length - 1);
        const reservations = events.filter((e) => e.type === 'EpisodeReserved');
        if (state.activeEpisodeId !== null) expect(state.activeEpisodeId).toBe(reservations.at(-1)!.data.episodeId);
      }),
    );
  });
});
