// Episode commands on the one write path: the episode decider over the episode stream,
// loaded through the cache. The end of an episode ("Avsluta") frees the patient at the unit
// in the same transaction.
import { Inject, Injectable } from '@nestjs/common';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import type { DecisionContext, EpisodeCommand } from '../../domain/episode/commands';
import type { EpisodeEvent } from '../../domain/episode/events';
import type { EpisodeState } from '../../domain/episode/state';
import { episodeDecider, episodeStreamId } from '../../domain/episode/decider';
import {
  activeEpisodeDecider,
  activeEpisodeStreamId,
  reservedEpisodeStatus,
  type ActiveEpisodeEvent,
  type ActiveEpisodeState,
  type ReservedEpisodeStatus,
} from '../../domain/patient/active-episode';
import { notFound } from '../http/api-error';
import { toDomainEvent } from '../events/event-codec';
import type { Actor } from '../auth/actor';
import { AppConfigToken, EVENT_STORE } from '../tokens';
import type { AppConfig } from '../config';
import { CachedEpisodeLoader, EpisodeCache, type CachedEpisode } from './episode-cache';
import { DeciderCommandHandler, type StreamWrite, type WriteOptions } from '../write/decider-command-handler';
import type { FoldedStream } from '../write/folded-stream';
import { WholeStreamLoader } from '../write/stream-loader';

export type { WriteOptions } from '../write/decider-command-handler';

export interface WriteAnswer {
  readonly episodeId: string;
  readonly revision: number;
  readonly position: string;
  readonly [extra: string]: unknown;
}

/** The extra fields a write answers with, from the events it wrote. */
export function answerExtras(events: readonly EpisodeEvent[]): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const e of events) {
    if (e.type === 'AssignmentStarted') Object.assign(extras, { warnings: e.data.warnings, accessUntil: e.data.accessUntil, status: 'active' });
    if (e.type === 'FeeCharged') extras.fee = { kind: 'charged', amountSek: e.data.amountSek };
    if (e.type === 'FeeExempted') extras.fee = { kind: 'exempted', reason: e.data.reason, waivedAmountSek: e.data.waivedAmountSek };
    if (e.type === 'MessageSent') Object.assign(extras, { messageId: e.data.messageId, conversationId: e.data.conversationId });
    if (e.type === 'PlanActivated') extras.plan = { questions: e.data.questions, schedule: e.data.schedule, activatedAt: e.data.at };
    if (e.type === 'JournalObligationRaised') extras.journalObligations = [...((extras.journalObligations as string[]) ?? []), e.data.obligationId];
    if (e.type === 'EpisodeCompleted') extras.status = 'completed';
    if (e.type === 'EpisodeAbandoned') extras.status = 'abandoned';
  }
  return extras;
}

/** The answer from the records one command wrote to the episode stream. */
export function answerFrom(episodeId: string, records: readonly RecordedEvent[]): WriteAnswer {
  const last = records[records.length - 1]!;
  return {
    episodeId,
    revision: last.revision,
    position: last.position.toString(),
    ...answerExtras(records.map((r) => toDomainEvent<EpisodeEvent>(r))),
  };
}

@Injectable()
export class EpisodeCommandsService {
  readonly episodes: CachedEpisodeLoader;
  private readonly patients: WholeStreamLoader<ActiveEpisodeState, ActiveEpisodeEvent>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(AppConfigToken) config: AppConfig,
    private readonly handler: DeciderCommandHandler,
  ) {
    this.episodes = new CachedEpisodeLoader(store, new EpisodeCache(config.episodeCacheSize));
    this.patients = new WholeStreamLoader(store, activeEpisodeDecider);
  }

  /** Forget every folded episode (after an erasure: states hold decrypted fields). */
  forgetAll(): void {
    this.episodes.cache.clear();
  }

  /** Load an episode the actor may see; another unit's episode looks like a missing one. */
  async load(episodeId: string, actor: Actor): Promise<CachedEpisode> {
    const episode = await this.episodes.load(episodeStreamId(episodeId));
    visibleTo(episode, actor, episodeId);
    return episode;
  }

  execute(episodeId: string, command: EpisodeCommand, actor: Actor, options: WriteOptions = {}): Promise<WriteAnswer> {
    return this.handler.handle(
      {
        commandType: command.type,
        streamId: episodeStreamId(episodeId),
        decider: episodeDecider,
        loader: this.episodes,
        command,
        authorize: (episode) => visibleTo(episode, actor, episodeId),
        // The patient's keyed reference travels in every event's metadata: it selects the key
        // that encrypts personal fields, and lets an erasure find what it covers.
        metadata: (episode) => (episode.patientRef ? { patientRef: episode.patientRef } : {}),
        alongside: (episode, _events, after, context) => this.releaseWhenEnded(episode, after, episodeId, context),
        answer: ({ result, events }) => ({ episodeId, revision: result.nextExpectedRevision, position: result.lastPosition.toString(), ...answerExtras(events) }),
        unchanged: (episode) => ({ episodeId, revision: episode.revision, position: episode.lastPosition.toString(), unchanged: true }),
        replay: (prior) => answerFrom(episodeId, prior),
      },
      actor,
      options,
    );
  }

  /** What became of the episode holding a patient's reservation, from its own stream. */
  async reservedStatus(patient: FoldedStream<ActiveEpisodeState>): Promise<ReservedEpisodeStatus | undefined> {
    const reserved = patient.state.activeEpisodeId;
    if (reserved === null) return undefined;
    return reservedEpisodeStatus((await this.episodes.load(episodeStreamId(reserved))).state);
  }

  /** "Avsluta": the end frees the patient for a new episode at the unit. */
  private async releaseWhenEnded(episode: FoldedStream<EpisodeState>, after: EpisodeState, episodeId: string, context: DecisionContext): Promise<StreamWrite[]> {
    if (episode.state.status !== 'active' || after.status === 'active' || !episode.patientRef) return [];
    const patient = await this.patients.load(activeEpisodeStreamId(episode.patientRef));
    const events = activeEpisodeDecider.decide({ type: 'ReleaseEpisode', data: { episodeId } }, patient.state, context);
    return events.length === 0 ? [] : [{ streamId: patient.streamId, events, expectedRevision: patient.revision }];
  }
}

function visibleTo(episode: FoldedStream<EpisodeState>, actor: Actor, episodeId: string): void {
  const { state } = episode;
  if (state.status === 'none') throw notFound('The episode');
  if (actor.unitId !== undefined && state.unitId !== actor.unitId) throw notFound('The episode');
  if (actor.episodeId !== undefined && actor.episodeId !== episodeId) throw notFound('The episode');
}
