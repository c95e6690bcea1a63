// One event as the feed carries it: the envelope, the data in its current schema version
// with the personal fields left out, and the patient as a pseudonymous key.
import { z } from 'zod';
import type { RecordedEvent } from '../../event-store/event-store';
import { upcastRecorded } from '../events/event-codec';
import { EpisodeId, Instant, PatientRef, Position, Revision, UnitId, UserId } from '../system/answer-fields';
import { withoutPersonalFields } from './personal-fields-out';
import type { Actor } from '../auth/actor';

export const FeedEvent = z.object({
  position: Position.meta({ description: 'The position in the global log: the SSE `id:`, and what `after` names.' }),
  eventId: z.uuid().meta({ example: '3f2a9c1e-7b4d-4e8a-9c21-5d6e7f8a9b0c' }),
  streamId: z.string().meta({ description: '`episode-<ulid>`, `unit-<hsa id>` or `patient-<patientRef>`.', example: 'episode-01KAX1Z3Q8M5N7P2R4S6T8V0WY' }),
  revision: Revision,
  type: z.string().meta({ description: 'The event type (`GET /schemas/events`).', example: 'AssignmentStarted' }),
  schemaVersion: z.number().int().min(1).meta({ example: 1 }),
  recordedAt: Instant,
  episodeId: EpisodeId.nullable(),
  unitId: UnitId.nullable().meta({ description: 'The care unit the event belongs to.' }),
  patientRef: PatientRef.nullable(),
  data: z.record(z.string(), z.unknown()).meta({ description: 'The data in its current schema version, personal fields left out (`feedDataSchema`).', example: { moduleId: 'hand', by: 'SE2321000131-T001', at: '2026-11-22T09:00:00.000Z' } }),
  withheld: z.array(z.string()).meta({ description: 'The personal fields left out of this event.', example: [] }),
  actor: z.object({
    id: UserId,
    role: z.string().meta({ example: 'therapist' }),
    unitId: UnitId.nullable(),
  }),
  commandId: z.string().nullable(),
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
});
export type FeedEvent = z.infer<typeof FeedEvent>;

const EPISODE = 'episode-';
const UNIT = 'unit-';
const PATIENT = 'patient-';
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The unit an event belongs to: a unit stream's own, else the unit its actor acted for. */
export function unitOf(r: RecordedEvent): string | null {
  return r.streamId.startsWith(UNIT) ? r.streamId.slice(UNIT.length) : text(r.metadata.unitId);
}

export function episodeOf(r: RecordedEvent): string | null {
  if (r.streamId.startsWith(EPISODE)) return r.streamId.slice(EPISODE.length);
  return text(r.data.episodeId);
}

/** An integration token with a `unit` claim sees that unit's events; without, all. */
export const visibleTo = (actor: Actor, r: RecordedEvent): boolean => actor.unitId === undefined || unitOf(r) === actor.unitId;

export async function toFeedEvent(stored: RecordedEvent): Promise<FeedEvent> {
  const r = upcastRecorded(stored);
  const { data, withheld } = await withoutPersonalFields(r.type, r.data);
  return {
    position: r.position.toString(),
    eventId: r.id,
    streamId: r.streamId,
    revision: r.revision,
    type: r.type,
    schemaVersion: r.schemaVersion,
    recordedAt: r.recordedAt,
    episodeId: episodeOf(r),
    unitId: unitOf(r),
    patientRef: text(r.metadata.patientRef) ?? (r.streamId.startsWith(PATIENT) ? r.streamId.slice(PATIENT.length) : null),
    data,
    withheld,
    actor: { id: r.metadata.actorId, role: r.metadata.role, unitId: text(r.metadata.unitId) },
    commandId: text(r.metadata.commandId),
    correlationId: text(r.metadata.correlationId),
    causationId: text(r.metadata.causationId),
  };
}

/** `GET /events`. */
export const FeedPage = z.object({
  events: z.array(FeedEvent),
  next: z.object({ after: Position.meta({ description: 'Pass as `after` for the next page (also when this one is empty).' }) }),
  caughtUp: z.boolean().meta({ description: 'True when the page reached the head of the log: poll again later, or use `GET /events/stream`.' }),
});
