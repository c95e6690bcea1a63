// The episode decider (Emmett's shape): initialState, evolve, decide.
import { decide } from './decide';
import { evolve, initialState, type EpisodeState } from './state';
import type { EpisodeEvent } from './events';

export const episodeDecider = { decide, evolve, initialState };

export const foldEpisode = (events: readonly EpisodeEvent[], from: EpisodeState = initialState()): EpisodeState =>
  events.reduce(evolve, from);

export const episodeStreamId = (episodeId: string) => `episode-${episodeId}`;
