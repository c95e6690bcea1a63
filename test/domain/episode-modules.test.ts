// Theory modules, progress and exercise films: HideModule, ShowModule, CompletePart, RevealExercises.
import { episodeSpec } from './decider-specification';
import {
  NOW,
  STAND_IN_ID,
  THERAPIST_ID,
  ZV051_CODES,
  asPatient,
  assigned,
  ended,
  endedAfter,
  moduleHidden,
  obligationRaised,
  partCompleted,
  therapistChanged,
  unitAdmin,
} from './fixtures';
import { catalogue } from '../../src/domain/reference/catalogue';
import type { EpisodeEvent } from '../../src/domain/episode/events';

const episode = episodeSpec();
const hide = (moduleId: string) => ({ type: 'HideModule' as const, data: { moduleId } });
const show = (moduleId: string) => ({ type: 'ShowModule' as const, data: { moduleId } });
const complete = (moduleId: string, partId: string) => ({ type: 'CompletePart' as const, data: { moduleId, partId } });
const reveal = (programme: 'leg' | 'hand', exerciseIds: string[]) => ({ type: 'RevealExercises' as const, data: { programme, exerciseIds } });

const partsOf = (moduleId: string) => catalogue.modules.find((m) => m.id === moduleId)!.parts.map((p) => p.id);
/** Every part of the module but its last, completed. */
const allButLast = (moduleId: string): EpisodeEvent[] => partsOf(moduleId).slice(0, -1).map((p) => partCompleted(moduleId, p));

describe('HideModule / ShowModule', () => {
  it.each(['hip-knee', 'hand'])('shows both modules from the start (%s is already visible)', (moduleId) => {
    episode.given(assigned()).when(show(moduleId)).thenThrows('MODULE_ALREADY_VISIBLE');
  });

  it('moves a module to "Kommande" (hidden from the patient)', () => {
    episode.given(assigned()).when(hide('hand')).then([{ type: 'ModuleHidden', data: { moduleId: 'hand', by: THERAPIST_ID, at: NOW } }]);
  });

  it('shows a hidden module again', () => {
    episode
      .given([...assigned(), moduleHidden('hand')])
      .when(show('hand'), { actor: unitAdmin })
      .then([{ type: 'ModuleShown', data: { moduleId: 'hand', by: unitAdmin.id, at: NOW } }]);
  });

  it('refuses to hide a hidden module', () => {
    episode.given([...assigned(), moduleHidden('hip-knee')]).when(hide('hip-knee')).thenThrows('MODULE_ALREADY_HIDDEN');
  });

  it('refuses to show a module that was shown again after hiding', () => {
    episode
      .given([...assigned(), moduleHidden('hand'), { type: 'ModuleShown', data: { moduleId: 'hand', by: THERAPIST_ID, at: NOW } }])
      .when(show('hand'))
      .thenThrows('MODULE_ALREADY_VISIBLE');
  });

  it.each([hide('knee'), show('leg')])('refuses a module that is not in the catalogue (%j)', (command) => {
    episode.given(assigned()).when(command).thenThrows('UNKNOWN_MODULE', 'unacceptable');
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(hide('hand')).thenThrows('NOT_FOUND');
  });

  it('refuses after the end', () => {
    episode.given(ended()).when(hide('hand')).thenThrows('EPISODE_ENDED');
    episode.given(endedAfter([...assigned(), moduleHidden('hand')])).when(show('hand')).thenThrows('EPISODE_ENDED');
  });
});

