// The answers of the writes: `{ episodeId, revision, position }` (or `unitId`) and the extras
// each command's events give (answerExtras in the write path). `unchanged: true` says the
// command wrote nothing because it was already so (the same text again, a part done before).
import { z } from 'zod';
import { UnitSettings } from '../../domain/rules';
import {
  PlanQuestion,
  PlanSchedule,
  ConversationId,
  EpisodeId,
  EpisodeStatus,
  FeeAnswer,
  Instant,
  LocalDate,
  MessageId,
  NoticeId,
  ObligationId,
  Position,
  Revision,
  UnitId,
  Warnings,
} from './answer-fields';

const Unchanged = z.literal(true).meta({ description: 'Present when nothing needed writing: `revision` and `position` are then the stream\'s current ones.' });

const base = {
  episodeId: EpisodeId,
  revision: Revision,
  position: Position.meta({ description: 'Global log position of the last event written; pass it as `?after=` to read your write.' }),
};

/** An episode write that may find nothing to do. */
export const EpisodeWriteAnswer = z.object({ ...base, unchanged: Unchanged.optional() });

/** `POST /episodes`. */
export const AssignmentAnswer = z.object({
  ...base,
  status: z.literal('active'),
  warnings: Warnings,
  accessUntil: LocalDate,
  fee: FeeAnswer,
  journalObligations: z.array(ObligationId).meta({ example: ['assignment'] }),
});

/** `POST /episodes/{id}/messages`. */
export const MessageAnswer = z.object({
  ...base,
  messageId: MessageId,
  conversationId: ConversationId,
  journalObligations: z
    .array(ObligationId)
    .optional()
    .meta({ description: 'A new conversation raises its journal obligation.', example: ['conversation-01KAX1Z8C2D4F6G8H0J2K4M6N9'] }),
  unchanged: Unchanged.optional(),
});

/** `POST /episodes/{id}/activity-plan`: the plan as stored, defaults filled in. */
export const PlanAnswer = z.object({
  ...base,
  plan: z.object({ questions: z.array(PlanQuestion), schedule: PlanSchedule, activatedAt: Instant }),
});

/** `POST /episodes/{id}/progress`: completing the last part of a module completes the school. */
export const ProgressAnswer = z.object({
  ...base,
  journalObligations: z.array(ObligationId).optional().meta({ example: ['completed-school'] }),
  unchanged: Unchanged.optional(),
});

/** `POST /episodes/{id}/end`. */
export const EndAnswer = z.object({
  ...base,
  status: EpisodeStatus.exclude(['active']).meta({ example: 'completed' }),
  journalObligations: z.array(ObligationId).meta({ example: ['completed-school', 'end'] }),
});

const unitBase = { unitId: UnitId, revision: Revision, position: Position };

/** `POST /units/{unitId}/absence-notices`. */
export const AbsenceNoticeAnswer = z.object({
  ...unitBase,
  noticeId: NoticeId,
  from: Instant,
  to: Instant,
  text: z.string().meta({ example: 'Mottagningen är stängd 23-25 november. Vid akuta besvär, ring 1177.' }),
  unchanged: Unchanged.optional(),
});

/** `DELETE /units/{unitId}/absence-notices/{noticeId}`. */
export const UnitWriteAnswer = z.object({ ...unitBase, unchanged: Unchanged.optional() });

/** `PUT /units/{unitId}/settings`: the whole resulting settings (absent when unchanged). */
export const UnitSettingsAnswer = z.object({ ...unitBase, settings: UnitSettings.optional(), unchanged: Unchanged.optional() });

/** `POST /units/{unitId}/patient-erasures`. */
export const ErasureAnswer = z.object({
  unitId: UnitId,
  erased: z.literal(true),
  episodeIds: z.array(EpisodeId).meta({ description: "The patient's episodes at the unit whose personal fields now read `[removed]`." }),
  keysDestroyed: z.number().int().min(0).meta({ example: 1 }),
  revision: Revision,
  position: Position,
});
