// A stream as the write path sees it: folded state, revision, and the records written
// under each Idempotency-Key, so a retried command is answered without writing again.
import type { RecordedEvent } from '../../event-store/event-store';
import { toDomainEvent, type DomainEventShape } from '../events/event-codec';

export interface FoldedStream<State> {
  readonly streamId: string;
  readonly state: State;
  /** The stream's last revision; -1 while it does not exist. */
  readonly revision: number;
  /** The global position of its last event (0n while it does not exist). */
  readonly lastPosition: bigint;
  /** The patient's keyed reference from the first event's metadata (selects the data key). */
  readonly patientRef: string | undefined;
  /** Per actor and Idempotency-Key: the records of the first command written with it. */
  readonly keyed: ReadonlyMap<string, readonly RecordedEvent[]>;
}

export const keyedBy = (actorId: string, key: string) => `${actorId}\u0000${key}`;

export const emptyStream = <State>(streamId: string, initial: State): FoldedStream<State> => ({
  streamId,
  state: initial,
  revision: -1,
  lastPosition: 0n,
  patientRef: undefined,
  keyed: new Map(),
});

/**
 * Fold `records` (the stream's next events, in order) onto `from`; undefined when they do
 * not follow on from its revision (then the caller folds the whole stream again).
 */
export function foldOnto<State, Event extends DomainEventShape>(
  from: FoldedStream<State>,
  records: readonly RecordedEvent[],
  evolve: (state: State, event: Event) => State,
): FoldedStream<State> | undefined {
  if (records.length === 0) return from;
  if (records[0]!.revision !== from.revision + 1) return undefined;
  let state = from.state;
  let keyed = from.keyed;
  let copied = false;
  for (const r of records) {
    state = evolve(state, toDomainEvent<Event>(r));
    const key = r.metadata.idempotencyKey;
    if (typeof key !== 'string') continue;
    const k = keyedBy(r.metadata.actorId, key);
    const prior = keyed.get(k);
    if (prior && prior[0]!.metadata.commandId !== r.metadata.commandId) continue; // only the first command counts
    if (!copied) {
      keyed = new Map(keyed);
      copied = true;
    }
    (keyed as Map<string, readonly RecordedEvent[]>).set(k, [...(prior ?? []), r]);
  }
  const first = from.revision < 0 ? records[0]!.metadata.patientRef : undefined;
  return {
    streamId: from.streamId,
    state,
    revision: records[records.length - 1]!.revision,
    lastPosition: records[records.length - 1]!.position,
    patientRef: from.revision < 0 ? (typeof first === 'string' ? first : undefined) : from.patientRef,
    keyed,
  };
}
