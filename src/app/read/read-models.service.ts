// What every read endpoint shares: the read-model database, read-your-writes waiting
// (`?after=<position>`), decryption of personal fields, and the patients an answer shows
// (for the PDL access log, recorded before the answer leaves).
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { z } from 'zod';
import type { ReadModelDb } from '../../projections/read-model-schema';
import { queryEpisodePatients } from '../../projections/episode-progress';
import type { LagReport } from '../../projections/live-projector';
import { PersonalDataCipher } from '../privacy/encrypting-event-store';
import { ApiError } from '../http/api-error';
import type { HealthExtras } from '../tokens';
import type { PatientShown } from '../access-log/access-log.service';
import type { ReadSide } from './read-side';

export const READ_SIDE = Symbol('READ_SIDE');

/** The contract: a read waits up to 5 s for the projections to reach `?after`. */
export const AFTER_WAIT_MS = 5000;
/**
 * Without `?after` a read still waits briefly for what was committed before it arrived, so a
 * client that reads right after its write sees it in the usual case (the projector runs in
 * the process and is milliseconds behind); past this it answers what the models hold.
 */
export const CATCH_UP_WAIT_MS = 1000;

const After = z.string().regex(/^\d{1,19}$/, 'a global position: a whole number as returned by a write');

@Injectable()
export class ReadModels implements OnApplicationBootstrap, OnModuleDestroy, HealthExtras {
  readonly db: ReadModelDb;

  constructor(
    @Inject(READ_SIDE) private readonly side: ReadSide,
    private readonly cipher: PersonalDataCipher,
  ) {
    this.db = side.db;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.side.projector.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.side.close();
  }

  /** Decrypts a stored personal field (ERASED when the patient's key was destroyed). */
  readonly reveal = (stored: string): Promise<string> => this.cipher.reveal(stored);

  /**
   * Read your writes: wait until every projection has applied `after` (a write's
   * `position`), or answer 503 PROJECTION_BEHIND past the wait. Absent: a short best-effort
   * wait for the head as it was when the read arrived.
   */
  async awaitAfter(after: unknown): Promise<void> {
    if (after === undefined || after === '') {
      await this.side.projector.waitFor(await this.side.headPosition(), CATCH_UP_WAIT_MS);
      return;
    }
    const parsed = After.safeParse(Array.isArray(after) ? after[0] : after);
    if (!parsed.success)
      throw new ApiError(400, 'VALIDATION_FAILED', 'The request query does not match the schema.', [
        { path: 'query.after', problem: parsed.error.issues[0]?.message ?? 'invalid' },
      ]);
    const reached = await this.side.projector.waitFor(BigInt(parsed.data), AFTER_WAIT_MS);
    if (!reached)
      throw new ApiError(503, 'PROJECTION_BEHIND', `The read models have not yet reached position ${parsed.data}; retry shortly.`);
  }

  /** The patients (clear canonical personnummer) of these episodes, for the access log. */
  async patientsOf(episodeIds: Iterable<string>): Promise<PatientShown[]> {
    const ids = [...new Set(episodeIds)];
    if (ids.length === 0) return [];
    const out: PatientShown[] = [];
    for (const p of await queryEpisodePatients(this.db, ids))
      out.push({ episodeId: p.episodeId, unitId: p.unitId, personnummer: await this.reveal(p.personnummer) });
    return out;
  }

  lag(): Promise<LagReport> {
    return this.side.projector.lag();
  }

  async health(): Promise<Record<string, unknown>> {
    const lag = await this.lag();
    return { projections: lag };
  }
}
