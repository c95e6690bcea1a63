// An EventStore that makes concurrent requests really overlap: the first `parties` reads of
// streams with a given prefix are held until all of them have arrived (or `maxWaitMs`
// passed), so every request decides on the same revision and their appends race. Later
// reads (the retries) pass straight through.
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../../src/event-store/event-store';

export class BarrierStore implements EventStore {
  private held: Array<() => void> = [];
  private parties = 0;
  private prefix = '';
  private timer: NodeJS.Timeout | undefined;
  /** Appends refused with a concurrency conflict, as seen by this wrapper. */
  conflicts = 0;

  constructor(
    private readonly inner: EventStore,
    private readonly maxWaitMs = 10_000,
  ) {}

  /** Hold the next `parties` reads of streams starting with `prefix` until all have arrived. */
  arm(prefix: string, parties: number): void {
    this.prefix = prefix;
    this.parties = parties;
    this.held = [];
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    if (this.parties > 0 && streamId.startsWith(this.prefix)) {
      await new Promise<void>((resolve) => {
        this.held.push(resolve);
        this.timer ??= setTimeout(() => this.release(), this.maxWaitMs);
        if (this.held.length >= this.parties) this.release();
      });
    }
    return this.inner.readStream(streamId, options);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    try {
      return await this.inner.appendToStream(streamId, events, options);
    } catch (error) {
      if ((error as { code?: string }).code === 'WRONG_EXPECTED_REVISION') this.conflicts++;
      throw error;
    }
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  onAppended(listener: (position: bigint) => void): () => void {
    return this.inner.onAppended(listener);
  }

  close(): Promise<void> {
    this.release();
    return this.inner.close();
  }

  private release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.parties = 0;
    for (const resolve of this.held.splice(0)) resolve();
  }
}
