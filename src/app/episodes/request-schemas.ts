// Request bodies of the write endpoints, derived from the command schemas so that the edge
// and the domain validate with the same definitions. Server-supplied ids are left out.
import { z } from 'zod';
import {
  ActivatePlan,
  ChangeTherapist,
  CompletePart,
  CorrectJournalEntry,
  EditWelcomeText,
  EndEpisode,
  MarkMessagesRead,
  RecordJournalEntry,
  RecordRegistryFollowUp,
  ReportActivity,
  RevealExercises,
  SendMessage,
  StartAssignment,
} from '../../domain/episode/commands';
import { UnitSettings } from '../../domain/rules';
import { MODULE_IDS } from '../../domain/reference/catalogue';

export const AssignBody = StartAssignment.shape.data.omit({ episodeId: true, unitId: true });
export const WelcomeTextBody = EditWelcomeText.shape.data;
export const ProgressBody = CompletePart.shape.data;
export const ExercisesBody = RevealExercises.shape.data;
export const ActivityPlanBody = ActivatePlan.shape.data;
export const ActivityReportBody = ReportActivity.shape.data;
export const MessageBody = SendMessage.shape.data.omit({ messageId: true, newConversationId: true });
export const MessagesReadBody = MarkMessagesRead.shape.data;
export const TherapistBody = ChangeTherapist.shape.data;
export const JournalEntryBody = RecordJournalEntry.shape.data;
export const JournalCorrectionBody = CorrectJournalEntry.shape.data;
export const EndBody = EndEpisode.shape.data;
export const FollowUpBody = RecordRegistryFollowUp.shape.data;

export const AbsenceNoticeBody = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    text: z.string().trim().min(1).max(5000),
  })
  .strict()
  .refine((b) => Date.parse(b.to) > Date.parse(b.from), { message: 'to must be after from', path: ['to'] });

export const UnitSettingsBody = UnitSettings.partial().strict();

// Path parameters, as the OpenAPI document describes them (an id that cannot name anything is 404).
export const EpisodeIdParam = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/).meta({ description: 'The episode (a ULID).', example: '01KAX1Z3Q8M5N7P2R4S6T8V0WY' });
export const ModuleIdParam = z.enum(MODULE_IDS).meta({ description: 'A theory module of the catalogue.', example: 'hand' });
export const UnitIdParam = z.string().min(1).max(200).meta({ description: "The care unit's HSA id: the caller's own unit.", example: 'SE2321000131-E001' });
export const NoticeIdParam = z.string().min(1).max(200).meta({ description: 'The notice, as its publication answered.', example: '01KAX20B5C7D9E1F3G5H7J9K1M' });
export const EpisodePath = { id: EpisodeIdParam };
export const ModulePath = { id: EpisodeIdParam, moduleId: ModuleIdParam };
