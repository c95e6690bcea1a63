// Folded episodes kept in memory between commands, so a command reads only the events
// after the revision it already knows instead of the whole stream (an in-memory snapshot).
// The store stays the truth: every load still reads the stream from the cached revision on,
// and an append is made with the expected revision, so a stale entry only costs a retry.
// Bounded (least recently used) and short-lived: an entry is refolded from the whole stream
// once it is older than `maxAgeMs`, since states hold decrypted fields and another instance
// may erase the patient's key; an erasure here empties the cache at once.
import type { RecordedEvent } from '../../event-store/event-store';
import type { EpisodeEvent } from '../../domain/episode/events';
import { evolve, initialState, type EpisodeState } from '../../domain/episode/state';
import { toDomainEvent } from '../events/event-codec';

export interface CachedEpisode {
  readonly state: EpisodeState;
  /** When the whole stream was last folded (ms): the entry's age. */
  readonly foldedAt: number;
  readonly lastPosition: bigint;
  /** The patient's keyed reference from the first event's metadata (selects the data key). */
  readonly patientRef: string | undefined;
  /** Per actor and Idempotency-Key: the records of the first command written with it. */
  readonly keyed: ReadonlyMap<string, readonly RecordedEvent[]>;
}

export const keyedBy = (actorId: string, key: string) => `${actorId}\u0000${key}`;

/**
 * Fold `records` (the stream's next events, in order) onto `from`; undefined when they do
 * not follow on from its revision (then the caller folds the whole stream again).
 */
export function extendEpisode(from: CachedEpisode | undefined, records: readonly RecordedEvent[], now: number): CachedEpisode | undefined {
  if (records.length === 0) return from;
  if (records[0]!.revision !== (from ? from.state.revision + 1 : 0)) return undefined;
  let state = from?.state ?? initialState();
  let keyed = from?.keyed ?? new Map<string, readonly RecordedEvent[]>();
  let copied = false;
  for (const r of records) {
    state = evolve(state, toDomainEvent<EpisodeEvent>(r));
    const key = r.metadata.idempotencyKey;
    if (typeof key !== 'string') continue;
    const k = keyedBy(r.metadata.actorId, key);
    const prior = keyed.get(k);
    if (prior && prior[0]!.metadata.commandId !== r.metadata.commandId) continue; // only the first command counts
    if (!copied) (keyed = new Map(keyed)), (copied = true);
    (keyed as Map<string, readonly RecordedEvent[]>).set(k, [...(prior ?? []), r]);
  }
  const first = from ? undefined : records[0]!.metadata.patientRef;
  return {
    state,
    foldedAt: from?.foldedAt ?? now,
    lastPosition: records[records.length - 1]!.position,
    patientRef: from ? from.patientRef : typeof first === 'string' ? first : undefined,
    keyed,
  };
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

  get(episodeId: string, now: number): CachedEpisode | undefined {
    const entry = this.entries.get(episodeId);
    if (entry && now - entry.foldedAt > this.maxAgeMs) {
      this.entries.delete(episodeId);
      return undefined;
    }
    if (entry) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.entries.delete(episodeId);
      this.entries.set(episodeId, entry);
    }
    return entry;
  }

  /**
   * Keep the newer of what is cached and `entry` (concurrent commands may finish out of
   * order), unless the cache was cleared since `generation` (when the caller began reading).
   */
  set(episodeId: string, entry: CachedEpisode, generation: number): void {
    if (this.capacity <= 0 || generation !== this.generationCount) return;
    const current = this.entries.get(episodeId);
    if (current && current.state.revision >= entry.state.revision) return;
    this.entries.delete(episodeId);
    this.entries.set(episodeId, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(episodeId: string): void {
    this.entries.delete(episodeId);
  }

  clear(): void {
    this.generationCount += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
