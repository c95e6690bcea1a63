// The treatment episode's events ("moment" in 1177 Stöd och behandling). Each event is
// one zod schema with `type` as discriminator; its schema version is kept beside it and
// stored in the envelope. Types come from z.infer, so schema and type never drift.
import { z } from 'zod';
import { FollowUpWindow, ObligationTrigger } from '../rules';
import { AnswerType } from '../reference/catalogue';
import { ERASED } from '../shared/personal-data';

const Instant = z.iso.datetime({ offset: true });
const LocalDate = z.iso.date();
const Id = z.string().min(1).max(200);

export const Warning = z.enum(['PATIENT_NEVER_LOGGED_IN', 'NOTIFICATIONS_DISABLED']);
export type Warning = z.infer<typeof Warning>;

export const PlanQuestion = z.object({
  id: Id,
  text: z.string().min(1).max(1000),
  answerType: AnswerType,
  mandatory: z.boolean(),
});
export type PlanQuestion = z.infer<typeof PlanQuestion>;

export const Weekday = z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
export const PlanSchedule = z.object({
  startDate: LocalDate,
  /** "Tillsvidare" (until further notice) is the default. */
  repeat: z.enum(['until-further-notice', 'until-date', 'once']),
  endDate: LocalDate.nullable(),
  interval: z.enum(['daily', 'weekly', 'every-second-week']),
  weekday: Weekday,
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** Days after the occasion the patient may still report. */
  reportWindowDays: z.number().int().min(0).max(14),
});
export type PlanSchedule = z.infer<typeof PlanSchedule>;

export const AnswerValue = z.union([z.boolean(), z.number(), z.string().max(2000)]);

/** The quality registry's timepoints (BOA / Svenska Artrosregistret). */
export const RegistryTimepoint = z.enum(['baseline', '3-months', '12-months']);
export type RegistryTimepoint = z.infer<typeof RegistryTimepoint>;

const Eq5dLevel = z.number().int().min(1).max(5);
/** EQ-5D-5L's descriptive system: five dimensions, each at level 1 (no problems) to 5 (extreme problems). */
export const Eq5d5lDimensions = z
  .object({
    mobility: Eq5dLevel,
    selfCare: Eq5dLevel,
    usualActivities: Eq5dLevel,
    painDiscomfort: Eq5dLevel,
    anxietyDepression: Eq5dLevel,
  })
  .strict();

/** Each measure on its instrument's own scale. */
export const RegistryMeasures = z.object({
  /** Pain, NRS (numeric rating scale) 0-10, whole numbers. */
  pain: z.number().int().min(0).max(10).optional(),
  /** EQ-5D-5L's five dimensions (levels 1-5). */
  eq5d5l: Eq5d5lDimensions.optional(),
  /** EQ-5D index as reported (from the licensed value set; never computed here), at most 1. */
  eq5dIndex: z.number().min(-1).max(1).optional(),
  /** EQ VAS, 0 (worst imaginable health) to 100 (best), whole numbers. */
  eqVas: z.number().int().min(0).max(100).optional(),
  /** Arthritis self-efficacy (ASES), 1-10. */
  selfEfficacy: z.number().min(1).max(10).optional(),
  /** Days per week with at least 30 minutes of physical activity. */
  physicalActivityDays: z.number().int().min(0).max(7).optional(),
  fearOfMovement: z.boolean().optional(),
  wishForSurgery: z.boolean().optional(),
  sickLeave: z.boolean().optional(),
  /** Satisfaction with the treatment, 1 (very dissatisfied) to 5 (very satisfied). */
  satisfaction: z.number().int().min(1).max(5).optional(),
  schoolCompleted: z.boolean().optional(),
});
export type RegistryMeasures = z.infer<typeof RegistryMeasures>;
export const MeasureName = RegistryMeasures.keyof();
export type MeasureName = z.infer<typeof MeasureName>;

/** How the questionnaire reached the registry: the patient through 1177, or staff from a paper or phone answer. */
export const AnsweredVia = z.enum(['1177', 'paper', 'phone']);
export type AnsweredVia = z.infer<typeof AnsweredVia>;

const event = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({ type: z.literal(type), data: z.object(data) });

