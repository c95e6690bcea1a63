// The auditor's search: every episode of one patient, at every unit (a unit administrator:
// their own unit). Patients are never indexed by their number: each unit's patient stream
// is named by a keyed hash of unit and personnummer (PatientIndex), and lists every episode
// the patient had there, so the search hashes the number once per unit that has episodes.
// The lookup is a read of the patient's data: access-logged before the answer leaves,
// also when nothing was found (the search itself tells whether the patient is known).
import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '../../event-store/event-store';
import { activeEpisodeStreamId } from '../../domain/patient/active-episode';
import { parseIdentityNumber } from '../../domain/shared/personnummer';
import { DomainError } from '../../domain/shared/domain-error';
import { localDate } from '../../domain/shared/time';
import { catalogue } from '../../domain/reference/catalogue';
import { queryEpisodeProgress } from '../../projections/episode-progress';
import type { Actor } from '../auth/actor';
import { AccessLogService } from '../access-log/access-log.service';
import { PatientIndex } from '../episodes/patient-index';
import { ReadModels } from '../read/read-models.service';
import { CLOCK, EVENT_STORE, type Clock } from '../tokens';

export interface FoundEpisode {
  readonly episodeId: string;
  readonly unitId: string;
  readonly status: string;
  readonly assignedAt: string;
  readonly endedAt: string | null;
  readonly therapistId: string;
  readonly diagnosisCode: string;
}

export const SEARCH_ENDPOINT = 'POST /ui/audit/search';

@Injectable()
export class EpisodeFinder {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ReadModels,
    private readonly patients: PatientIndex,
    private readonly accessLog: AccessLogService,
  ) {}

  /** The patient's episodes, newest first; 422 INVALID_PERSONNUMMER for a number that is not one. */
  async byPersonnummer(actor: Actor, input: string): Promise<FoundEpisode[]> {
    const parsed = parseIdentityNumber(input.trim(), localDate(this.clock.now()));
    if (!parsed.ok) throw new DomainError('INVALID_PERSONNUMMER', `The personnummer is not valid: ${parsed.reason}.`, 'unacceptable');
    const personnummer = parsed.value.canonical;
    await this.reads.awaitAfter(undefined);
    const units = actor.unitId !== undefined ? [actor.unitId] : await this.units();
    const found: FoundEpisode[] = [];
    for (const unitId of units) {
      const stream = await this.store.readStream(activeEpisodeStreamId(this.patients.patientAtUnit(unitId, personnummer)));
      const ids = stream.filter((r) => r.type === 'EpisodeReserved').map((r) => String(r.data.episodeId));
      for (const episodeId of ids) {
        const p = await queryEpisodeProgress(this.reads.db, episodeId, { modules: catalogue.modules });
        if (!p) continue;
        found.push({ episodeId, unitId: p.unitId, status: p.status, assignedAt: p.assignedAt, endedAt: p.endedAt, therapistId: p.therapistId, diagnosisCode: p.diagnosis.code });
      }
    }
    const shown = found.length > 0 ? found.map((e) => ({ episodeId: e.episodeId, personnummer, unitId: e.unitId })) : [{ episodeId: null, personnummer, unitId: null }];
    await this.accessLog.record(actor, SEARCH_ENDPOINT, shown, 'episode-search');
    return found.sort((a, b) => b.assignedAt.localeCompare(a.assignedAt));
  }

  /** Every unit that has an episode in the read models. */
  private async units(): Promise<string[]> {
    const rows = await this.reads.db.selectFrom('episode_progress').select('unit_id').distinct().execute();
    return rows.map((r) => r.unit_id);
  }
}
