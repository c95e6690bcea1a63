// What can be asked of an episode. Each command is one zod schema with `type` as
// discriminator. Ids that must be fresh (episode, message, conversation) are supplied by
// the application, because the domain draws no random numbers.
import { z } from 'zod';
import { AnsweredVia, AnswerValue, MeasureName, RegistryCorrection, RegistryMeasures, RegistryTimepoint, Weekday } from './events';
import { AnswerType } from '../reference/catalogue';
import { UnitSettings } from '../rules';

const Id = z.string().trim().min(1).max(200);
const LocalDate = z.iso.date();

export const PatientStatus = z.object({ hasLoggedIn: z.boolean(), notificationsEnabled: z.boolean() });

export const FeeExemptionInput = z.object({
  reason: z.string().trim().min(1).max(500),
  kind: z.enum(['high-cost-card', 'age', 'other']).optional(),
});

const command = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({ type: z.literal(type), data: z.object(data).strict() });

export const StartAssignment = command('StartAssignment', {
  episodeId: Id,
  unitId: Id,
  /** Raw as typed by the therapist; the domain validates and canonicalises it. */
  personnummer: z.string().max(20),
  therapistId: Id,
  diagnosisCode: z.string().trim().min(1).max(10),
  examinedBy: Id.optional(),
  examinedOn: LocalDate.optional(),
  patientStatus: PatientStatus.optional(),
  welcomeText: z.string().trim().min(1).max(10_000).optional(),
  feeExemption: FeeExemptionInput.optional(),
});

export const EditWelcomeText = command('EditWelcomeText', { text: z.string().trim().min(1).max(10_000) });
export const HideModule = command('HideModule', { moduleId: Id });
export const ShowModule = command('ShowModule', { moduleId: Id });
export const CompletePart = command('CompletePart', { moduleId: Id, partId: Id });
export const RevealExercises = command('RevealExercises', {
  programme: z.enum(['leg', 'hand']),
  exerciseIds: z.array(Id).min(1).max(100),
});

export const PlanQuestionInput = z.object({
  id: Id,
  text: z.string().trim().min(1).max(1000).optional(),
  answerType: AnswerType.optional(),
  mandatory: z.boolean().default(false),
});
export const PlanScheduleInput = z
  .object({
    startDate: LocalDate.optional(),
    repeat: z.enum(['until-further-notice', 'until-date', 'once']).optional(),
    endDate: LocalDate.optional(),
    interval: z.enum(['daily', 'weekly', 'every-second-week']).optional(),
    weekday: Weekday.optional(),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time as HH:MM').optional(),
    reportWindowDays: z.number().int().min(0).max(14).optional(),
  })
  .strict();
export const ActivatePlan = command('ActivatePlan', {
  questions: z.array(PlanQuestionInput).min(1).max(30).optional(),
  schedule: PlanScheduleInput.optional(),
});

export const ReportActivity = command('ReportActivity', {
  /** The scheduled occasion answered: its date, or its date-time. */
  occasion: z.union([LocalDate, z.iso.datetime({ offset: true })]),
  answers: z.record(z.string().min(1).max(200), AnswerValue),
});

export const SendMessage = command('SendMessage', {
  messageId: Id,
  /** A reply names its conversation; without it a new conversation starts. */
  conversationId: Id.optional(),
  newConversationId: Id,
  text: z.string().trim().min(1).max(20_000),
  notifyInbox: z.boolean().optional(),
});
export const MarkMessagesRead = command('MarkMessagesRead', { upToMessageId: Id });
export const ChangeTherapist = command('ChangeTherapist', {
  therapistId: Id,
  reason: z.enum(['absence', 'reassignment', 'return']),
});
export const RecordJournalEntry = command('RecordJournalEntry', {
  obligationId: Id,
  journalReference: z.string().trim().min(1).max(200).optional(),
  form: z.enum(['contact', 'note']).optional(),
});
export const CorrectJournalEntry = command('CorrectJournalEntry', {
  obligationId: Id,
  journalReference: z.string().trim().min(1).max(200).optional(),
  reason: z.string().trim().min(1).max(500),
});
export const EndEpisode = command('EndEpisode', { outcome: z.enum(['completed', 'abandoned']) });
export const RecordRegistryFollowUp = command('RecordRegistryFollowUp', {
  timepoint: RegistryTimepoint,
  /** The answers; with `correction`, the corrected values (measures not named keep theirs). */
  measures: RegistryMeasures.strict(),
  /** Staff say how the answer came (paper or phone); the patient's own answer is always 1177. */
  answeredVia: AnsweredVia.optional(),
  /** Correct the recorded timepoint instead (staff only): a new event, the earlier one stays. */
  correction: z
    .object({
      reason: RegistryCorrection.shape.reason,
      /** Measures recorded by mistake, to be left unanswered. */
      clear: z.array(MeasureName).max(20).optional(),
    })
    .strict()
    .optional(),
});

export const EpisodeCommand = z.discriminatedUnion('type', [
  StartAssignment,
  EditWelcomeText,
  HideModule,
  ShowModule,
  CompletePart,
  RevealExercises,
  ActivatePlan,
  ReportActivity,
  SendMessage,
  MarkMessagesRead,
  ChangeTherapist,
  RecordJournalEntry,
  CorrectJournalEntry,
  EndEpisode,
  RecordRegistryFollowUp,
]);
export type EpisodeCommand = z.infer<typeof EpisodeCommand>;

/**
 * Schema version per command type. Commands are not stored, but their shape is what clients
 * send: a change that breaks it takes a new version (and the old form keeps working).
 */
export const EPISODE_COMMAND_VERSIONS: Record<EpisodeCommand['type'], number> = {
  StartAssignment: 1,
  EditWelcomeText: 1,
  HideModule: 1,
  ShowModule: 1,
  CompletePart: 1,
  RevealExercises: 1,
  ActivatePlan: 1,
  ReportActivity: 1,
  SendMessage: 1,
  MarkMessagesRead: 1,
  ChangeTherapist: 1,
  RecordJournalEntry: 1,
  CorrectJournalEntry: 1,
  EndEpisode: 1,
  RecordRegistryFollowUp: 1,
};
export type CommandOf<T extends EpisodeCommand['type']> = Extract<EpisodeCommand, { type: T }>;

/**
 * `integration`: a backend team's system reading the event feed (no writes).
 * `registry_export`: the job that feeds the quality registry (reads the registry export only).
 */
export const ActorRole = z.enum(['therapist', 'unit_admin', 'auditor', 'reporting', 'patient_gateway', 'integration', 'registry_export']);
export type ActorRole = z.infer<typeof ActorRole>;

/** Who acts, and when. `settings` are the unit's, needed at assignment. */
export interface DecisionContext {
  readonly now: string;
  readonly actor: { readonly id: string; readonly role: ActorRole; readonly unitId?: string };
  readonly settings?: UnitSettings;
}
