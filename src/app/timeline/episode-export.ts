// One episode's complete history (events with envelopes) as a file another installation
// can import and replay to the same timeline. Positions are local to a store, so the
// import keeps the original position and time in each event's metadata.
import { z } from 'zod';
import type { EventStore, RecordedEvent } from '../../event-store/event-store';
import { WrongExpectedRevisionError } from '../../event-store/event-store';
import { episodeStreamId } from '../../domain/episode/decider';
import { originalRecordedAt } from './timeline';

export const EXPORT_FORMAT = 'digital-artrosskola/episode-export';

const ExportedEvent = z.object({
  id: z.uuid(),
  revision: z.number().int().min(0),
  position: z.string().regex(/^\d+$/),
  recordedAt: z.string(),
  type: z.string().min(1),
  schemaVersion: z.number().int().min(1),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
});
export const EpisodeExport = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  episodeId: z.string().min(1),
  streamId: z.string().min(1),
  events: z.array(ExportedEvent).min(1),
});
export type EpisodeExport = z.infer<typeof EpisodeExport>;

export function exportEpisode(episodeId: string, records: readonly RecordedEvent[]): EpisodeExport {
  return {
    format: EXPORT_FORMAT,
    version: 1,
    episodeId,
    streamId: episodeStreamId(episodeId),
    events: records.map((r) => ({
      id: r.id,
      revision: r.revision,
      position: r.position.toString(),
      recordedAt: originalRecordedAt(r),
      type: r.type,
      schemaVersion: r.schemaVersion,
      data: { ...r.data },
      metadata: { ...r.metadata },
    })),
  };
}

/** Append an exported episode to a store where it does not exist yet; atomically. */
export async function importEpisode(store: EventStore, input: unknown): Promise<{ episodeId: string; events: number; lastPosition: string }> {
  const file = EpisodeExport.parse(input);
  file.events.forEach((e, i) => {
    if (e.revision !== i) throw new Error(`The export has a revision gap at ${i}`);
  });
  try {
    const result = await store.appendToStream(
      file.streamId,
      file.events.map((e) => ({
        id: e.id,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        metadata: {
          ...(e.metadata as Record<string, unknown>),
          actorId: String(e.metadata.actorId ?? 'unknown'),
          role: String(e.metadata.role ?? 'unknown'),
          commandId: String(e.metadata.commandId ?? 'unknown'),
          correlationId: String(e.metadata.correlationId ?? 'unknown'),
          causationId: String(e.metadata.causationId ?? 'unknown'),
          originalRecordedAt: e.recordedAt,
          originalPosition: (e.metadata.originalPosition as string | undefined) ?? e.position,
        },
      })),
      { expectedRevision: 'no_stream' },
    );
    return { episodeId: file.episodeId, events: file.events.length, lastPosition: result.lastPosition.toString() };
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) throw new Error(`Episode ${file.episodeId} already exists in this store; nothing was imported.`);
    throw error;
  }
}
