// "Avsluta": EndEpisode, and what is left after the end.
import { episodeSpec } from './decider-specification';
import {
  NOW,
  STAND_IN_ID,
  THERAPIST_ID,
  ZV051_CODES,
  assigned,
  ended,
  episodeCompleted,
  obligationRaised,
  oneOfEach,
  therapistChanged,
  unitAdmin,
} from './fixtures';
import type { EpisodeCommand } from '../../src/domain/episode/commands';
import type { EpisodeEvent } from '../../src/domain/episode/events';

const episode = episodeSpec();
const end = (outcome: 'completed' | 'abandoned'): EpisodeCommand => ({ type: 'EndEpisode', data: { outcome } });
const schoolCompleted = (): EpisodeEvent[] => [
  { type: 'SchoolCompleted', data: { basis: 'all-parts-of-module', moduleId: 'hip-knee', at: NOW } },
  obligationRaised('completed-school', 3),
];
/** Ended as completed: SchoolCompleted 3, its obligation 4, EpisodeCompleted 5, end obligation 6. */
const completed = (): EpisodeEvent[] => [
  ...assigned(),
  { type: 'SchoolCompleted', data: { basis: 'ended-as-completed', moduleId: null, at: NOW } },
  obligationRaised('completed-school', 3),
  episodeCompleted(),
  obligationRaised('end', 5),
];

describe('EndEpisode', () => {
  it('ends as completed ("Moment slutfört"): the school counts as completed and both are journaled', () => {
    episode
      .given(assigned())
      .when(end('completed'))
      .then([
        { type: 'SchoolCompleted', data: { basis: 'ended-as-completed', moduleId: null, at: NOW } },
        obligationRaised('completed-school', 3),
        { type: 'EpisodeCompleted', data: { by: THERAPIST_ID, at: NOW } },
        obligationRaised('end', 5),
      ]);
  });

  it('ends as completed without a second completed-school obligation when the school was already completed', () => {
    episode
      .given([...assigned(), ...schoolCompleted()])
      .when(end('completed'), { actor: unitAdmin })
      .then([{ type: 'EpisodeCompleted', data: { by: unitAdmin.id, at: NOW } }, obligationRaised('end', 5)]);
  });

  it('ends as abandoned ("Invånare avbryter momentet"), journaling only the end', () => {
    episode
      .given(assigned())
      .when(end('abandoned'))
      .then([{ type: 'EpisodeAbandoned', data: { by: THERAPIST_ID, at: NOW } }, obligationRaised('end', 3)]);
  });

  it('registers the unit\'s KVÅ codes and the responsible therapist on the end obligations', () => {
    episode
      .given([...assigned({ journalCodes: ZV051_CODES }), therapistChanged(THERAPIST_ID, STAND_IN_ID, 'reassignment')])
      .when(end('completed'))
      .then((events) => {
        const obligations = events.filter((e) => e.type === 'JournalObligationRaised');
        expect(obligations).toStrictEqual([
          obligationRaised('completed-school', 4, { kvaCodes: ['GB020', 'ZV051'], therapistId: STAND_IN_ID }),
          obligationRaised('end', 6, { kvaCodes: ['GB020', 'ZV051'], therapistId: STAND_IN_ID }),
        ]);
      });
  });

  it('may end after the access period', () => {
    episode.given(assigned()).when(end('abandoned'), { now: '2027-03-01T10:00:00.000Z' }).then((e) => expect(e).toHaveLength(2));
  });

  it('refuses to end twice', () => {
    episode.given(ended()).when(end('completed')).thenThrows('EPISODE_ENDED');
    episode.given(completed()).when(end('abandoned')).thenThrows('EPISODE_ENDED');
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(end('completed')).thenThrows('NOT_FOUND');
  });
});

describe('after the end: nothing but journaling and registry follow-up', () => {
  const closed = Object.entries(oneOfEach).filter(([type]) => !['RecordJournalEntry', 'CorrectJournalEntry', 'RecordRegistryFollowUp'].includes(type));

  it.each(closed)('refuses %s on an abandoned episode', (_, command) => {
    episode.given(ended()).when(command).thenThrows('EPISODE_ENDED');
  });

  it.each(closed)('refuses %s on a completed episode', (_, command) => {
    episode.given(completed()).when(command).thenThrows('EPISODE_ENDED');
  });

  it('still records the journal entry, its correction and the registry follow-up', () => {
    episode.given(completed()).when(oneOfEach.RecordJournalEntry).then(([e]) => expect(e!.type).toBe('JournalEntryRecorded'));
    const history = [...completed(), { type: 'JournalEntryRecorded', data: { obligationId: 'assignment', journalReference: null, form: null, by: THERAPIST_ID, at: NOW } } as EpisodeEvent];
    episode.given(history).when(oneOfEach.CorrectJournalEntry).then(([e]) => expect(e!.type).toBe('JournalEntryCorrected'));
    episode.given(completed()).when(oneOfEach.RecordRegistryFollowUp).then(([e]) => expect(e!.type).toBe('RegistryFollowUpRecorded'));
  });
});
