// GDPR erasure of personal data that is not journal content: the patient's data key at the
// unit is destroyed (crypto-shredding), so personnummer, message texts and other free text
// read as removed everywhere, while events, codes, dates and totals stay. Refused while the
// patient has an active episode at the unit. The erasure is itself an event.
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { EventStore } from '../../event-store/event-store';
import { WrongExpectedRevisionError } from '../../event-store/event-store';
import { activeEpisodeStreamId, erase, evolveActiveEpisode, initialActiveEpisodeState, type ActiveEpisodeEvent } from '../../domain/patient/active-episode';
import { parseIdentityNumber } from '../../domain/shared/personnummer';
import { localDate } from '../../domain/shared/time';
import { DomainError } from '../../domain/shared/domain-error';
import { toDomainEvent, toNewEvents } from '../events/event-codec';
import { EpisodeCommandsService, metadataFor, type WriteOptions } from '../episodes/episode-commands.service';
import { AssignmentService } from '../episodes/assignment.service';
import { PatientIndex } from '../episodes/patient-index';
import { notFound } from '../http/api-error';
import type { Actor } from '../auth/actor';
import { AppConfigToken, CLOCK, EVENT_STORE, type Clock } from '../tokens';
import type { AppConfig } from '../config';
import { Keyring } from './keyring';

export const ErasureBody = z.object({ personnummer: z.string().max(20), reason: z.string().trim().min(1).max(500) }).strict();

@Injectable()
export class ErasureService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AppConfigToken) private readonly config: AppConfig,
    private readonly patients: PatientIndex,
    private readonly keyring: Keyring,
    private readonly assignments: AssignmentService,
    private readonly episodes: EpisodeCommandsService,
  ) {}

  async erase(unitId: string, body: z.infer<typeof ErasureBody>, actor: Actor, options: WriteOptions) {
    const now = this.clock.now();
    const parsed = parseIdentityNumber(body.personnummer, localDate(now));
    if (!parsed.ok) throw new DomainError('INVALID_PERSONNUMMER', `The personnummer is not valid: ${parsed.reason}.`, 'unacceptable');
    const patientRef = this.patients.patientAtUnit(unitId, parsed.value.canonical);
    const stream = activeEpisodeStreamId(patientRef);
    for (let attempt = 0; ; attempt++) {
      const records = await this.store.readStream(stream);
      if (records.length === 0) throw notFound('Personal data of this patient at the unit');
      const state = records.reduce((s, r) => evolveActiveEpisode(s, toDomainEvent<ActiveEpisodeEvent>(r)), initialActiveEpisodeState());
      const stale = state.activeEpisodeId !== null && (await this.assignments.isStale(state.activeEpisodeId, records, now));
      const events = erase(state, body.reason, actor.id, now, stale);
      try {
        const result = await this.store.appendToStream(stream, toNewEvents(events, metadataFor(actor, options, { patientRef })), { expectedRevision: state.revision });
        // After the event: a crash here leaves the key, and a retry of the erasure destroys it.
        const keysDestroyed = await this.keyring.destroy(patientRef);
        // Folded episodes in memory hold decrypted fields: forget them with the key.
        this.episodes.forgetAll();
        return { unitId, erased: true, episodeIds: state.episodeIds, keysDestroyed, revision: result.nextExpectedRevision, position: result.lastPosition.toString() };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= this.config.writeRetries) throw error;
      }
    }
  }
}