/** "Starta momentet": the therapist assigns the school to the patient. */
export const AssignmentStarted = event('AssignmentStarted', {
  episodeId: Id,
  unitId: Id,
  patient: z.object({
    /** Canonical 12 digits. Personal data: never logged. */
    personnummer: z.union([z.string().regex(/^\d{12}$/), z.literal(ERASED)]),
    kind: z.enum(['personnummer', 'samordningsnummer']),
    birthDate: z.union([LocalDate, z.literal(ERASED)]),
  }),
  therapistId: Id,
  assignedBy: Id,
  diagnosis: z.object({ code: z.string(), examinedBy: Id, examinedOn: LocalDate.nullable() }),
  welcomeText: z.string().min(1),
  accessUntil: LocalDate,
  warnings: z.array(Warning),
  journalCodes: z.record(ObligationTrigger, z.array(z.string())),
  /** The unit's own registry follow-up window, when it set one; absent: the defaults. */
  followUpWindow: FollowUpWindow.optional(),
  at: Instant,
});

/**
 * The fee invoiced at assignment.
 * v2 added `currency` for the invoicing export; v1 events are upcast with 'SEK'.
 */
export const FeeCharged = event('FeeCharged', { amountSek: z.number().int().min(0), currency: z.literal('SEK'), at: Instant });

/** No fee: an exemption (frikort, age rule, ...) is always recorded with its reason. */
export const FeeExempted = event('FeeExempted', {
  kind: z.enum(['high-cost-card', 'age', 'other']),
  reason: z.string().min(1).max(500),
  waivedAmountSek: z.number().int().min(0),
  at: Instant,
});

export const WelcomeTextEdited = event('WelcomeTextEdited', { text: z.string().min(1), by: Id, at: Instant });

/** Moved to "Kommande" (upcoming): hidden from the patient. */
export const ModuleHidden = event('ModuleHidden', { moduleId: Id, by: Id, at: Instant });
export const ModuleShown = event('ModuleShown', { moduleId: Id, by: Id, at: Instant });

/** A part the patient went through (shown green to the therapist). */
export const PartCompleted = event('PartCompleted', { moduleId: Id, partId: Id, at: Instant });

/** "Genomförd artrosskola": all parts of a module done, or the episode ended as completed. */
export const SchoolCompleted = event('SchoolCompleted', {
  basis: z.enum(['all-parts-of-module', 'ended-as-completed']),
  moduleId: Id.nullable(),
  at: Instant,
});

/** Exercise films made visible under "Startade moduler". */
export const ExercisesRevealed = event('ExercisesRevealed', {
  programme: z.enum(['leg', 'hand']),
  exerciseIds: z.array(Id).min(1),
  by: Id,
  at: Instant,
});

/** "Spara och aktivera": the activity plan (Uppföljning träning) starts. */
export const PlanActivated = event('PlanActivated', {
  questions: z.array(PlanQuestion).min(1),
  schedule: PlanSchedule,
  by: Id,
  at: Instant,
});

/** The patient's diary entry for one scheduled occasion. */
export const ActivityReported = event('ActivityReported', {
  occasion: LocalDate,
  answers: z.record(z.string(), AnswerValue),
  at: Instant,
});

export const MessageSent = event('MessageSent', {
  messageId: Id,
  conversationId: Id,
  startsConversation: z.boolean(),
  senderRole: z.enum(['therapist', 'patient']),
  senderId: Id,
  /** Personal data: never logged. */
  text: z.string().min(1),
  /** "Avisera till inkorgen". */
  notifyInbox: z.boolean(),
  at: Instant,
});

/** The therapist has read the patient's messages up to and including this one. */
export const MessagesRead = event('MessagesRead', { upToMessageId: Id, by: Id, at: Instant });

/** "Byt behandlare". */
export const TherapistChanged = event('TherapistChanged', {
  fromTherapistId: Id,
  toTherapistId: Id,
  reason: z.enum(['absence', 'reassignment', 'return']),
  by: Id,
  at: Instant,
});

