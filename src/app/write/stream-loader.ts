// How the write path reads a stream before deciding. The plain loader folds the whole
// stream every time (the unit's and the patient's streams are short); the episode loader
// keeps folded episodes in a cache and reads only what is new (src/app/episodes).
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import type { DomainEventShape } from '../events/event-codec';
import { emptyStream, foldOnto, type FoldedStream } from './folded-stream';

export interface StreamLoader<State> {
  load(streamId: string): Promise<FoldedStream<State>>;
  /** After an append: `records` were written on top of `before`. */
  appended?(before: FoldedStream<State>, records: readonly RecordedEvent[]): void;
  /** After a lost race: what was loaded is stale. */
  conflicted?(streamId: string): void;
}

export interface Fold<State, Event extends DomainEventShape> {
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

export class WholeStreamLoader<State, Event extends DomainEventShape> implements StreamLoader<State> {
  constructor(
    private readonly store: EventStore,
    private readonly fold: Fold<State, Event>,
  ) {}

  async load(streamId: string): Promise<FoldedStream<State>> {
    const folded = foldOnto(emptyStream(streamId, this.fold.initialState()), await this.store.readStream(streamId), this.fold.evolve);
    if (!folded) throw new Error(`Stream ${streamId} does not start at revision 0`);
    return folded;
  }
}
