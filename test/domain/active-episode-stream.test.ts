// The patient's stream (patient-<keyed hash>) beyond its commands: the state its events fold
// to, which the write path reads to decide a reservation or an erasure, and the messages
// its refusals give the client.
import { activeEpisodeSpec, DEFAULT_NOW } from './decider-specification';
import { evolveActiveEpisode, initialActiveEpisodeState, IN_FLIGHT_MS, reservationBlocks, type ActiveEpisodeEvent } from '../../src/domain/patient/active-episode';

const FIRST = '01KAWZ3Q5V8J2M6N4P7R9S1T3X';
const SECOND = '01KAX0A1B2C3D4E5F6G7H8J9KM';
const AT = '2026-11-22T08:00:00.000Z';
const LATER = '2026-11-22T08:30:00.000Z';
const reserved = (episodeId: string, at = AT): ActiveEpisodeEvent => ({ type: 'EpisodeReserved', data: { episodeId, at } });
const released = (episodeId: string, at = LATER): ActiveEpisodeEvent => ({ type: 'EpisodeReleased', data: { episodeId, at } });
const erased: ActiveEpisodeEvent = { type: 'PatientDataErased', data: { reason: 'Begäran enligt GDPR art. 17', by: 'SE2321000131-A001', at: LATER } };
const fold = (events: ActiveEpisodeEvent[]) => events.reduce(evolveActiveEpisode, initialActiveEpisodeState());

describe('the patient\'s stream, folded', () => {
  it('starts with nothing reserved, at revision -1', () => {
    expect(initialActiveEpisodeState()).toEqual({ revision: -1, activeEpisodeId: null, reservedAt: null, episodeIds: [], erasures: 0 });
  });

  it('holds the reserved episode and when it was reserved, and remembers every episode', () => {
    expect(fold([reserved(FIRST)])).toEqual({ revision: 0, activeEpisodeId: FIRST, reservedAt: AT, episodeIds: [FIRST], erasures: 0 });
    expect(fold([reserved(FIRST), released(FIRST), reserved(SECOND, LATER)])).toEqual({
      revision: 2,
      activeEpisodeId: SECOND,
      reservedAt: LATER,
      episodeIds: [FIRST, SECOND],
      erasures: 0,
    });
  });

  it('frees the reservation, and its time, on the release of the episode that holds it', () => {
    expect(fold([reserved(FIRST), released(FIRST)])).toEqual({ revision: 1, activeEpisodeId: null, reservedAt: null, episodeIds: [FIRST], erasures: 0 });
  });

  it('keeps a taken-over reservation on a late release of the earlier episode', () => {
    expect(fold([reserved(FIRST), reserved(SECOND, LATER), released(FIRST)])).toEqual({
      revision: 2,
      activeEpisodeId: SECOND,
      reservedAt: LATER,
      episodeIds: [FIRST, SECOND],
      erasures: 0,
    });
  });

  it('counts the erasures, leaving the reservation as it is', () => {
    expect(fold([reserved(FIRST), released(FIRST), erased, erased])).toMatchObject({ revision: 3, activeEpisodeId: null, erasures: 2 });
    expect(fold([reserved(FIRST), erased])).toMatchObject({ activeEpisodeId: FIRST, reservedAt: AT, erasures: 1 });
  });

  it('stops an absent episode\'s reservation from blocking exactly when the in-flight window has passed', () => {
    const state = fold([reserved(FIRST, DEFAULT_NOW)]);
    const after = (ms: number) => new Date(Date.parse(DEFAULT_NOW) + ms).toISOString();
    expect(reservationBlocks(state, 'absent', after(0))).toBe(true);
    expect(reservationBlocks(state, 'absent', after(IN_FLIGHT_MS - 1))).toBe(true);
    expect(reservationBlocks(state, 'absent', after(IN_FLIGHT_MS + 1))).toBe(false);
    // A reservation freed and made again starts its window again.
    const again = fold([reserved(FIRST, AT), released(FIRST), reserved(SECOND, DEFAULT_NOW)]);
    expect(reservationBlocks(again, 'absent', after(IN_FLIGHT_MS - 1))).toBe(true);
  });
});

describe('the stream\'s refusals', () => {
  const patient = activeEpisodeSpec();

  it('tells why a second episode is refused', () => {
    const error = patient.given([reserved(FIRST)]).when({ type: 'ReserveEpisode', data: { episodeId: SECOND } }).thenThrows('ACTIVE_EPISODE_EXISTS', 'rule');
    expect(error.message).toBe('The patient already has an active Digital Artrosskola episode at this unit.');
    expect(error.details).toEqual([]);
  });

  it('tells why an erasure is refused', () => {
    const error = patient.given([reserved(FIRST)]).when({ type: 'ErasePatientData', data: { reason: 'GDPR' } }).thenThrows('PATIENT_HAS_ACTIVE_EPISODE', 'rule');
    expect(error.message).toBe('Personal data cannot be erased while the patient has an active episode at this unit.');
    expect(error.details).toEqual([]);
  });
});