/** A duty to journal in the EHR arose, with the codes to register. */
export const JournalObligationRaised = event('JournalObligationRaised', {
  obligationId: Id,
  trigger: ObligationTrigger,
  /** Revision of the event that caused it (in this stream). */
  triggerRevision: z.number().int().min(0),
  conversationId: Id.nullable(),
  kvaCodes: z.array(z.string()).min(1),
  diagnosisCode: z.string(),
  searchWord: z.string(),
  therapistId: Id,
  at: Instant,
});

export const JournalEntryRecorded = event('JournalEntryRecorded', {
  obligationId: Id,
  journalReference: z.string().max(200).nullable(),
  /** For the completed school: registered at the next contact or in a note ("notat"). */
  form: z.enum(['contact', 'note']).nullable(),
  by: Id,
  at: Instant,
});

/** A correction never edits: it names what it corrects, who corrected it and when. */
export const JournalEntryCorrected = event('JournalEntryCorrected', {
  obligationId: Id,
  correctsRevision: z.number().int().min(0),
  journalReference: z.string().max(200).nullable(),
  reason: z.string().min(1).max(500),
  by: Id,
  at: Instant,
});

/** "Moment slutfört". */
export const EpisodeCompleted = event('EpisodeCompleted', { by: Id, at: Instant });
/** "Invånare avbryter momentet". */
export const EpisodeAbandoned = event('EpisodeAbandoned', { by: Id, at: Instant });

const MeasureValue = z.union([z.number(), z.boolean(), Eq5d5lDimensions]);

/** What a correction of a recorded follow-up changed, and why. */
export const RegistryCorrection = z.object({
  /** Revision of the recording (or of the previous correction) it corrects. */
  correctsRevision: z.number().int().min(0),
  /** Each changed measure, before and after; null where it was or becomes unanswered. */
  changes: z.array(z.object({ measure: MeasureName, from: MeasureValue.nullable(), to: MeasureValue.nullable() })).min(1),
  reason: z.enum(['transcription-error', 'patient-corrected-answer', 'other']),
});

/**
 * Quality-registry follow-up (BOA / Svenska Artrosregistret): the patient's questionnaire at
 * one timepoint, by `by` (the 1177 gateway for the patient's own answer). `answeredVia` is
 * absent in events written before it was kept, and when staff did not say. With
 * `correction` the event corrects the timepoint's earlier recording, which stays as it was:
 * `measures` are then the values as corrected.
 */
export const RegistryFollowUpRecorded = event('RegistryFollowUpRecorded', {
  timepoint: RegistryTimepoint,
  measures: RegistryMeasures,
  answeredVia: AnsweredVia.optional(),
  correction: RegistryCorrection.optional(),
  by: Id,
  at: Instant,
});

export const EpisodeEvent = z.discriminatedUnion('type', [
  AssignmentStarted,
  FeeCharged,
  FeeExempted,
  WelcomeTextEdited,
  ModuleHidden,
  ModuleShown,
  PartCompleted,
  SchoolCompleted,
  ExercisesRevealed,
  PlanActivated,
  ActivityReported,
  MessageSent,
  MessagesRead,
  TherapistChanged,
  JournalObligationRaised,
  JournalEntryRecorded,
  JournalEntryCorrected,
  EpisodeCompleted,
  EpisodeAbandoned,
  RegistryFollowUpRecorded,
]);
export type EpisodeEvent = z.infer<typeof EpisodeEvent>;
export type EpisodeEventType = EpisodeEvent['type'];
export type EventOf<T extends EpisodeEventType> = Extract<EpisodeEvent, { type: T }>;

/** Current schema version per event type; upcasters lift older stored versions to these. */
export const EPISODE_EVENT_VERSIONS: Record<EpisodeEventType, number> = {
  AssignmentStarted: 1,
  FeeCharged: 2,
  FeeExempted: 1,
  WelcomeTextEdited: 1,
  ModuleHidden: 1,
  ModuleShown: 1,
  PartCompleted: 1,
  SchoolCompleted: 1,
  ExercisesRevealed: 1,
  PlanActivated: 1,
  ActivityReported: 1,
  MessageSent: 1,
  MessagesRead: 1,
  TherapistChanged: 1,
  JournalObligationRaised: 1,
  JournalEntryRecorded: 1,
  JournalEntryCorrected: 1,
  EpisodeCompleted: 1,
  EpisodeAbandoned: 1,
  RegistryFollowUpRecorded: 1,
};
