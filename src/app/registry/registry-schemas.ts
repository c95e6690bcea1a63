// The registry reads' query strings (validated like bodies: 400 with field details, unknown
// parameters refused) and answers (for the OpenAPI document and the typed client).
import { z } from 'zod';
import { AnsweredVia, RegistryMeasures, RegistryTimepoint } from '../../domain/episode/events';
import { isValidDate } from '../../domain/shared/time';
import { EpisodeId, EpisodeStatus, LocalDate, OffsetPage, Personnummer, PersonnummerMasked, TherapistId, UnitId, UserId } from '../system/answer-fields';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const Hsa = z.string().min(1).max(200);
const QueryDate = z.string().refine(isValidDate, 'a date YYYY-MM-DD');
const After = z.string().regex(/^\d{1,19}$/, 'a global position: a whole number as returned by a write').meta({
  description: "Wait (up to 5 s) until the read models have applied this position (a write's `position`), else 503 PROJECTION_BEHIND.",
  example: '42',
});
const fromTo = (q: { from?: string; to?: string }) => q.from === undefined || q.to === undefined || q.from <= q.to;

export const FollowUpStatus = z.enum(['upcoming', 'due', 'overdue', 'recorded']).meta({
  description: 'upcoming: the window has not opened; due: inside it; overdue: past it and not recorded; recorded.',
  example: 'due',
});

export const FollowUpsQuery = z
  .object({
    unitId: optional(Hsa.meta({ description: 'Your own unit (the default).', example: 'SE2321000131-E001' })),
    status: optional(FollowUpStatus.meta({ description: 'One status; default: due, overdue and recorded.' })),
    therapistId: optional(Hsa.meta({ description: "The responsible therapist's patients only.", example: 'SE2321000131-T001' })),
    limit: optional(z.coerce.number().int().min(1).max(1000).meta({ description: 'Items per page, 1 to 1000 (default 500).', example: 100 })),
    offset: optional(z.coerce.number().int().min(0).meta({ example: 0 })),
    after: optional(After),
  })
  .strict();

export const RegistryExportQuery = z
  .object({
    unitId: optional(Hsa.meta({ description: 'The unit; a unit administrator reads their own.', example: 'SE2321000131-E001' })),
    from: optional(QueryDate.meta({ description: 'Follow-ups recorded (or last corrected) on or after this date.', example: '2027-01-01' })),
    to: optional(QueryDate.meta({ description: 'The last date, inclusive.', example: '2027-03-31' })),
    format: optional(z.enum(['json', 'csv']).meta({ description: 'Instead of `Accept: text/csv`.', example: 'csv' })),
    after: optional(After),
  })
  .strict()
  .refine(fromTo, { message: 'from must not be after to', path: ['to'] });

const Timepoint = RegistryTimepoint.meta({ example: '3-months' });
const Via = AnsweredVia.nullable().meta({ description: '1177 (the patient), paper or phone (staff); null when not stated.', example: 'paper' });

/** `GET /registry/follow-ups`. */
export const FollowUpsView = z.object({
  unitId: UnitId,
  status: FollowUpStatus.nullable(),
  therapistId: TherapistId.nullable(),
  today: LocalDate,
  followUps: z.array(
    z.object({
      episodeId: EpisodeId,
      unitId: UnitId,
      therapistId: TherapistId,
      patient: z.object({ personnummerMasked: PersonnummerMasked }),
      episodeStatus: EpisodeStatus,
      timepoint: Timepoint,
      dueOn: LocalDate,
      window: z.object({ opensOn: LocalDate, closesOn: LocalDate }),
      status: FollowUpStatus,
      recorded: z
        .object({
          on: LocalDate,
          by: UserId,
          answeredVia: Via,
          outsideWindow: z.boolean().meta({ description: 'A paper or phone answer recorded before or after the window.' }),
          corrections: z.number().int().min(0),
        })
        .nullable(),
    }),
  ),
  page: OffsetPage,
});

const ExportRow = z.object({
  episodeId: EpisodeId,
  unitId: UnitId,
  personnummer: Personnummer,
  diagnosisCode: z.string().meta({ example: 'M17.1' }),
  assignedOn: LocalDate,
  endedOn: LocalDate.nullable(),
  episodeStatus: EpisodeStatus,
  timepoint: Timepoint,
  dueOn: LocalDate,
  answeredOn: LocalDate,
  answeredVia: Via,
  corrections: z.number().int().min(0),
  lastCorrectedAt: z.iso.datetime({ offset: true }).nullable(),
  measures: RegistryMeasures.meta({ example: { pain: 3, eqVas: 75, satisfaction: 4 } }),
  schoolCompleted: z.boolean(),
  planAdherence: z.number().min(0).max(1).nullable().meta({ description: 'Reported / due occasions of the activity plan; null without a plan.', example: 0.83 }),
});

/** `GET /registry/export` as JSON. */
export const RegistryExportView = z.object({
  unitId: UnitId.nullable(),
  from: LocalDate.nullable(),
  to: LocalDate.nullable(),
  rows: z.array(ExportRow),
  leftOutErased: z.number().int().min(0).meta({ description: 'Recorded follow-ups of patients whose data was erased (no personnummer to register).' }),
});

export const RegistryExportCsv = z.string().meta({
  description: 'One header row, then one row per episode and recorded timepoint; columns as docs/api.md lists them, the personnummer in 12 digits.',
  example:
    'unit_id,episode_id,personnummer,diagnosis_code,assigned_on,ended_on,episode_status,timepoint,due_on,answered_on,answered_via,corrections,pain_nrs,...\r\n',
});
