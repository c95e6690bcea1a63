// "Starta momentet": a new episode, with the rule that a patient has at most one active
// episode per unit. The command is the reservation on the patient's stream (concurrent
// assignments race there; one wins), with the new episode's events written alongside in the
// same transaction. On a store without multi-stream transactions the reservation is written
// first; a retry with the same Idempotency-Key finds it and writes the episode it reserved.
import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../ids';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import { WrongExpectedRevisionError } from '../../event-store/event-store';
import type { CommandOf } from '../../domain/episode/commands';
import type { EpisodeEvent, EventOf } from '../../domain/episode/events';
import { decide } from '../../domain/episode/decide';
import { initialState } from '../../domain/episode/state';
import { episodeStreamId } from '../../domain/episode/decider';
import {
  activeEpisodeDecider,
  activeEpisodeStreamId,
  type ActiveEpisodeContext,
  type ActiveEpisodeEvent,
  type ActiveEpisodeState,
} from '../../domain/patient/active-episode';
import { toDomainEvent, toNewEvents } from '../events/event-codec';
import { answerExtras, answerFrom, EpisodeCommandsService, type WriteAnswer, type WriteOptions } from './episode-commands.service';
import { UnitService } from '../units/unit.service';
import { PatientIndex } from './patient-index';
import { ApiError } from '../http/api-error';
import type { Actor } from '../auth/actor';
import { CLOCK, EVENT_STORE, type Clock } from '../tokens';
import { DeciderCommandHandler } from '../write/decider-command-handler';
import { WholeStreamLoader } from '../write/stream-loader';

export type AssignmentInput = Omit<CommandOf<'StartAssignment'>['data'], 'episodeId' | 'unitId'>;

@Injectable()
export class AssignmentService {
  private readonly patientStreams: WholeStreamLoader<ActiveEpisodeState, ActiveEpisodeEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly units: UnitService,
    private readonly patients: PatientIndex,
    private readonly episodes: EpisodeCommandsService,
    private readonly handler: DeciderCommandHandler,
  ) {
    this.patientStreams = new WholeStreamLoader(store, activeEpisodeDecider);
  }

  async assign(input: AssignmentInput, actor: Actor, options: WriteOptions = {}): Promise<WriteAnswer> {
    const unitId = actor.unitId;
    if (!unitId) throw new ApiError(403, 'FORBIDDEN', 'Only a member of a care unit may assign the school.');
    const { state: unit } = await this.units.load(unitId);
    const episodeId = newId();
    const decideStart = (now: string, id: string) =>
      decide({ type: 'StartAssignment', data: { ...input, episodeId: id, unitId } }, initialState(), {
        now,
        actor: { id: actor.id, role: actor.role, unitId },
        settings: unit.settings,
      });
    // Decide first: a bad personnummer or diagnosis is refused before anything is read or written.
    let episodeEvents = decideStart(this.clock.now(), episodeId);
    const started = episodeEvents[0] as EventOf<'AssignmentStarted'>;
    // One keyed hash names the patient at the unit: the reservation stream and the data key.
    const patientRef = this.patients.patientAtUnit(unitId, started.data.patient.personnummer);

    return this.handler.handle(
      {
        commandType: 'StartAssignment',
        streamId: activeEpisodeStreamId(patientRef),
        decider: activeEpisodeDecider,
        loader: this.patientStreams,
        command: { type: 'ReserveEpisode', data: { episodeId } },
        context: async (patient, base): Promise<ActiveEpisodeContext> => ({ ...base, reservedEpisode: await this.episodes.reservedStatus(patient) }),
        metadata: () => ({ patientRef }),
        alongside: async (_patient, _events, _state, context) => {
          // Decided with the reservation's own time, so a retry (which re-decides) agrees.
          episodeEvents = decideStart(context.now, episodeId);
          return [{ streamId: episodeStreamId(episodeId), events: episodeEvents, expectedRevision: 'no_stream', keyed: true }];
        },
        answer: ({ alongside }) => {
          const result = alongside[0]!;
          return { episodeId, revision: result.nextExpectedRevision, position: result.lastPosition.toString(), ...answerExtras(episodeEvents) };
        },
        unchanged: () => {
          throw new Error('A reservation always writes an event');
        },
        replay: (prior) => this.firstAnswer(prior, decideStart),
      },
      actor,
      options,
    );
  }

  /**
   * The answer to a retry: from the episode the first attempt wrote or, where the first
   * attempt died between its two appends (a store without multi-stream transactions), after
   * writing that episode now, as the first attempt would have.
   */
  private async firstAnswer(prior: readonly RecordedEvent[], decideStart: (now: string, episodeId: string) => EpisodeEvent[]): Promise<WriteAnswer> {
    const reservation = prior.map((r) => toDomainEvent<ActiveEpisodeEvent>(r)).find((e) => e.type === 'EpisodeReserved');
    if (!reservation || reservation.type !== 'EpisodeReserved') throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request.');
    const { episodeId, at } = reservation.data;
    const stream = episodeStreamId(episodeId);
    const commandId = prior[0]!.metadata.commandId;
    const written = (await this.store.readStream(stream)).filter((r) => r.metadata.commandId === commandId);
    if (written.length > 0) return answerFrom(episodeId, written);
    try {
      // The first attempt's own metadata (command id, key, patient reference): it is its write.
      const result = await this.store.appendToStream(stream, toNewEvents(decideStart(at, episodeId), prior[0]!.metadata), { expectedRevision: 'no_stream' });
      return answerFrom(episodeId, result.records);
    } catch (error) {
      // Another retry finished it first: answer what it wrote.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      return answerFrom(episodeId, (await this.store.readStream(stream)).filter((r) => r.metadata.commandId === commandId));
    }
  }
}
