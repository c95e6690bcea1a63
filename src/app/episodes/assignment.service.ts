// "Starta momentet": a new episode, with the rule that a patient has at most one active
// episode per unit. The rule spans streams: the patient's reservation stream is appended
// first with optimistic concurrency (concurrent assignments race there; one wins), then the
// episode stream. A reservation whose episode never came to be (crash in between) or has
// ended is stale and does not block.
import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../ids';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import { WrongExpectedRevisionError } from '../../event-store/event-store';
import type { CommandOf } from '../../domain/episode/commands';
import type { EventOf } from '../../domain/episode/events';
import { decide } from '../../domain/episode/decide';
import { initialState } from '../../domain/episode/state';
import { episodeStreamId } from '../../domain/episode/decider';
import {
  activeEpisodeStreamId,
  evolveActiveEpisode,
  initialActiveEpisodeState,
  release,
  reserve,
  type ActiveEpisodeEvent,
} from '../../domain/patient/active-episode';
import { toDomainEvent, toNewEvents } from '../events/event-codec';
import { answerExtras, answerFrom, foldRecords, metadataFor, priorWrite, type WriteAnswer, type WriteOptions } from './episode-commands.service';
import { UnitService } from '../units/unit.service';
import { PatientIndex } from './patient-index';
import { backoffBeforeRetry } from './retry-backoff';
import { ApiError } from '../http/api-error';
import type { Actor } from '../auth/actor';
import { AppConfigToken, CLOCK, EVENT_STORE, type Clock } from '../tokens';
import type { AppConfig } from '../config';

export type AssignmentInput = Omit<CommandOf<'StartAssignment'>['data'], 'episodeId' | 'unitId'>;

/** A reservation younger than this may belong to an assignment still in flight. */
const IN_FLIGHT_MS = 60_000;

@Injectable()
export class AssignmentService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AppConfigToken) private readonly config: AppConfig,
    private readonly units: UnitService,
    private readonly patients: PatientIndex,
  ) {}

  async assign(input: AssignmentInput, actor: Actor, options: WriteOptions = {}): Promise<WriteAnswer> {
    const unitId = actor.unitId;
    if (!unitId) throw new ApiError(403, 'FORBIDDEN', 'Only a member of a care unit may assign the school.');
    const { state: unit } = await this.units.load(unitId);
    const episodeId = newId();
    const now = this.clock.now();
    const command: CommandOf<'StartAssignment'> = { type: 'StartAssignment', data: { ...input, episodeId, unitId } };
    // Decide first: a bad personnummer or diagnosis is refused before anything is written.
    const events = decide(command, initialState(), { now, actor: { id: actor.id, role: actor.role, unitId }, settings: unit.settings });
    const started = events[0] as EventOf<'AssignmentStarted'>;
    // One keyed hash names the patient at the unit: the reservation stream and the data key.
    const patientRef = this.patients.patientAtUnit(unitId, started.data.patient.personnummer);
    const reservationStream = activeEpisodeStreamId(patientRef);

    for (let attempt = 0; ; attempt++) {
      const reservations = await this.store.readStream(reservationStream);
      const prior = priorWrite(reservations, actor, options);
      if (prior) {
        // A copy of a keyed request that raced its first attempt: wait for the episode it reserved.
        const answer = await this.previousAnswer(prior);
        if (answer) return answer;
        if (attempt >= this.config.writeRetries)
          throw new ApiError(409, 'CONCURRENCY_CONFLICT', 'The first attempt with this key is still in progress; retry.');
        await backoffBeforeRetry(attempt + 1);
        continue;
      }
      const state = reservations.reduce((s, r) => evolveActiveEpisode(s, toDomainEvent<ActiveEpisodeEvent>(r)), initialActiveEpisodeState());
      const stale = state.activeEpisodeId !== null && (await this.isStale(state.activeEpisodeId, reservations, now));
      const reservation = reserve(state, episodeId, now, stale);
      const metadata = metadataFor(actor, options, { patientRef });
      try {
        await this.store.appendToStream(reservationStream, toNewEvents(reservation, metadata), {
          expectedRevision: state.revision < 0 ? 'no_stream' : state.revision,
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.config.writeRetries) throw error;
        await backoffBeforeRetry(attempt + 1);
        continue;
      }
      const result = await this.store.appendToStream(episodeStreamId(episodeId), toNewEvents(events, metadata), { expectedRevision: 'no_stream' });
      return { episodeId, revision: result.nextExpectedRevision, position: result.lastPosition.toString(), ...answerExtras(events) };
    }
  }

  /** Free the patient at the unit once the episode has ended (best effort: a stale reservation never blocks). */
  async releaseAfterEnd(unitId: string, personnummer: string, episodeId: string, actor: Actor): Promise<void> {
    const stream = activeEpisodeStreamId(this.patients.patientAtUnit(unitId, personnummer));
    for (let attempt = 0; attempt <= this.config.writeRetries; attempt++) {
      const records = await this.store.readStream(stream);
      const state = records.reduce((s, r) => evolveActiveEpisode(s, toDomainEvent<ActiveEpisodeEvent>(r)), initialActiveEpisodeState());
      const events = release(state, episodeId, this.clock.now());
      if (events.length === 0) return;
      try {
        await this.store.appendToStream(stream, toNewEvents(events, metadataFor(actor, {})), { expectedRevision: state.revision });
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        await backoffBeforeRetry(attempt + 1);
      }
    }
  }

  /** A reservation whose episode ended, or never came to be, does not block. */
  async isStale(episodeId: string, reservations: readonly RecordedEvent[], now: string): Promise<boolean> {
    const episode = foldRecords(await this.store.readStream(episodeStreamId(episodeId)));
    if (episode.status === 'completed' || episode.status === 'abandoned') return true;
    if (episode.status === 'active') return false;
    // The reservation's own time, from the same clock as `now`.
    const last = reservations[reservations.length - 1];
    const reservedAt = last ? toDomainEvent<ActiveEpisodeEvent>(last).data.at : now;
    return Date.parse(now) - Date.parse(reservedAt) > IN_FLIGHT_MS;
  }

  /** The first answer to this key, or null while its episode is not yet written. */
  private async previousAnswer(prior: readonly RecordedEvent[]): Promise<WriteAnswer | null> {
    const reserved = prior.map((r) => toDomainEvent<ActiveEpisodeEvent>(r)).find((e) => e.type === 'EpisodeReserved');
    const episodeId = reserved!.data.episodeId;
    const commandId = prior[0]!.metadata.commandId;
    const records = (await this.store.readStream(episodeStreamId(episodeId))).filter((r) => r.metadata.commandId === commandId);
    return records.length === 0 ? null : answerFrom(episodeId, records);
  }
}

