// The fields answers share, each once, with a realistic example (Skatteverket's test
// numbers, real catalogue ids): the OpenAPI document shows these, and the example of a
// whole answer is assembled from them (schema-examples.ts).
import { z } from 'zod';
import { PlanQuestion as DomainPlanQuestion, PlanSchedule as DomainPlanSchedule, Warning } from '../../domain/episode/events';

export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const EpisodeId = z.string().regex(ULID).meta({ description: 'The episode (moment), a ULID.', example: '01KAX1Z3Q8M5N7P2R4S6T8V0WY' });
export const UnitId = z.string().min(1).max(200).meta({ description: "The care unit's HSA id (vårdenhet).", example: 'SE2321000131-E001' });
export const UserId = z.string().min(1).max(200).meta({ description: "A user's HSA id (the token's `sub`).", example: 'SE2321000131-T001' });
export const TherapistId = z.string().min(1).max(200).meta({ description: "The therapist's HSA id.", example: 'SE2321000131-T001' });
export const Position = z
  .string()
  .regex(/^\d{1,19}$/)
  .meta({ description: 'A position in the global event log: a whole number as a string (it may pass 2^53).', example: '42' });
export const Revision = z.number().int().meta({ description: "The stream's revision: 0 for its first event, then +1 per event.", example: 3 });
export const Instant = z.iso.datetime({ offset: true }).meta({ description: 'An instant, ISO 8601.', example: '2026-11-22T09:00:00.000Z' });
export const LocalDate = z.iso.date().meta({ description: 'A calendar date in Europe/Stockholm.', example: '2027-02-22' });
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).meta({ example: '2026-11' });
export const Removed = z.literal('[removed]').meta({ description: 'A personal field after a GDPR erasure.' });

/** The one masked form of a personnummer, wherever an answer shows a patient without the full number. */
export const PersonnummerMasked = z
  .string()
  .regex(/^(\d{8}|\*{8})-\*{4}$/)
  .meta({ description: 'The personnummer masked as YYYYMMDD-**** (`********-****` once erased).', example: '19121212-****' });
export const Personnummer = z
  .union([z.string().regex(/^\d{12}$/), Removed])
  .meta({ description: 'The full personnummer or samordningsnummer, 12 digits; `[removed]` after an erasure.', example: '191212121212' });

export const ModuleId = z.string().meta({ description: 'A theory module of the catalogue (`hip-knee`, `hand`).', example: 'hip-knee' });
export const PartId = z.string().meta({ description: 'A part of a theory module (catalogue `parts[].partId`).', example: 'hk-about-osteoarthritis' });
export const ExerciseId = z.string().meta({ description: 'An exercise film (catalogue `exercises[].exerciseId`).', example: 'leg-sit-to-stand' });
export const Programme = z.enum(['leg', 'hand']).meta({ description: 'An exercise programme.', example: 'leg' });
export const MessageId = z.string().meta({ example: '01KAX1Z8C2D4F6G8H0J2K4M6N8' });
export const ConversationId = z.string().meta({ example: '01KAX1Z8C2D4F6G8H0J2K4M6N9' });
export const NoticeId = z.string().meta({ example: '01KAX20B5C7D9E1F3G5H7J9K1M' });
export const ObligationId = z.string().meta({ description: '`assignment`, `completed-school`, `conversation-<conversationId>` or `end`.', example: 'assignment' });
export const KvaCode = z.string().meta({ description: 'A KVÅ code.', example: 'GB020' });
export const DiagnosisCode = z.string().meta({ description: 'An ICD-10-SE code of the block M15-M19.', example: 'M17.1' });
export const PatientRef = z
  .string()
  .meta({ description: "The patient's pseudonymous key at the unit (a keyed hash): the same patient at the same unit always has the same key.", example: '9f1c2b7e4d5a6c3b8e9f0a1b2c3d4e5f6a7b8c9d' });

export const EpisodeStatus = z.enum(['active', 'completed', 'abandoned']).meta({ example: 'active' });
export const Outcome = z.enum(['completed', 'abandoned']);
export const Warnings = z.array(Warning).meta({ description: "From the patient's 1177 status at assignment.", example: ['PATIENT_NEVER_LOGGED_IN'] });

/** The fee line an episode carries: charged at assignment, or exempted with its reason. */
export const FeeAnswer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('charged'), amountSek: z.number().int().min(0).meta({ example: 200 }) }),
  z.object({
    kind: z.literal('exempted'),
    reason: z.string().meta({ description: 'Personal data.', example: 'Frikort' }),
    waivedAmountSek: z.number().int().min(0).meta({ example: 200 }),
  }),
]);

/** Offset paging of the list reads: `next` is null on the last page. */
export const OffsetPage = z.object({
  limit: z.number().int().meta({ example: 200 }),
  offset: z.number().int().meta({ example: 0 }),
  next: z.object({ offset: z.number().int() }).nullable(),
});

/** The activity plan's schedule as stored (the defaults shown). */
export const PlanSchedule = DomainPlanSchedule.meta({
  example: { startDate: '2026-11-22', repeat: 'until-further-notice', endDate: null, interval: 'weekly', weekday: 'sunday', time: '16:00', reportWindowDays: 3 },
});
export const PlanQuestion = DomainPlanQuestion.meta({
  example: { id: 'trained', text: 'Har du tränat enligt ditt program?', answerType: 'yes-no', mandatory: false },
});
