// GDPR erasure of personal data that is not journal content: the patient's data key at the
// unit is destroyed (crypto-shredding), so personnummer, message texts and other free text
// read as removed everywhere, while events, codes, dates and totals stay. Refused while the
// patient has an active episode at the unit. The erasure is itself an event.
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import { activeEpisodeDecider, activeEpisodeStreamId, type ActiveEpisodeContext, type ActiveEpisodeEvent, type ActiveEpisodeState } from '../../domain/patient/active-episode';
import { parseIdentityNumber } from '../../domain/shared/personnummer';
import { localDate } from '../../domain/shared/time';
import { DomainError } from '../../domain/shared/domain-error';
import { EpisodeCommandsService, type WriteOptions } from '../episodes/episode-commands.service';
import { PatientIndex } from '../episodes/patient-index';
import { notFound } from '../http/api-error';
import type { Actor } from '../auth/actor';
import { CLOCK, EVENT_STORE, type Clock } from '../tokens';
import { DeciderCommandHandler } from '../write/decider-command-handler';
import { WholeStreamLoader } from '../write/stream-loader';
import type { FoldedStream } from '../write/folded-stream';
import { Keyring } from './keyring';

export const ErasureBody = z.object({ personnummer: z.string().max(20), reason: z.string().trim().min(1).max(500) }).strict();

export interface ErasureAnswer {
  readonly unitId: string;
  readonly erased: true;
  readonly episodeIds: readonly string[];
  /** Keys this call destroyed (a retry after a complete first attempt destroys none). */
  readonly keysDestroyed: number;
  readonly revision: number;
  readonly position: string;
}

@Injectable()
export class ErasureService {
  private readonly patientStreams: WholeStreamLoader<ActiveEpisodeState, ActiveEpisodeEvent>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly patients: PatientIndex,
    private readonly keyring: Keyring,
    private readonly episodes: EpisodeCommandsService,
    private readonly handler: DeciderCommandHandler,
  ) {
    this.patientStreams = new WholeStreamLoader(store, activeEpisodeDecider);
  }

  erase(unitId: string, body: z.infer<typeof ErasureBody>, actor: Actor, options: WriteOptions): Promise<ErasureAnswer> {
    const parsed = parseIdentityNumber(body.personnummer, localDate(this.clock.now()));
    if (!parsed.ok) throw new DomainError('INVALID_PERSONNUMMER', `The personnummer is not valid: ${parsed.reason}.`, 'unacceptable');
    const patientRef = this.patients.patientAtUnit(unitId, parsed.value.canonical);
    // After the event, the key: a crash in between leaves the key, and a retry with the same
    // Idempotency-Key (answered from the event) destroys it.
    const shred = async (patient: FoldedStream<ActiveEpisodeState>, last: RecordedEvent): Promise<ErasureAnswer> => {
      const keysDestroyed = await this.keyring.destroy(patientRef);
      // Folded episodes in memory hold decrypted fields: forget them with the key.
      this.episodes.forgetAll();
      return { unitId, erased: true, episodeIds: patient.state.episodeIds, keysDestroyed, revision: last.revision, position: last.position.toString() };
    };
    return this.handler.handle(
      {
        commandType: 'ErasePatientData',
        streamId: activeEpisodeStreamId(patientRef),
        decider: activeEpisodeDecider,
        loader: this.patientStreams,
        command: { type: 'ErasePatientData', data: { reason: body.reason } },
        authorize: (patient) => {
          if (patient.revision < 0) throw notFound('Personal data of this patient at the unit');
        },
        context: async (patient, base): Promise<ActiveEpisodeContext> => ({ ...base, reservedEpisode: await this.episodes.reservedStatus(patient) }),
        metadata: () => ({ patientRef }),
        answer: ({ loaded, result }) => shred(loaded, result.records[result.records.length - 1]!),
        unchanged: () => {
          throw new Error('An erasure always writes an event');
        },
        replay: (prior, patient) => shred(patient, prior[prior.length - 1]!),
      },
      actor,
      options,
    );
  }
}
