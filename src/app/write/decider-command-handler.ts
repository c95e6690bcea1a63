// The one write path (in the manner of Emmett's DeciderCommandHandler): load the stream,
// fold, decide with { now, actor, ... }, append with the expected revision; the same
// Idempotency-Key answers the first answer and writes nothing; If-Match pins the revision;
// a lost race is retried (bounded, with backoff). Streams that must change with it (the
// patient's reservation beside its episode) commit in the same transaction where the
// store has multi-stream transactions, and one after another where it has not.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AppendResult, EventMetadata, EventStore, ExpectedRevision, RecordedEvent, StreamAppend } from '../../event-store/event-store';
import { WrongExpectedRevisionError } from '../../event-store/event-store';
import type { DecisionContext } from '../../domain/episode/commands';
import { ApiError } from '../http/api-error';
import { toNewEvents, type DomainEventShape } from '../events/event-codec';
import type { Actor } from '../auth/actor';
import { AppConfigToken, CLOCK, EVENT_STORE, type Clock } from '../tokens';
import type { AppConfig } from '../config';
import { keyedBy, type FoldedStream } from './folded-stream';
import type { StreamLoader } from './stream-loader';
import { backoffBeforeRetry } from './retry-backoff';
import { faultPoint } from './fault-points';
import { observeCommand, type CommandSpan } from '../observability/command-telemetry';

export interface Decider<Command, Event, State, Context> {
  decide(command: Command, state: State, context: Context): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface WriteOptions {
  /** Revision the client last saw (If-Match); a mismatch is 412. */
  readonly ifMatch?: number;
  readonly idempotencyKey?: string;
  /** Hash of method, path and body: a key reused for another request is refused. */
  readonly requestHash?: string;
  readonly correlationId?: string;
}

/** A write to another stream that commits together with the command's own. */
export interface StreamWrite {
  readonly streamId: string;
  readonly events: readonly DomainEventShape[];
  readonly expectedRevision: ExpectedRevision;
  /** This stream remembers the Idempotency-Key too (the command's own stream always does). */
  readonly keyed?: boolean;
  /** Told of the outcome, as the command's own loader is. */
  readonly loader?: StreamLoader<unknown>;
  readonly before?: FoldedStream<unknown>;
}

export interface Written<State, Event> {
  readonly loaded: FoldedStream<State>;
  readonly events: readonly Event[];
  /** The state after the events. */
  readonly state: State;
  readonly result: AppendResult;
  /** One result per write of `alongside`, in order. */
  readonly alongside: readonly AppendResult[];
  readonly metadata: EventMetadata;
}

export interface CommandSpec<Command, Event extends DomainEventShape, State, Context extends DecisionContext, Answer> {
  /** The command's name, for metadata and fault points (e.g. "EndEpisode"). */
  readonly commandType: string;
  readonly streamId: string;
  readonly decider: Decider<Command, Event, State, Context>;
  readonly loader: StreamLoader<State>;
  readonly command: Command;
  /** Throws when the actor may not see the stream (another unit's episode looks missing). */
  readonly authorize?: (loaded: FoldedStream<State>) => void;
  /** The context beyond now and actor: unit settings, facts read from other streams. */
  readonly context?: (loaded: FoldedStream<State>, base: DecisionContext) => Context | Promise<Context>;
  /** Extra metadata on every event written (e.g. the patient's keyed reference). */
  readonly metadata?: (loaded: FoldedStream<State>) => Record<string, unknown>;
  /** Writes to other streams that must commit with these events. */
  readonly alongside?: (loaded: FoldedStream<State>, events: readonly Event[], state: State, context: Context) => Promise<readonly StreamWrite[]>;
  /** The answer, after the commit and outside the retry: the command is written and is not decided again. */
  readonly answer: (written: Written<State, Event>) => Answer | Promise<Answer>;
  /** Nothing to do: the command changes nothing. */
  readonly unchanged: (loaded: FoldedStream<State>) => Answer;
  /** A retry of a keyed command: the first answer (finishing, where needed, what it left undone). */
  readonly replay: (prior: readonly RecordedEvent[], loaded: FoldedStream<State>, actor: Actor) => Answer | Promise<Answer>;
}

export function metadataFor(actor: Actor, options: WriteOptions, commandType: string, extra: Record<string, unknown> = {}): EventMetadata {
  const commandId = randomUUID();
  return {
    actorId: actor.id,
    ...(actor.name ? { actorName: actor.name } : {}),
    role: actor.role,
    ...(actor.unitId ? { unitId: actor.unitId } : {}),
    commandId,
    commandType,
    correlationId: options.correlationId ?? commandId,
    causationId: commandId,
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey, requestHash: options.requestHash } : {}),
    ...extra,
  };
}

/** The first command's records for this actor and key, refused (422) when the retry is another request. */
export function priorWrite(stream: FoldedStream<unknown>, actor: Actor, options: WriteOptions): readonly RecordedEvent[] | undefined {
  if (!options.idempotencyKey) return undefined;
  const prior = stream.keyed.get(keyedBy(actor.id, options.idempotencyKey));
  if (prior && options.requestHash && prior[0]!.metadata.requestHash !== options.requestHash)
    throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request.');
  return prior;
}

