// One patient has at most one active Digital Artrosskola episode at a unit at a time.
// The rule spans streams, so it has its own small stream per patient and unit (named by a
// keyed hash, never the personnummer): an assignment reserves it and the end releases it,
// in the same transaction as the episode's own events where the store allows. Two
// concurrent assignments of one patient race on this stream's revision; exactly one wins.
import { z } from 'zod';
import { refuse } from '../shared/domain-error';
import type { DecisionContext } from '../episode/commands';
import type { EpisodeState } from '../episode/state';

const Id = z.string().min(1).max(200);
const At = z.iso.datetime({ offset: true });

export const EpisodeReserved = z.object({ type: z.literal('EpisodeReserved'), data: z.object({ episodeId: Id, at: At }) });
export const EpisodeReleased = z.object({ type: z.literal('EpisodeReleased'), data: z.object({ episodeId: Id, at: At }) });
/**
 * Personal data outside the journal was erased (GDPR): the patient's data key at the unit is
 * destroyed. Journal content, codes, dates and amounts stay; the erasure itself is recorded.
 */
export const PatientDataErased = z.object({
  type: z.literal('PatientDataErased'),
  data: z.object({ reason: z.string().min(1).max(500), by: Id, at: At }),
});
export const ActiveEpisodeEvent = z.discriminatedUnion('type', [EpisodeReserved, EpisodeReleased, PatientDataErased]);
export type ActiveEpisodeEvent = z.infer<typeof ActiveEpisodeEvent>;
export const ACTIVE_EPISODE_EVENT_VERSIONS: Record<ActiveEpisodeEvent['type'], number> = { EpisodeReserved: 1, EpisodeReleased: 1, PatientDataErased: 1 };

const command = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({ type: z.literal(type), data: z.object(data).strict() });

/** Reserve the patient at the unit for a new episode (at assignment, "Starta momentet"). */
export const ReserveEpisode = command('ReserveEpisode', { episodeId: Id });
/** Free the patient once the episode has ended ("Avsluta"). */
export const ReleaseEpisode = command('ReleaseEpisode', { episodeId: Id });
/** Erase the patient's personal data outside the journal at the unit. */
export const ErasePatientData = command('ErasePatientData', { reason: z.string().trim().min(1).max(500) });
export const ActiveEpisodeCommand = z.discriminatedUnion('type', [ReserveEpisode, ReleaseEpisode, ErasePatientData]);
export type ActiveEpisodeCommand = z.infer<typeof ActiveEpisodeCommand>;

/**
 * What became of the reserved episode, as its own stream tells (the application reads it):
 * `active`, `ended`, or `absent` when no episode stream exists (an assignment still in
 * flight, or one that died between its two appends on a store without multi-stream
 * transactions).
 */
export type ReservedEpisodeStatus = 'active' | 'ended' | 'absent';

/** The reserved episode's status from its folded stream. */
export const reservedEpisodeStatus = (episode: Pick<EpisodeState, 'status'>): ReservedEpisodeStatus =>
  episode.status === 'none' ? 'absent' : episode.status === 'active' ? 'active' : 'ended';

export interface ActiveEpisodeContext extends DecisionContext {
  /** The status of the episode that holds the reservation; unknown counts as active. */
  readonly reservedEpisode?: ReservedEpisodeStatus;
}

export interface ActiveEpisodeState {
  readonly revision: number;
  readonly activeEpisodeId: string | null;
  /** When the active reservation was made. */
  readonly reservedAt: string | null;
  /** Every episode this patient had at the unit, oldest first. */
  readonly episodeIds: readonly string[];
  readonly erasures: number;
}
export const initialActiveEpisodeState = (): ActiveEpisodeState => ({ revision: -1, activeEpisodeId: null, reservedAt: null, episodeIds: [], erasures: 0 });

/**
 * A reservation whose episode never came to be blocks for this long: long enough for an
 * assignment in flight to write its episode (or for its retry to finish it), short enough
 * that a patient is not kept from the school by an assignment that did not happen.
 */
export const IN_FLIGHT_MS = 60_000;

/** Does the active reservation still keep the patient from a new episode (or an erasure)? */
export function reservationBlocks(state: ActiveEpisodeState, reservedEpisode: ReservedEpisodeStatus | undefined, now: string): boolean {
  if (state.activeEpisodeId === null) return false;
  switch (reservedEpisode) {
    case 'ended':
      return false;
    case 'absent':
      return state.reservedAt === null || Date.parse(now) - Date.parse(state.reservedAt) <= IN_FLIGHT_MS;
    default:
      return true;
  }
}

export function evolveActiveEpisode(state: ActiveEpisodeState, event: ActiveEpisodeEvent): ActiveEpisodeState {
  const s = { ...state, revision: state.revision + 1 };
  switch (event.type) {
    case 'EpisodeReserved':
      return { ...s, activeEpisodeId: event.data.episodeId, reservedAt: event.data.at, episodeIds: [...s.episodeIds, event.data.episodeId] };
    case 'EpisodeReleased':
      return s.activeEpisodeId === event.data.episodeId ? { ...s, activeEpisodeId: null, reservedAt: null } : s;
    case 'PatientDataErased':
      return { ...s, erasures: s.erasures + 1 };
  }
}

export function decideActiveEpisode(command: ActiveEpisodeCommand, state: ActiveEpisodeState, ctx: ActiveEpisodeContext): ActiveEpisodeEvent[] {
  switch (command.type) {
    case 'ReserveEpisode':
      if (reservationBlocks(state, ctx.reservedEpisode, ctx.now))
        return refuse('ACTIVE_EPISODE_EXISTS', 'The patient already has an active Digital Artrosskola episode at this unit.');
      return [{ type: 'EpisodeReserved', data: { episodeId: command.data.episodeId, at: ctx.now } }];
    case 'ReleaseEpisode':
      // Only the episode that holds the reservation frees it; a late release of a
      // taken-over reservation changes nothing.
      if (state.activeEpisodeId !== command.data.episodeId) return [];
      return [{ type: 'EpisodeReleased', data: { episodeId: command.data.episodeId, at: ctx.now } }];
    case 'ErasePatientData':
      // The school cannot go on without the patient's data: refused while an episode is active.
      if (reservationBlocks(state, ctx.reservedEpisode, ctx.now))
        return refuse('PATIENT_HAS_ACTIVE_EPISODE', 'Personal data cannot be erased while the patient has an active episode at this unit.');
      return [{ type: 'PatientDataErased', data: { reason: command.data.reason, by: ctx.actor.id, at: ctx.now } }];
  }
}

export const activeEpisodeDecider = { decide: decideActiveEpisode, evolve: evolveActiveEpisode, initialState: initialActiveEpisodeState };

/** Stream id from a keyed hash of unit and personnummer, computed by the application. */
export const activeEpisodeStreamId = (patientKey: string) => `patient-${patientKey}`;
