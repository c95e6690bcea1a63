// Folded episodes kept in memory between commands, so a command reads only the events
// after the revision it already knows instead of the whole stream (an in-memory snapshot).
// The store stays the truth: every load still reads the stream from the cached revision on,
// and an append is made with the expected revision, so a stale entry only costs a retry.
// Bounded (least recently used) and short-lived: an entry is refolded from the whole stream
// once it is older than `maxAgeMs`, since states hold decrypted fields and another instance
// may erase the patient's key; an erasure here empties the cache at once.
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import type { EpisodeEvent } from '../../domain/episode/events';
import { evolve, initialState, type EpisodeState } from '../../domain/episode/state';
import { emptyStream, foldOnto, type FoldedStream } from '../write/folded-stream';
import type { StreamLoader } from '../write/stream-loader';

export interface CachedEpisode extends FoldedStream<EpisodeState> {
  /** When the whole stream was last folded (ms): the entry's age. */
  readonly foldedAt: number;
}

/**
 * Fold `records` (the stream's next events, in order) onto `from`; undefined when they do
 * not follow on from its revision (then the caller folds the whole stream again).
 */
export function extendEpisode(from: CachedEpisode | undefined, records: readonly RecordedEvent[], now: number, streamId = records[0]?.streamId ?? ''): CachedEpisode | undefined {
  const base = from ?? { ...emptyStream(streamId, initialState()), foldedAt: now };
  const folded = foldOnto<EpisodeState, EpisodeEvent>(base, records, evolve);
  return folded && { ...folded, foldedAt: base.foldedAt };
}

export class EpisodeCache {
  private readonly entries = new Map<string, CachedEpisode>();
  /** Bumped by clear(): a load that began before it must not store what it read. */
  private generationCount = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs = 60_000,
  ) {}

  get generation(): number {
    return this.generationCount;
  }

  get(streamId: string, now: number): CachedEpisode | undefined {
    const entry = this.entries.get(streamId);
    if (entry && now - entry.foldedAt > this.maxAgeMs) {
      this.entries.delete(streamId);
      return undefined;
    }
    if (entry) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  /**
   * Keep the newer of what is cached and `entry` (concurrent commands may finish out of
   * order), unless the cache was cleared since `generation` (when the caller began reading).
   */
  set(streamId: string, entry: CachedEpisode, generation: number): void {
    if (this.capacity <= 0 || generation !== this.generationCount) return;
    const current = this.entries.get(streamId);
    if (current && current.revision >= entry.revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }

  clear(): void {
    this.generationCount += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The write path's loader for episode streams: through the cache, reading only what is new. */
export class CachedEpisodeLoader implements StreamLoader<EpisodeState> {
  /** The cache's generation when each load began (see EpisodeCache.set). */
  private readonly generations = new WeakMap<FoldedStream<EpisodeState>, number>();

  constructor(
    private readonly store: EventStore,
    readonly cache: EpisodeCache,
    private readonly clock: () => number = Date.now,
  ) {}

  async load(streamId: string): Promise<CachedEpisode> {
    const generation = this.cache.generation;
    const now = this.clock();
    const cached = this.cache.get(streamId, now);
    let episode = cached && extendEpisode(cached, await this.store.readStream(streamId, { from: cached.revision + 1 }), now);
    // No entry, or the store does not follow on from it (e.g. restored): fold the whole stream.
    episode ??= extendEpisode(undefined, await this.store.readStream(streamId), now, streamId);
    if (!episode) throw new Error(`Stream ${streamId} does not start at revision 0`);
    if (episode.revision >= 0) this.cache.set(streamId, episode, generation);
    this.generations.set(episode, generation);
    return episode;
  }

  appended(before: FoldedStream<EpisodeState>, records: readonly RecordedEvent[]): void {
    const generation = this.generations.get(before);
    const next = generation === undefined ? undefined : extendEpisode(before as CachedEpisode, records, this.clock());
    if (next && generation !== undefined) this.cache.set(before.streamId, next, generation);
  }

  conflicted(streamId: string): void {
    this.cache.delete(streamId); // the next load reads what won the race, or refolds
  }
}
