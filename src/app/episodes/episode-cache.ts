// Folded episodes kept in memory between commands, so a command reads only the events
// after the revision it already knows instead of the whole stream (an in-memory snapshot).
// The store stays the truth: every load still reads the stream from the cached revision on,
// and an append is made with the expected revision, so a stale entry only costs a retry.
// Bounded (least recently used); emptied by an erasure, since states hold decrypted fields.
import type { RecordedEvent } from '../../event-store/event-store';
import type { EpisodeEvent } from '../../domain/episode/events';
import { evolve, initialState, type EpisodeState } from '../../domain/episode/state';
import { toDomainEvent } from '../events/event-codec';

export interface CachedEpisode {
  readonly state: EpisodeState;
  readonly lastPosition: bigint;
  /** The patient's keyed reference from the first event's metadata (selects the data key). */
  readonly patientRef: string | undefined;
  /** Per actor and Idempotency-Key: the records of the first command written with it. */
  readonly keyed: ReadonlyMap<string, readonly RecordedEvent[]>;
}

export const keyedBy = (actorId: string, key: string) => `${actorId}\u0000${key}`;

/** Fold `records` (the stream's next events, in order) onto `from`. */
export function extendEpisode(from: CachedEpisode | undefined, records: readonly RecordedEvent[]): CachedEpisode | undefined {
  if (records.length === 0) return from;
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
    lastPosition: records[records.length - 1]!.position,
    patientRef: from ? from.patientRef : typeof first === 'string' ? first : undefined,
    keyed,
  };
}

export class EpisodeCache {
  private readonly entries = new Map<string, CachedEpisode>();

  constructor(private readonly capacity: number) {}

  get(episodeId: string): CachedEpisode | undefined {
    const entry = this.entries.get(episodeId);
    if (entry) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.entries.delete(episodeId);
      this.entries.set(episodeId, entry);
    }
    return entry;
  }

  /** Keep the newer of what is cached and `entry` (concurrent commands may finish out of order). */
  set(episodeId: string, entry: CachedEpisode): void {
    if (this.capacity <= 0) return;
    const current = this.entries.get(episodeId);
    if (current && current.state.revision >= entry.state.revision) return;
    this.entries.delete(episodeId);
    this.entries.set(episodeId, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
