// The write path: load the stream, fold, decide, append with the expected revision.
// Retries internal concurrency conflicts unless the client pinned a revision (If-Match);
// answers a retried Idempotency-Key with the first answer, writing nothing.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AppendResult, EventMetadata, EventStore, RecordedEvent } from '../../event-store/event-store';
import { WrongExpectedRevisionError } from '../../event-store/event-store';
import type { EpisodeCommand, DecisionContext } from '../../domain/episode/commands';
import type { EpisodeEvent } from '../../domain/episode/events';
import { decide } from '../../domain/episode/decide';
import { evolve, initialState, type EpisodeState } from '../../domain/episode/state';
import { episodeStreamId } from '../../domain/episode/decider';
import { ApiError, notFound } from '../http/api-error';
import { toDomainEvent, toNewEvents } from '../events/event-codec';
import type { Actor } from '../auth/actor';
import { CLOCK, EVENT_STORE, type Clock } from '../tokens';
import { AppConfigToken } from '../tokens';
import { EpisodeCache, extendEpisode, keyedBy, type CachedEpisode } from './episode-cache';
import type { AppConfig } from '../config';
import { backoffBeforeRetry } from './retry-backoff';

export interface WriteOptions {
  /** Revision the client last saw (If-Match); a mismatch is 412. */
  readonly ifMatch?: number;
  readonly idempotencyKey?: string;
  /** Hash of method, path and body: a key reused for another request is refused. */
  readonly requestHash?: string;
  readonly correlationId?: string;
}

export interface WriteAnswer {
  readonly episodeId: string;
  readonly revision: number;
  readonly position: string;
  readonly [extra: string]: unknown;
}

export interface LoadedEpisode {
  readonly state: EpisodeState;
  readonly episode: CachedEpisode;
  /** The cache's generation when the load began (see EpisodeCache.set). */
  readonly generation: number;
}

export const foldRecords = (records: readonly RecordedEvent[]): EpisodeState =>
  records.reduce((s, r) => evolve(s, toDomainEvent<EpisodeEvent>(r)), initialState());

export function metadataFor(actor: Actor, options: WriteOptions, extra: Record<string, unknown> = {}): EventMetadata {
  const commandId = randomUUID();
  return {
    actorId: actor.id,
    ...(actor.name ? { actorName: actor.name } : {}),
    role: actor.role,
    ...(actor.unitId ? { unitId: actor.unitId } : {}),
    commandId,
    correlationId: options.correlationId ?? commandId,
    causationId: commandId,
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey, requestHash: options.requestHash } : {}),
    ...extra,
  };
}

/** Events this actor already wrote with this key, or null. A key reused for another request is a 422. */
export function priorWrite(records: readonly RecordedEvent[], actor: Actor, options: WriteOptions): readonly RecordedEvent[] | null {
  if (!options.idempotencyKey) return null;
  const prior = records.filter((r) => r.metadata.idempotencyKey === options.idempotencyKey && r.metadata.actorId === actor.id);
  if (prior.length === 0) return null;
  // Only the first command with the key counts.
  const commandId = prior[0]!.metadata.commandId;
  return checkedPrior(
    prior.filter((r) => r.metadata.commandId === commandId),
    options,
  );
}

/** The first command's records for a key, refused (422) when the retry is another request. */
function checkedPrior(prior: readonly RecordedEvent[], options: WriteOptions): readonly RecordedEvent[] {
  if (options.requestHash && prior[0]!.metadata.requestHash !== options.requestHash)
    throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request.');
  return prior;
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
  private readonly cache: EpisodeCache;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AppConfigToken) private readonly config: AppConfig,
  ) {
    this.cache = new EpisodeCache(config.episodeCacheSize);
  }

  /** Forget every folded episode (after an erasure: states hold decrypted fields). */
  forgetAll(): void {
    this.cache.clear();
  }

  /**
   * Load an episode the actor may see; another unit's episode looks like a missing one.
   * Reads only the events after the cached revision (all of them on a cache miss).
   */
  async load(episodeId: string, actor: Actor): Promise<LoadedEpisode> {
    const generation = this.cache.generation;
    const now = Date.now();
    const stream = episodeStreamId(episodeId);
    const cached = this.cache.get(episodeId, now);
    let episode = cached && extendEpisode(cached, await this.store.readStream(stream, { from: cached.state.revision + 1 }), now);
    // No entry, or the store does not follow on from it (e.g. restored): fold the whole stream.
    if (!episode) episode = extendEpisode(undefined, await this.store.readStream(stream), now);
    if (!episode || episode.state.status === 'none') throw notFound('The episode');
    this.cache.set(episodeId, episode, generation);
    const { state } = episode;
    if (actor.unitId !== undefined && state.unitId !== actor.unitId) throw notFound('The episode');
    if (actor.episodeId !== undefined && actor.episodeId !== episodeId) throw notFound('The episode');
    return { state, episode, generation };
  }

  async execute(
    episodeId: string,
    command: EpisodeCommand,
    actor: Actor,
    options: WriteOptions = {},
    after?: (state: EpisodeState, written: readonly EpisodeEvent[]) => Promise<void>,
  ): Promise<WriteAnswer> {
    for (let attempt = 0; ; attempt++) {
      const { state, episode, generation } = await this.load(episodeId, actor);
      const keyed = options.idempotencyKey ? episode.keyed.get(keyedBy(actor.id, options.idempotencyKey)) : undefined;
      if (keyed) return answerFrom(episodeId, checkedPrior(keyed, options));
      if (options.ifMatch !== undefined && options.ifMatch !== state.revision)
        throw new ApiError(412, 'REVISION_MISMATCH', `The episode is at revision ${state.revision}, not ${options.ifMatch}.`);

      const ctx: DecisionContext = { now: this.clock.now(), actor: { id: actor.id, role: actor.role, unitId: actor.unitId } };
      const events = decide(command, state, ctx);
      if (events.length === 0) return { episodeId, revision: state.revision, position: episode.lastPosition.toString(), unchanged: true };
      // The patient's keyed reference travels in every event's metadata: it selects the key
      // that encrypts personal fields, and lets an erasure find what it covers.
      const patientRef = episode.patientRef;
      const metadata = metadataFor(actor, options, typeof patientRef === 'string' ? { patientRef } : {});
      let result: AppendResult;
      try {
        result = await this.store.appendToStream(episodeStreamId(episodeId), toNewEvents(events, metadata), {
          expectedRevision: state.revision,
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        this.cache.delete(episodeId); // the next load reads what won the race, or refolds
        if (options.ifMatch !== undefined)
          throw new ApiError(412, 'REVISION_MISMATCH', 'The episode changed since the revision named in If-Match.');
        if (attempt >= this.config.writeRetries) throw error;
        await backoffBeforeRetry(attempt + 1);
        continue;
      }
      const next = extendEpisode(episode, result.records, Date.now());
      if (next) this.cache.set(episodeId, next, generation);
      // Outside the retry: the command is written, and must not be decided and appended again.
      if (after) await after(events.reduce(evolve, state), events);
      return {
        episodeId,
        revision: result.nextExpectedRevision,
        position: result.lastPosition.toString(),
        ...answerExtras(events),
      };
    }
  }
}
