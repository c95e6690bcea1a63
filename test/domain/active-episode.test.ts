// One active Digital Artrosskola episode per patient and unit, kept in its own stream
// patient-<keyed hash>: reserved at assignment, released at the end ("Avsluta"), and the
// patient's personal data erased only when no episode is active.
import { activeEpisodeSpec, DEFAULT_NOW } from './decider-specification';
import {
  activeEpisodeStreamId,
  ActiveEpisodeCommand,
  initialActiveEpisodeState,
  IN_FLIGHT_MS,
  reservationBlocks,
  reservedEpisodeStatus,
  type ActiveEpisodeEvent,
} from '../../src/domain/patient/active-episode';
import { episodeStreamId } from '../../src/domain/episode/decider';

const patient = activeEpisodeSpec();
const FIRST = '01KAWZ3Q5V8J2M6N4P7R9S1T3X';
const SECOND = '01KAX0A1B2C3D4E5F6G7H8J9KM';
const EARLIER = '2026-11-22T08:00:00.000Z';
const reserved = (episodeId: string, at = EARLIER): ActiveEpisodeEvent => ({ type: 'EpisodeReserved', data: { episodeId, at } });
const released = (episodeId: string, at = EARLIER): ActiveEpisodeEvent => ({ type: 'EpisodeReleased', data: { episodeId, at } });
const reserve = (episodeId: string): ActiveEpisodeCommand => ({ type: 'ReserveEpisode', data: { episodeId } });
const release = (episodeId: string): ActiveEpisodeCommand => ({ type: 'ReleaseEpisode', data: { episodeId } });
const erase = (reason: string): ActiveEpisodeCommand => ({ type: 'ErasePatientData', data: { reason } });
/** `ms` after DEFAULT_NOW's reservation time. */
const later = (ms: number) => new Date(Date.parse(DEFAULT_NOW) + ms).toISOString();

describe('ReserveEpisode (at "Starta momentet")', () => {
  it('reserves the patient at the unit for a new episode, at the decision time', () => {
    patient.given([]).when(reserve(FIRST)).then([{ type: 'EpisodeReserved', data: { episodeId: FIRST, at: DEFAULT_NOW } }]);
  });

  it('refuses a second episode while the first is active', () => {
    patient.given([reserved(FIRST)]).when(reserve(SECOND), { reservedEpisode: 'active' }).thenThrows('ACTIVE_EPISODE_EXISTS', 'rule');
  });

  it('refuses when the reserved episode is not known (unknown counts as active)', () => {
    patient.given([reserved(FIRST)]).when(reserve(SECOND)).thenThrows('ACTIVE_EPISODE_EXISTS');
  });

  it('takes over the reservation of an episode that has ended but was never released', () => {
    patient.given([reserved(FIRST)]).when(reserve(SECOND), { reservedEpisode: 'ended' }).then([{ type: 'EpisodeReserved', data: { episodeId: SECOND, at: DEFAULT_NOW } }]);
  });

  it('keeps blocking while an assignment whose episode is not yet written may still be in flight', () => {
    const at = DEFAULT_NOW;
    patient.given([reserved(FIRST, at)]).when(reserve(SECOND), { reservedEpisode: 'absent', now: at }).thenThrows('ACTIVE_EPISODE_EXISTS');
    patient.given([reserved(FIRST, at)]).when(reserve(SECOND), { reservedEpisode: 'absent', now: later(IN_FLIGHT_MS) }).thenThrows('ACTIVE_EPISODE_EXISTS');
  });

  it('stops blocking once an assignment that never wrote its episode is older than the in-flight window', () => {
    patient
      .given([reserved(FIRST, DEFAULT_NOW)])
      .when(reserve(SECOND), { reservedEpisode: 'absent', now: later(IN_FLIGHT_MS + 1) })
      .then([{ type: 'EpisodeReserved', data: { episodeId: SECOND, at: later(IN_FLIGHT_MS + 1) } }]);
  });

  it('reserves again after the previous episode was released', () => {
    patient.given([reserved(FIRST), released(FIRST)]).when(reserve(SECOND), { reservedEpisode: 'active' }).then((events) => expect(events).toHaveLength(1));
  });
});

describe('ReleaseEpisode (at "Avsluta")', () => {
  it('releases the reservation when its episode ends', () => {
    patient.given([reserved(FIRST)]).when(release(FIRST)).then([{ type: 'EpisodeReleased', data: { episodeId: FIRST, at: DEFAULT_NOW } }]);
  });

  it('does nothing for an episode that does not hold the reservation', () => {
    patient.given([reserved(SECOND)]).when(release(FIRST)).thenNothingHappened();
  });

  it('does nothing when nothing is reserved, or it was released already', () => {
    patient.given([]).when(release(FIRST)).thenNothingHappened();
    patient.given([reserved(FIRST), released(FIRST)]).when(release(FIRST)).thenNothingHappened();
  });

  it('keeps a taken-over reservation when the stale episode is released late', () => {
    patient.given([reserved(FIRST), reserved(SECOND)]).when(release(FIRST)).thenNothingHappened();
    patient.given([reserved(FIRST), reserved(SECOND), released(FIRST)]).when(reserve(FIRST), { reservedEpisode: 'active' }).thenThrows('ACTIVE_EPISODE_EXISTS');
  });
});

