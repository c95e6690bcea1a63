// The answers of the auditor's reads: the timeline, the export and the access log.
import { z } from 'zod';
import { EpisodeExport } from '../timeline/episode-export';
import { EpisodeId, Instant, Position, Revision, UnitId, UserId } from './answer-fields';

/** The folded episode (src/domain/episode/state.ts): open to new fields as the domain grows. */
const EpisodeState = z
  .looseObject({
    status: z.enum(['none', 'active', 'completed', 'abandoned']),
    revision: Revision,
    episodeId: EpisodeId.nullable(),
    unitId: UnitId.nullable(),
    patient: z.object({ personnummer: z.string(), birthDate: z.string() }).nullable(),
    therapistId: UserId.nullable(),
    diagnosisCode: z.string().nullable(),
    assignedAt: Instant.nullable(),
    accessUntil: z.string().nullable(),
    hiddenModules: z.array(z.string()),
    endedAt: Instant.nullable(),
  })
  .meta({ description: 'The episode as folded after the event (the state the rules decide on).' });

const TimelineEntry = z.object({
  revision: Revision,
  position: Position,
  recordedAt: Instant.meta({ description: 'When the store first recorded the event (kept across an export and import).' }),
  type: z.string().meta({ example: 'AssignmentStarted' }),
  schemaVersion: z.number().int().min(1).meta({ example: 1 }),
  storedSchemaVersion: z.number().int().min(1).optional().meta({ description: 'The version it was stored as, when an upcaster lifted it.' }),
  actor: z.object({
    id: z.string().meta({ example: 'SE2321000131-T001' }),
    name: z.string().optional(),
    role: z.string().meta({ example: 'therapist' }),
    unitId: z.string().optional().meta({ example: 'SE2321000131-E001' }),
  }),
  commandId: z.string().optional(),
  correlationId: z.string().optional(),
  data: z.record(z.string(), z.unknown()).meta({ description: "The event's data in its current schema version (`GET /schemas/events`)." }),
  changes: z.array(z.object({ path: z.string().meta({ example: 'status' }), from: z.unknown(), to: z.unknown() })),
  state: EpisodeState,
  problem: z.string().optional().meta({ description: 'Why the event was left out of the fold (it does not match its schema).' }),
});

/** `GET /episodes/{id}/timeline`. */
export const TimelineView = z.object({
  episodeId: EpisodeId,
  revision: Revision,
  integrity: z.object({
    ok: z.boolean(),
    problems: z.array(z.string()).meta({ description: 'Revision gaps, positions not increasing, time going back, events not matching their schema.' }),
  }),
  asOf: z.object({ revision: Revision, recordedAt: Instant }).optional().meta({ description: 'With `?revision=` or `?at=`.' }),
  state: EpisodeState.optional().meta({ description: 'With `?revision=` or `?at=`: the state as it stood then.' }),
  entries: z.array(TimelineEntry),
  page: z.object({ fromRevision: z.number().int().min(0), limit: z.number().int(), nextFromRevision: z.number().int().nullable() }),
});

/** `GET /episodes/{id}/export`: what `npm run import` reads. */
export const ExportView = EpisodeExport.meta({
  example: {
    format: 'digital-artrosskola/episode-export',
    version: 1,
    episodeId: '01KAX1Z3Q8M5N7P2R4S6T8V0WY',
    streamId: 'episode-01KAX1Z3Q8M5N7P2R4S6T8V0WY',
    events: [
      {
        id: '3f2a9c1e-7b4d-4e8a-9c21-5d6e7f8a9b0c',
        revision: 0,
        position: '40',
        recordedAt: '2026-11-22T09:00:00.000Z',
        type: 'AssignmentStarted',
        schemaVersion: 1,
        data: {
          episodeId: '01KAX1Z3Q8M5N7P2R4S6T8V0WY',
          unitId: 'SE2321000131-E001',
          patient: { personnummer: '191212121212', kind: 'personnummer', birthDate: '1912-12-12' },
          therapistId: 'SE2321000131-T001',
          assignedBy: 'SE2321000131-T001',
          diagnosis: { code: 'M17.1', examinedBy: 'SE2321000131-T001', examinedOn: null },
          welcomeText: 'Välkommen till Digital Artrosskola!',
          accessUntil: '2027-02-22',
          warnings: [],
          journalCodes: { assignment: ['GB020', 'ZV044'], 'completed-school': ['GB020', 'ZV044'], conversation: ['GB020', 'ZV044'], end: ['GB020', 'ZV044'] },
          at: '2026-11-22T09:00:00.000Z',
        },
        metadata: { actorId: 'SE2321000131-T001', role: 'therapist', unitId: 'SE2321000131-E001', commandId: 'c0a8e2f4-1b3d-4c5e-8f70-9a1b2c3d4e5f' },
      },
    ],
  },
});

/** `GET /access-log`. */
export const AccessLogView = z.object({
  records: z.array(
    z.object({
      seq: z.number().int().min(1).meta({ example: 17 }),
      at: Instant,
      actorId: UserId,
      actorName: z.string().nullable(),
      role: z.string().meta({ example: 'therapist' }),
      actorUnitId: UnitId.nullable(),
      action: z.string().meta({ description: 'read, export, billing-read, access-log-extract, feed-read, ...', example: 'read' }),
      endpoint: z.string().meta({ example: 'GET /episodes/:id' }),
      episodeId: EpisodeId.nullable(),
      patientKey: z.string().nullable().meta({ description: 'A keyed hash of the personnummer, never the number.' }),
      patientUnitId: UnitId.nullable(),
      hash: z.string().meta({ description: "This record's link in the hash chain." }),
    }),
  ),
  next: z.object({ afterSeq: z.number().int() }).nullable(),
});
