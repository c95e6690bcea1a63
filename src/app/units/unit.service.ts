// The care unit's stream: settings (read at assignment) and absence notices.
import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../ids';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import { WrongExpectedRevisionError } from '../../event-store/event-store';
import { decideUnit, evolveUnit, initialUnitState, unitStreamId, type UnitCommand, type UnitEvent, type UnitState } from '../../domain/unit/unit';
import { ApiError } from '../http/api-error';
import { toDomainEvent, toNewEvents } from '../events/event-codec';
import { metadataFor, priorWrite, type WriteOptions } from '../episodes/episode-commands.service';
import type { Actor } from '../auth/actor';
import { AppConfigToken, CLOCK, EVENT_STORE, type Clock } from '../tokens';
import type { AppConfig } from '../config';
import { backoffBeforeRetry } from '../episodes/retry-backoff';

export interface UnitWriteAnswer {
  readonly unitId: string;
  readonly revision: number;
  readonly position: string;
  readonly [extra: string]: unknown;
}

@Injectable()
export class UnitService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AppConfigToken) private readonly config: AppConfig,
  ) {}

  async load(unitId: string): Promise<{ state: UnitState; records: RecordedEvent[] }> {
    const records = await this.store.readStream(unitStreamId(unitId));
    const state = records.reduce((s, r) => evolveUnit(s, toDomainEvent<UnitEvent>(r)), initialUnitState());
    return { state, records };
  }

  async publishAbsenceNotice(unitId: string, body: { from: string; to: string; text: string }, actor: Actor, options: WriteOptions) {
    const noticeId = newId();
    const answer = await this.execute(unitId, { type: 'PublishAbsenceNotice', data: { unitId, noticeId, ...body } }, actor, options);
    return { noticeId: (answer.noticeId as string | undefined) ?? noticeId, ...answer };
  }

  async execute(unitId: string, command: UnitCommand, actor: Actor, options: WriteOptions = {}): Promise<UnitWriteAnswer> {
    for (let attempt = 0; ; attempt++) {
      const { state, records } = await this.load(unitId);
      const prior = priorWrite(records, actor, options);
      if (prior) {
        const last = prior[prior.length - 1]!;
        return { unitId, revision: last.revision, position: last.position.toString(), ...extras(prior.map((r) => toDomainEvent<UnitEvent>(r))) };
      }
      if (options.ifMatch !== undefined && options.ifMatch !== state.revision)
        throw new ApiError(412, 'REVISION_MISMATCH', `The unit is at revision ${state.revision}, not ${options.ifMatch}.`);
      const events = decideUnit(command, state, { now: this.clock.now(), actor: { id: actor.id, role: actor.role, unitId: actor.unitId } });
      if (events.length === 0) {
        const last = records[records.length - 1];
        return { unitId, revision: state.revision, position: (last?.position ?? 0n).toString(), unchanged: true };
      }
      try {
        const expectedRevision = state.revision < 0 ? 'no_stream' : state.revision;
        const result = await this.store.appendToStream(unitStreamId(unitId), toNewEvents(events, metadataFor(actor, options)), { expectedRevision });
        return { unitId, revision: result.nextExpectedRevision, position: result.lastPosition.toString(), ...extras(events) };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (options.ifMatch !== undefined) throw new ApiError(412, 'REVISION_MISMATCH', 'The unit changed since the revision named in If-Match.');
        if (attempt >= this.config.writeRetries) throw error;
        await backoffBeforeRetry(attempt + 1);
      }
    }
  }
}

function extras(events: readonly UnitEvent[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of events) {
    if (e.type === 'AbsenceNoticePublished') Object.assign(out, { noticeId: e.data.noticeId, from: e.data.from, to: e.data.to, text: e.data.text });
    if (e.type === 'UnitSettingsChanged') out.settings = e.data.settings;
  }
  return out;
}