describe('ErasePatientData (GDPR: personal data outside the journal)', () => {
  const reason = 'Begäran om radering enligt GDPR art. 17';
  const admin = { id: 'SE2321000131-A001', role: 'unit_admin', unitId: 'SE2321000131-E001' } as const;

  it('records the erasure, by whom and why, once no episode is active', () => {
    patient.given([reserved(FIRST), released(FIRST)]).when(erase(reason), { actor: admin }).then([{ type: 'PatientDataErased', data: { reason, by: admin.id, at: DEFAULT_NOW } }]);
  });

  it('refuses while an episode is active', () => {
    patient.given([reserved(FIRST)]).when(erase(reason), { reservedEpisode: 'active' }).thenThrows('PATIENT_HAS_ACTIVE_EPISODE', 'rule');
  });

  it('erases over the reservation of an ended episode, or of one that never came to be', () => {
    patient.given([reserved(FIRST)]).when(erase(reason), { reservedEpisode: 'ended' }).then((e) => expect(e.map((x) => x.type)).toEqual(['PatientDataErased']));
    patient
      .given([reserved(FIRST, DEFAULT_NOW)])
      .when(erase(reason), { reservedEpisode: 'absent', now: later(IN_FLIGHT_MS + 1) })
      .then((e) => expect(e.map((x) => x.type)).toEqual(['PatientDataErased']));
    patient.given([reserved(FIRST, DEFAULT_NOW)]).when(erase(reason), { reservedEpisode: 'absent' }).thenThrows('PATIENT_HAS_ACTIVE_EPISODE');
  });

  it('may erase again (a new key, new data since)', () => {
    patient.given([reserved(FIRST), released(FIRST), { type: 'PatientDataErased', data: { reason, by: admin.id, at: EARLIER } }]).when(erase(reason)).then((e) => expect(e).toHaveLength(1));
  });
});

describe('the rule of when a reservation blocks', () => {
  const state = (at: string | null) => ({ ...initialActiveEpisodeState(), revision: 0, activeEpisodeId: FIRST, reservedAt: at, episodeIds: [FIRST] });

  it('never blocks without a reservation, whatever is said of the episode', () => {
    for (const status of ['active', 'ended', 'absent', undefined] as const) expect(reservationBlocks(initialActiveEpisodeState(), status, DEFAULT_NOW)).toBe(false);
  });

  it('blocks for an active or unknown episode, not for an ended one; an absent one until the window has passed', () => {
    expect(reservationBlocks(state(DEFAULT_NOW), 'active', later(10 * IN_FLIGHT_MS))).toBe(true);
    expect(reservationBlocks(state(DEFAULT_NOW), undefined, later(10 * IN_FLIGHT_MS))).toBe(true);
    expect(reservationBlocks(state(DEFAULT_NOW), 'ended', DEFAULT_NOW)).toBe(false);
    expect(reservationBlocks(state(DEFAULT_NOW), 'absent', later(IN_FLIGHT_MS))).toBe(true);
    expect(reservationBlocks(state(DEFAULT_NOW), 'absent', later(IN_FLIGHT_MS + 1))).toBe(false);
    expect(reservationBlocks(state(null), 'absent', later(10 * IN_FLIGHT_MS))).toBe(true);
  });

  it("reads the reserved episode's status from its folded state", () => {
    expect(reservedEpisodeStatus({ status: 'none' })).toBe('absent');
    expect(reservedEpisodeStatus({ status: 'active' })).toBe('active');
    expect(reservedEpisodeStatus({ status: 'completed' })).toBe('ended');
    expect(reservedEpisodeStatus({ status: 'abandoned' })).toBe('ended');
  });
});

it('refuses malformed commands at the schema', () => {
  expect(ActiveEpisodeCommand.safeParse({ type: 'ReserveEpisode', data: { episodeId: '' } }).success).toBe(false);
  expect(ActiveEpisodeCommand.safeParse({ type: 'ErasePatientData', data: { reason: '  ' } }).success).toBe(false);
  expect(ActiveEpisodeCommand.safeParse({ type: 'ReleaseEpisode', data: { episodeId: FIRST, extra: 1 } }).success).toBe(false);
});

it('names the streams episode-<ulid> and patient-<keyed hash>', () => {
  expect(episodeStreamId(FIRST)).toBe(`episode-${FIRST}`);
  expect(activeEpisodeStreamId('3f9a0c')).toBe('patient-3f9a0c');
});