describe('CompletePart', () => {
  it('marks a part done (green)', () => {
    episode
      .given(assigned())
      .when(complete('hip-knee', 'hk-pain'), asPatient())
      .then([{ type: 'PartCompleted', data: { moduleId: 'hip-knee', partId: 'hk-pain', at: NOW } }]);
  });

  it('does nothing when the part is already done', () => {
    episode.given([...assigned(), partCompleted('hand', 'hand-pain')]).when(complete('hand', 'hand-pain'), asPatient()).thenNothingHappened();
  });

  it('completes the school when the last part of a module is done, raising its journal obligation', () => {
    // assigned: revisions 0-2; five parts: 3-7; the new part 8, SchoolCompleted 9.
    episode
      .given([...assigned(), ...allButLast('hip-knee')])
      .when(complete('hip-knee', 'hk-everyday-life'), asPatient())
      .then([
        { type: 'PartCompleted', data: { moduleId: 'hip-knee', partId: 'hk-everyday-life', at: NOW } },
        { type: 'SchoolCompleted', data: { basis: 'all-parts-of-module', moduleId: 'hip-knee', at: NOW } },
        obligationRaised('completed-school', 9),
      ]);
  });

  it('completes the school by the hand module too, whatever the order of its parts', () => {
    const [first, ...rest] = partsOf('hand');
    episode
      .given([...assigned(), ...rest.map((p) => partCompleted('hand', p))])
      .when(complete('hand', first!), asPatient())
      .then((events) =>
        expect(events.slice(1)).toStrictEqual([
          { type: 'SchoolCompleted', data: { basis: 'all-parts-of-module', moduleId: 'hand', at: NOW } },
          obligationRaised('completed-school', 3 + rest.length + 1),
        ]),
      );
  });

  it('completes the school only once: finishing the second module adds just the part', () => {
    const hipKnee = partsOf('hip-knee').map((p) => partCompleted('hip-knee', p));
    episode
      .given([...assigned(), ...hipKnee, { type: 'SchoolCompleted', data: { basis: 'all-parts-of-module', moduleId: 'hip-knee', at: NOW } }, obligationRaised('completed-school', 9), ...allButLast('hand')])
      .when(complete('hand', 'hand-everyday-life'), asPatient())
      .then([{ type: 'PartCompleted', data: { moduleId: 'hand', partId: 'hand-everyday-life', at: NOW } }]);
  });

  it('does not complete the school while a part of the module is missing', () => {
    episode
      .given([...assigned(), ...allButLast('hip-knee').slice(1)])
      .when(complete('hip-knee', 'hk-everyday-life'), asPatient())
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PartCompleted']));
  });

  it('registers the unit\'s KVÅ codes and the responsible therapist on the completed-school obligation', () => {
    episode
      .given([...assigned({ journalCodes: ZV051_CODES }), therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence'), ...allButLast('hand')])
      .when(complete('hand', 'hand-everyday-life'), asPatient())
      .then(([, , obligation]) =>
        expect(obligation).toMatchObject({ data: { trigger: 'completed-school', kvaCodes: ['GB020', 'ZV051'], therapistId: STAND_IN_ID, diagnosisCode: 'M17.1' } }),
      );
  });

  it('refuses a part of a hidden module', () => {
    episode.given([...assigned(), moduleHidden('hand')]).when(complete('hand', 'hand-pain'), asPatient()).thenThrows('MODULE_HIDDEN');
  });

  it('refuses an unknown module', () => {
    episode.given(assigned()).when(complete('knee', 'hk-pain'), asPatient()).thenThrows('UNKNOWN_MODULE', 'unacceptable');
  });

  it('refuses a part that is not in the module (a hand part under hip-knee)', () => {
    episode.given(assigned()).when(complete('hip-knee', 'hand-pain'), asPatient()).thenThrows('UNKNOWN_PART', 'unacceptable');
  });

  it('accepts a part on the last day of access, late in the evening in Stockholm', () => {
    // 2027-02-22 23:30 in Stockholm.
    episode.given(assigned()).when(complete('hand', 'hand-pain'), asPatient('2027-02-22T22:30:00.000Z')).then((e) => expect(e).toHaveLength(1));
  });

  it('refuses after the access period (2027-02-23 00:30 in Stockholm)', () => {
    episode.given(assigned()).when(complete('hand', 'hand-pain'), asPatient('2027-02-22T23:30:00.000Z')).thenThrows('ACCESS_PERIOD_OVER');
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(complete('hand', 'hand-pain'), asPatient()).thenThrows('NOT_FOUND');
  });

  it('refuses after the end', () => {
    episode.given(ended()).when(complete('hand', 'hand-pain'), asPatient()).thenThrows('EPISODE_ENDED');
  });
});

describe('RevealExercises', () => {
  const afterLegIntro = () => [...assigned(), partCompleted('hip-knee', 'hk-training-introduction')];

  it('shows the ticked leg exercises once the training introduction is done', () => {
    episode
      .given(afterLegIntro())
      .when(reveal('leg', ['leg-sit-to-stand', 'leg-bridge']))
      .then([{ type: 'ExercisesRevealed', data: { programme: 'leg', exerciseIds: ['leg-sit-to-stand', 'leg-bridge'], by: THERAPIST_ID, at: NOW } }]);
  });

  it('accepts the hand module\'s training introduction as well', () => {
    episode
      .given([...assigned(), partCompleted('hand', 'hand-training-introduction')])
      .when(reveal('hand', ['hand-make-fist']), { actor: unitAdmin })
      .then([{ type: 'ExercisesRevealed', data: { programme: 'hand', exerciseIds: ['hand-make-fist'], by: unitAdmin.id, at: NOW } }]);
  });

  it('refuses before the training introduction, even when every other part is done', () => {
    const others = [...partsOf('hip-knee').filter((p) => p !== 'hk-training-introduction').map((p) => partCompleted('hip-knee', p))];
    episode.given([...assigned(), ...others]).when(reveal('leg', ['leg-bridge'])).thenThrows('TRAINING_INTRODUCTION_NOT_COMPLETED');
  });

  it('refuses an exercise of another programme, naming it', () => {
    const error = episode.given(afterLegIntro()).when(reveal('leg', ['leg-bridge', 'hand-make-fist'])).thenThrows('UNKNOWN_EXERCISE', 'unacceptable');
    expect(error.details).toEqual([{ path: 'exerciseIds', problem: 'unknown exercise hand-make-fist' }]);
  });

  it('reveals only the exercises not yet visible, once each', () => {
    const shown: EpisodeEvent = { type: 'ExercisesRevealed', data: { programme: 'leg', exerciseIds: ['leg-bridge'], by: THERAPIST_ID, at: NOW } };
    episode
      .given([...afterLegIntro(), shown])
      .when(reveal('leg', ['leg-bridge', 'leg-step-up', 'leg-step-up']))
      .then([{ type: 'ExercisesRevealed', data: { programme: 'leg', exerciseIds: ['leg-step-up'], by: THERAPIST_ID, at: NOW } }]);
  });

  it('does nothing when every ticked exercise is already visible', () => {
    const shown: EpisodeEvent = { type: 'ExercisesRevealed', data: { programme: 'leg', exerciseIds: ['leg-bridge', 'leg-step-up'], by: THERAPIST_ID, at: NOW } };
    episode.given([...afterLegIntro(), shown]).when(reveal('leg', ['leg-step-up'])).thenNothingHappened();
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(reveal('leg', ['leg-bridge'])).thenThrows('NOT_FOUND');
  });

  it('refuses after the end', () => {
    episode.given(endedAfter(afterLegIntro())).when(reveal('leg', ['leg-bridge'])).thenThrows('EPISODE_ENDED');
  });
});
