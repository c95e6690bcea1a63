// Records every read that shows a patient's data before the answer leaves.
import { Inject, Injectable } from '@nestjs/common';
import { ERASED } from '../../domain/shared/personal-data';
import { PatientIndex } from '../episodes/patient-index';
import type { Actor } from '../auth/actor';
import { ApiError } from '../http/api-error';
import { CLOCK, type Clock } from '../tokens';
import type { AccessLogStore } from './access-log-store';

export const ACCESS_LOG_STORE = Symbol('ACCESS_LOG_STORE');

export interface PatientShown {
  readonly episodeId: string | null;
  /** Clear personnummer (12 digits), or null/ERASED when not known. */
  readonly personnummer: string | null;
  readonly unitId: string | null;
}

@Injectable()
export class AccessLogService {
  constructor(
    @Inject(ACCESS_LOG_STORE) private readonly store: AccessLogStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly patients: PatientIndex,
  ) {}

  /**
   * One record per patient shown; nothing for an answer that shows no patient. When the
   * log cannot be written the answer must not leave: 503, and the data is not shown.
   */
  async record(actor: Actor, endpoint: string, shown: readonly PatientShown[], action = 'read'): Promise<void> {
    if (shown.length === 0) return;
    const at = this.clock.now();
    await this.append(
      shown.map((p) => ({
        at,
        actorId: actor.id,
        actorName: actor.name ?? null,
        role: actor.role,
        actorUnitId: actor.unitId ?? null,
        action,
        endpoint,
        episodeId: p.episodeId,
        patientKey: p.personnummer && p.personnummer !== ERASED ? this.patients.patient(p.personnummer) : null,
        patientUnitId: p.unitId,
      })),
    );
  }

  private async append(records: Parameters<AccessLogStore['append']>[0]): Promise<void> {
    try {
      await this.store.append(records);
    } catch (error) {
      const cause = error instanceof Error ? error.name : 'unknown';
      throw new ApiError(503, 'ACCESS_LOG_UNAVAILABLE', `The access log cannot be written (${cause}), so the data is not shown; retry shortly.`);
    }
  }

  patientKeyOf(personnummer: string): string {
    return this.patients.patient(personnummer);
  }

  query(...args: Parameters<AccessLogStore['query']>) {
    return this.store.query(...args);
  }
}