const unkeyed = (metadata: EventMetadata): EventMetadata => {
  const { idempotencyKey: _k, requestHash: _h, ...rest } = metadata;
  return rest;
};

@Injectable()
export class DeciderCommandHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AppConfigToken) private readonly config: AppConfig,
  ) {}

  /** Whether writes to several streams commit in one transaction on this store. */
  get atomic(): boolean {
    return typeof this.store.appendToStreams === 'function';
  }

  handle<Command, Event extends DomainEventShape, State, Context extends DecisionContext, Answer>(
    spec: CommandSpec<Command, Event, State, Context, Answer>,
    actor: Actor,
    options: WriteOptions = {},
  ): Promise<Answer> {
    // One span and one duration per command, whatever its outcome (telemetry off: no-ops).
    return observeCommand({ commandType: spec.commandType, stream: spec.streamId, correlationId: options.correlationId }, (span) =>
      this.run(spec, actor, options, span),
    );
  }

  private async run<Command, Event extends DomainEventShape, State, Context extends DecisionContext, Answer>(
    spec: CommandSpec<Command, Event, State, Context, Answer>,
    actor: Actor,
    options: WriteOptions,
    span: CommandSpan,
  ): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) span.retry();
      const loaded = await span.load(() => spec.loader.load(spec.streamId));
      spec.authorize?.(loaded);
      const prior = priorWrite(loaded, actor, options);
      if (prior) {
        span.outcome('idempotent-replay');
        return spec.replay(prior, loaded, actor);
      }
      if (options.ifMatch !== undefined && options.ifMatch !== loaded.revision)
        throw new ApiError(412, 'REVISION_MISMATCH', `The stream is at revision ${loaded.revision}, not ${options.ifMatch}.`);

      const base: DecisionContext = { now: this.clock.now(), actor: { id: actor.id, role: actor.role, unitId: actor.unitId } };
      const context = spec.context ? await spec.context(loaded, base) : (base as Context);
      const events = spec.decider.decide(spec.command, loaded.state, context);
      if (events.length === 0) {
        span.outcome('unchanged');
        return spec.unchanged(loaded);
      }
      const state = events.reduce((s, e) => spec.decider.evolve(s, e), loaded.state);
      const alongside = spec.alongside ? await spec.alongside(loaded, events, state, context) : [];
      const metadata = metadataFor(actor, options, spec.commandType, spec.metadata?.(loaded) ?? {});

      let results: AppendResult[];
      try {
        results = await this.append(spec, loaded, events, alongside, metadata);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        span.conflict();
        spec.loader.conflicted?.(spec.streamId);
        for (const w of alongside) w.loader?.conflicted?.(w.streamId);
        if (options.ifMatch !== undefined) throw new ApiError(412, 'REVISION_MISMATCH', 'The stream changed since the revision named in If-Match.');
        if (attempt >= this.config.writeRetries) throw error;
        await backoffBeforeRetry(attempt + 1);
        continue;
      }
      const [result, ...others] = results as [AppendResult, ...AppendResult[]];
      spec.loader.appended?.(loaded, result.records);
      alongside.forEach((w, i) => w.before && w.loader?.appended?.(w.before, others[i]!.records));
      const written: Written<State, Event> = { loaded, events, state, result, alongside: others, metadata };
      faultPoint('after-append', spec.commandType);
      return spec.answer(written);
    }
  }

  /** All streams in one transaction, or (without one) the command's own stream first. */
  private async append<State>(
    spec: { streamId: string; commandType: string },
    loaded: FoldedStream<State>,
    events: readonly DomainEventShape[],
    alongside: readonly StreamWrite[],
    metadata: EventMetadata,
  ): Promise<AppendResult[]> {
    const own: StreamAppend = {
      streamId: spec.streamId,
      events: toNewEvents(events, metadata),
      expectedRevision: loaded.revision < 0 ? 'no_stream' : loaded.revision,
    };
    const others: StreamAppend[] = alongside.map((w) => ({
      streamId: w.streamId,
      events: toNewEvents(w.events, w.keyed ? metadata : unkeyed(metadata)),
      expectedRevision: w.expectedRevision,
    }));
    if (others.length === 0) return [await this.store.appendToStream(own.streamId, own.events, own)];
    if (this.store.appendToStreams) return this.store.appendToStreams([own, ...others]);
    // No multi-stream transaction (EventStoreDB): the first write carries what a retry with
    // the same key needs to finish the rest (see each command's replay).
    const results = [await this.store.appendToStream(own.streamId, own.events, own)];
    try {
      for (const other of others) {
        faultPoint('between-appends', spec.commandType);
        results.push(await this.store.appendToStream(other.streamId, other.events, other));
      }
    } catch {
      // The command's own events are written: it must not be decided again, so no retry here.
      throw new ApiError(503, 'STORE_UNAVAILABLE', 'The command was written only in part; retry with the same Idempotency-Key to complete it.');
    }
    return results;
  }
}
