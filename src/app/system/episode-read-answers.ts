// The answers of the reads of one episode: the therapist's progress view, the conversations,
// and what the patient sees in 1177.
import { z } from 'zod';
import {
  PlanQuestion,
  PlanSchedule,
  ConversationId,
  DiagnosisCode,
  EpisodeId,
  EpisodeStatus,
  ExerciseId,
  Instant,
  LocalDate,
  MessageId,
  ModuleId,
  Outcome,
  PartId,
  Personnummer,
  PersonnummerMasked,
  Position,
  Programme,
  Revision,
  TherapistId,
  UnitId,
  UserId,
  Warnings,
} from './answer-fields';

const Deprecated = (what: string) => ({ deprecated: true, description: `Deprecated: use \`${what}\`. Kept for one version (docs/api.md).` });

export const UnreadCount = z
  .number()
  .int()
  .min(0)
  .meta({ description: "The patient's messages the therapist has not read: the same name wherever an episode is shown.", example: 1 });

const Occasion = z.object({
  occasion: LocalDate.meta({ description: 'The occasion as a report names it.', example: '2026-11-22' }),
  scheduledAt: Instant,
  window: z.object({ opensAt: Instant, closesAt: Instant }),
  status: z.enum(['reported', 'open', 'missed', 'upcoming']).meta({ example: 'open' }),
  reportedAt: Instant.nullable(),
});

const Adherence = z.object({
  due: z.number().int().min(0).meta({ example: 1 }),
  reported: z.number().int().min(0).meta({ example: 1 }),
  share: z.number().min(0).max(1).nullable().meta({ description: 'reported / due (at most 1); null while nothing is due.', example: 1 }),
});

const Exercises = z
  .partialRecord(Programme, z.array(z.object({ exerciseId: ExerciseId, title: z.string().meta({ example: 'Uppresning från stol' }), revealedAt: Instant })))
  .meta({ description: 'Revealed exercise films per programme.' });

const FeeLine = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('charged'), amountSek: z.number().int().meta({ example: 200 }), at: Instant }),
  z.object({
    kind: z.literal('exempted'),
    exemptionKind: z.enum(['high-cost-card', 'age', 'other']),
    reason: z.string().meta({ description: 'Personal data.', example: 'Frikort' }),
    waivedAmountSek: z.number().int(),
    at: Instant,
  }),
]);

/** `GET /episodes/{id}`. */
export const ProgressView = z.object({
  episodeId: EpisodeId,
  unitId: UnitId,
  revision: Revision,
  position: Position,
  status: EpisodeStatus,
  outcome: Outcome.nullable(),
  patient: z.object({
    personnummer: Personnummer,
    personnummerMasked: PersonnummerMasked,
    kind: z.enum(['personnummer', 'samordningsnummer']),
    birthDate: z.union([LocalDate, z.literal('[removed]')]).meta({ example: '1912-12-12' }),
  }),
  therapistId: TherapistId,
  therapist: z.object({
    id: TherapistId,
    ordinaryTherapistId: TherapistId.nullable().meta({ description: 'The ordinary therapist while a stand-in covers an absence.' }),
  }),
  assignedAt: Instant,
  assignedBy: UserId,
  accessUntil: LocalDate,
  diagnosis: z.object({ code: DiagnosisCode, examinedBy: UserId, examinedOn: LocalDate.nullable() }),
  welcomeText: z.string().meta({ example: 'Välkommen till Digital Artrosskola!' }),
  fee: FeeLine.nullable(),
  modules: z.array(
    z.object({
      moduleId: ModuleId,
      title: z.string().meta({ example: 'Hip and knee osteoarthritis' }),
      visible: z.boolean().meta({ description: 'False while the module is hidden ("Kommande").' }),
      parts: z.array(
        z.object({
          partId: PartId,
          title: z.string().meta({ example: 'Vad är artros?' }),
          trainingIntroduction: z.boolean(),
          done: z.boolean(),
          doneAt: Instant.nullable(),
        }),
      ),
      partsDone: z.number().int().min(0),
      partsTotal: z.number().int().min(0),
    }),
  ),
  schoolCompleted: z.object({ basis: z.enum(['all-parts-of-module', 'ended-as-completed']), moduleId: ModuleId.nullable(), at: Instant }).nullable(),
  exercises: Exercises,
  activityPlan: z
    .object({
      questions: z.array(PlanQuestion),
      schedule: PlanSchedule,
      activatedAt: Instant,
      activatedBy: UserId,
      occasions: z.array(Occasion),
      adherence: Adherence,
    })
    .nullable(),
  messages: z.object({
    count: z.number().int().min(0),
    unreadCount: UnreadCount,
    unread: UnreadCount.meta(Deprecated('unreadCount')),
    lastMessageAt: Instant.nullable(),
  }),
  unreadCount: UnreadCount,
  unreadMessageCount: UnreadCount.meta(Deprecated('unreadCount')),
  journalObligationsOutstanding: z.number().int().min(0),
  registryFollowUps: z
    .partialRecord(z.enum(['baseline', '3-months', '12-months']), Instant)
    .meta({ description: 'When each registry (BOA) follow-up timepoint was recorded.' }),
  warnings: Warnings,
  endedAt: Instant.nullable(),
  endedBy: UserId.nullable(),
});

const MessageView = z.object({
  messageId: MessageId,
  conversationId: ConversationId,
  senderRole: z.enum(['therapist', 'patient']),
  senderId: UserId,
  sentAt: Instant,
  text: z.string().meta({ description: 'Personal data.', example: 'Hur ofta ska jag träna?' }),
  read: z.boolean().meta({ description: "Read by the therapist; a therapist's own message is read when sent." }),
  readAt: Instant.nullable(),
  notifyInbox: z.boolean().meta({ description: '"Avisera till inkorgen".' }),
});

/** `GET /episodes/{id}/messages`. */
export const MessagesView = z.object({
  episodeId: EpisodeId,
  unitId: UnitId.nullable(),
  unreadCount: UnreadCount,
  unread: UnreadCount.meta(Deprecated('unreadCount')),
  conversations: z.array(z.object({ conversationId: ConversationId, startedAt: Instant, messages: z.array(MessageView) })),
});

/** `GET /episodes/{id}/patient-view`. */
export const PatientView = z.object({
  episodeId: EpisodeId,
  status: EpisodeStatus,
  accessUntil: LocalDate,
  accessOpen: z.boolean().meta({ description: 'The patient may still work in the school and send messages.' }),
  welcomeText: z.string().meta({ example: 'Välkommen till Digital Artrosskola!' }),
  modules: z.array(
    z.object({
      moduleId: ModuleId,
      title: z.string().meta({ example: 'Höft- och knäartros' }),
      parts: z.array(z.object({ partId: PartId, title: z.string().meta({ example: 'Vad är artros?' }), done: z.boolean() })),
    }),
  ),
  exercises: Exercises,
  activityPlan: z.object({ questions: z.array(PlanQuestion), openOccasions: z.array(Occasion), nextOccasion: Occasion.nullable() }).nullable(),
  absenceNotice: z.object({ from: Instant, to: Instant, text: z.string() }).nullable(),
});
