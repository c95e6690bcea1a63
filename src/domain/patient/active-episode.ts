// One patient has at most one active Digital Artrosskola episode at a unit at a time.
// The rule spans streams, so it has its own small stream per patient and unit (named by a
// keyed hash, never the personnummer): an assignment first reserves it, with optimistic
// concurrency, and the end releases it. Two concurrent assignments of one patient race on
// this stream's revision, and exactly one wins.
import { z } from 'zod';
import { refuse } from '../shared/domain-error';

const Id = z.string().min(1).max(200);
export const EpisodeReserved = z.object({ type: z.literal('EpisodeReserved'), data: z.object({ episodeId: Id, at: z.iso.datetime({ offset: true }) }) });
export const EpisodeReleased = z.object({ type: z.literal('EpisodeReleased'), data: z.object({ episodeId: Id, at: z.iso.datetime({ offset: true }) }) });
/**
 * Personal data outside the journal was erased (GDPR): the patient's data key at the unit is
 * destroyed. Journal content, codes, dates and amounts stay; the erasure itself is recorded.
 */
export const PatientDataErased = z.object({
  type: z.literal('PatientDataErased'),
  data: z.object({ reason: z.string().min(1).max(500), by: Id, at: z.iso.datetime({ offset: true }) }),
});
export const ActiveEpisodeEvent = z.discriminatedUnion('type', [EpisodeReserved, EpisodeReleased, PatientDataErased]);
export type ActiveEpisodeEvent = z.infer<typeof ActiveEpisodeEvent>;
export const ACTIVE_EPISODE_EVENT_VERSIONS: Record<ActiveEpisodeEvent['type'], number> = { EpisodeReserved: 1, EpisodeReleased: 1, PatientDataErased: 1 };

export interface ActiveEpisodeState {
  readonly revision: number;
  readonly activeEpisodeId: string | null;
  /** Every episode this patient had at the unit, oldest first. */
  readonly episodeIds: readonly string[];
  readonly erasures: number;
}
export const initialActiveEpisodeState = (): ActiveEpisodeState => ({ revision: -1, activeEpisodeId: null, episodeIds: [], erasures: 0 });

export function evolveActiveEpisode(state: ActiveEpisodeState, event: ActiveEpisodeEvent): ActiveEpisodeState {
  const s = { ...state, revision: state.revision + 1 };
  switch (event.type) {
    case 'EpisodeReserved':
      return { ...s, activeEpisodeId: event.data.episodeId, episodeIds: [...s.episodeIds, event.data.episodeId] };
    case 'EpisodeReleased':
      return { ...s, activeEpisodeId: s.activeEpisodeId === event.data.episodeId ? null : s.activeEpisodeId };
    case 'PatientDataErased':
      return { ...s, erasures: s.erasures + 1 };
  }
}

/**
 * Reserve the patient at the unit for a new episode. `isStale` lets the application say the
 * reserved episode never came to be (a crash between reservation and assignment).
 */
export function reserve(state: ActiveEpisodeState, episodeId: string, now: string, isStale = false): ActiveEpisodeEvent[] {
  if (state.activeEpisodeId !== null && !isStale)
    return refuse('ACTIVE_EPISODE_EXISTS', 'The patient already has an active Digital Artrosskola episode at this unit.');
  return [{ type: 'EpisodeReserved', data: { episodeId, at: now } }];
}

export function release(state: ActiveEpisodeState, episodeId: string, now: string): ActiveEpisodeEvent[] {
  if (state.activeEpisodeId !== episodeId) return [];
  return [{ type: 'EpisodeReleased', data: { episodeId, at: now } }];
}

/**
 * Erase the patient's personal data at the unit; refused while an episode is active, since
 * the school cannot go on without it. `activeIsStale` as for reserve.
 */
export function erase(state: ActiveEpisodeState, reason: string, by: string, now: string, activeIsStale = false): ActiveEpisodeEvent[] {
  if (state.activeEpisodeId !== null && !activeIsStale)
    return refuse('PATIENT_HAS_ACTIVE_EPISODE', 'Personal data cannot be erased while the patient has an active episode at this unit.');
  return [{ type: 'PatientDataErased', data: { reason, by, at: now } }];
}

/** Stream id from a keyed hash of unit and personnummer, computed by the application. */
export const activeEpisodeStreamId = (patientKey: string) => `patient-${patientKey}`;
