// One active Digital Artrosskola episode per patient and unit, kept in its own stream
// patient-<keyed hash>: reserve before the assignment, release at the end.
import { activeEpisodeSpec } from './decider-specification';
import { NOW } from './fixtures';
import { activeEpisodeStreamId, type ActiveEpisodeEvent } from '../../src/domain/patient/active-episode';
import { episodeStreamId } from '../../src/domain/episode/decider';

const reservation = activeEpisodeSpec();
const FIRST = '01KAWZ3Q5V8J2M6N4P7R9S1T3X';
const SECOND = '01KAX0A1B2C3D4E5F6G7H8J9KM';
const reserved = (episodeId: string): ActiveEpisodeEvent => ({ type: 'EpisodeReserved', data: { episodeId, at: NOW } });
const released = (episodeId: string): ActiveEpisodeEvent => ({ type: 'EpisodeReleased', data: { episodeId, at: NOW } });

describe('reserve', () => {
  it('reserves the patient at the unit for a new episode', () => {
    reservation.given([]).when({ type: 'Reserve', episodeId: FIRST }).then([reserved(FIRST)]);
  });

  it('refuses a second episode while one is active', () => {
    reservation.given([reserved(FIRST)]).when({ type: 'Reserve', episodeId: SECOND }).thenThrows('ACTIVE_EPISODE_EXISTS');
  });

  it('takes over a stale reservation (an episode that never came to be)', () => {
    reservation.given([reserved(FIRST)]).when({ type: 'Reserve', episodeId: SECOND, isStale: true }).then([reserved(SECOND)]);
  });

  it('reserves again after the previous episode was released', () => {
    reservation.given([reserved(FIRST), released(FIRST)]).when({ type: 'Reserve', episodeId: SECOND }).then([reserved(SECOND)]);
  });
});

describe('release', () => {
  it('releases the reservation when its episode ends', () => {
    reservation.given([reserved(FIRST)]).when({ type: 'Release', episodeId: FIRST }).then([released(FIRST)]);
  });

  it('does nothing for an episode that does not hold the reservation', () => {
    reservation.given([reserved(SECOND)]).when({ type: 'Release', episodeId: FIRST }).thenNothingHappened();
  });

  it('does nothing when nothing is reserved, or it was released already', () => {
    reservation.given([]).when({ type: 'Release', episodeId: FIRST }).thenNothingHappened();
    reservation.given([reserved(FIRST), released(FIRST)]).when({ type: 'Release', episodeId: FIRST }).thenNothingHappened();
  });

  it('keeps a taken-over reservation when the stale episode is released late', () => {
    reservation.given([reserved(FIRST), reserved(SECOND)]).when({ type: 'Reserve', episodeId: FIRST }).thenThrows('ACTIVE_EPISODE_EXISTS');
    reservation.given([reserved(FIRST), reserved(SECOND)]).when({ type: 'Release', episodeId: FIRST }).thenNothingHappened();
  });
});

describe('erase (GDPR: personal data outside the journal)', () => {
  const reason = 'Begäran om radering enligt GDPR art. 17';

  it('records the erasure, by whom and why, once no episode is active', () => {
    reservation
      .given([reserved(FIRST), released(FIRST)])
      .when({ type: 'Erase', reason }, { actor: { id: 'SE2321000131-A001', role: 'unit_admin', unitId: 'SE2321000131-E001' } })
      .then([{ type: 'PatientDataErased', data: { reason, by: 'SE2321000131-A001', at: NOW } }]);
  });

  it('refuses while an episode is active', () => {
    reservation.given([reserved(FIRST)]).when({ type: 'Erase', reason }).thenThrows('PATIENT_HAS_ACTIVE_EPISODE');
  });

  it('erases over a stale reservation', () => {
    reservation.given([reserved(FIRST)]).when({ type: 'Erase', reason, activeIsStale: true }).then((e) => expect(e.map((x) => x.type)).toEqual(['PatientDataErased']));
  });
});

it('names the streams episode-<ulid> and patient-<keyed hash>', () => {
  expect(episodeStreamId(FIRST)).toBe(`episode-${FIRST}`);
  expect(activeEpisodeStreamId('3f9a0c')).toBe('patient-3f9a0c');
});
