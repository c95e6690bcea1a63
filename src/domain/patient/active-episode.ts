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
export const ActiveEpisodeEvent = z.discriminatedUnion('type', [EpisodeReserved, EpisodeReleased]);
export type ActiveEpisodeEvent = z.infer<typeof ActiveEpisodeEvent>;
export const ACTIVE_EPISODE_EVENT_VERSIONS: Record<ActiveEpisodeEvent['type'], number> = { EpisodeReserved: 1, EpisodeReleased: 1 };

export interface ActiveEpisodeState {
  readonly revision: number;
  readonly activeEpisodeId: string | null;
}
export const initialActiveEpisodeState = (): ActiveEpisodeState => ({ revision: -1, activeEpisodeId: null });

export function evolveActiveEpisode(state: ActiveEpisodeState, event: ActiveEpisodeEvent): ActiveEpisodeState {
  const revision = state.revision + 1;
  if (event.type === 'EpisodeReserved') return { revision, activeEpisodeId: event.data.episodeId };
  return { revision, activeEpisodeId: state.activeEpisodeId === event.data.episodeId ? null : state.activeEpisodeId };
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

/** Stream id from a keyed hash of unit and personnummer, computed by the application. */
export const activeEpisodeStreamId = (patientKey: string) => `patient-${patientKey}`;
