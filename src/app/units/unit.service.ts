// The care unit's stream: settings (read at assignment) and absence notices.
import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../ids';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import { decideUnit, evolveUnit, initialUnitState, unitStreamId, type UnitCommand, type UnitEvent, type UnitState } from '../../domain/unit/unit';
import { toDomainEvent } from '../events/event-codec';
import type { Actor } from '../auth/actor';
import { EVENT_STORE } from '../tokens';
import { DeciderCommandHandler, type WriteOptions } from '../write/decider-command-handler';
import { WholeStreamLoader } from '../write/stream-loader';

export interface UnitWriteAnswer {
  readonly unitId: string;
  readonly revision: number;
  readonly position: string;
  readonly [extra: string]: unknown;
}

export const unitDecider = { decide: decideUnit, evolve: evolveUnit, initialState: initialUnitState };

@Injectable()
export class UnitService {
  private readonly loader: WholeStreamLoader<UnitState, UnitEvent>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly handler: DeciderCommandHandler,
  ) {
    this.loader = new WholeStreamLoader(store, unitDecider);
  }

  async load(unitId: string): Promise<{ state: UnitState; revision: number }> {
    const { state, revision } = await this.loader.load(unitStreamId(unitId));
    return { state, revision };
  }

  async publishAbsenceNotice(unitId: string, body: { from: string; to: string; text: string }, actor: Actor, options: WriteOptions) {
    const noticeId = newId();
    const answer = await this.execute(unitId, { type: 'PublishAbsenceNotice', data: { unitId, noticeId, ...body } }, actor, options);
    return { noticeId: (answer.noticeId as string | undefined) ?? noticeId, ...answer };
  }

  execute(unitId: string, command: UnitCommand, actor: Actor, options: WriteOptions = {}): Promise<UnitWriteAnswer> {
    return this.handler.handle(
      {
        commandType: command.type,
        streamId: unitStreamId(unitId),
        decider: unitDecider,
        loader: this.loader,
        command,
        answer: ({ result, events }) => ({ unitId, revision: result.nextExpectedRevision, position: result.lastPosition.toString(), ...extras(events) }),
        unchanged: (unit) => ({ unitId, revision: unit.revision, position: unit.lastPosition.toString(), unchanged: true }),
        replay: (prior: readonly RecordedEvent[]) => {
          const last = prior[prior.length - 1]!;
          return { unitId, revision: last.revision, position: last.position.toString(), ...extras(prior.map((r) => toDomainEvent<UnitEvent>(r))) };
        },
      },
      actor,
      options,
    );
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
