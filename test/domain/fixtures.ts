// Test data for the episode: ids, actors, and builders for past events and commands.
// Personnummer: only Skatteverket's published test numbers (or numbers generated in a test).
import type { CommandOf, DecisionContext, EpisodeCommand } from '../../src/domain/episode/commands';
import type { EpisodeEvent, EventOf } from '../../src/domain/episode/events';
import { DEFAULT_UNIT_SETTINGS, DEFAULT_WELCOME_TEXT, type ObligationTrigger, type UnitSettings } from '../../src/domain/rules';
import { DEFAULT_ACTOR, DEFAULT_NOW } from './decider-specification';

export const NOW = DEFAULT_NOW; // Sunday 2026-11-22, 10:00 in Stockholm
export const TODAY = '2026-11-22';
export const ACCESS_UNTIL = '2027-02-22'; // today + 3 months
export const EPISODE_ID = '01KAWZ3Q5V8J2M6N4P7R9S1T3X';
export const UNIT_ID = 'SE2321000131-E001';
export const THERAPIST_ID = DEFAULT_ACTOR.id;
export const STAND_IN_ID = 'SE2321000131-T002';
export const THIRD_THERAPIST_ID = 'SE2321000131-T003';
export const ADMIN_ID = 'SE2321000131-A001';
export const GATEWAY_ID = '1177-sob-gateway';

/** Skatteverket's test personnummer. */
export const PERSONNUMMER = '19121212-1212';
export const PERSONNUMMER_CANONICAL = '191212121212';

type Actor = DecisionContext['actor'];
export const therapist: Actor = DEFAULT_ACTOR;
export const standIn: Actor = { id: STAND_IN_ID, role: 'therapist', unitId: UNIT_ID };
export const unitAdmin: Actor = { id: ADMIN_ID, role: 'unit_admin', unitId: UNIT_ID };
export const patient: Actor = { id: GATEWAY_ID, role: 'patient_gateway', unitId: UNIT_ID };

/** The patient's context at a given instant. */
export const asPatient = (now = NOW): Partial<DecisionContext> => ({ now, actor: patient });

/** KVÅ codes as one region that registers ZV051 instead of ZV044 has them. */
export const ZV051_CODES: UnitSettings['journalCodes'] = {
  assignment: ['GB020', 'ZV051'],
  'completed-school': ['GB020', 'ZV051'],
  conversation: ['GB020', 'ZV051'],
  end: ['GB020', 'ZV051'],
};
export const settingsWith = (overrides: Partial<UnitSettings>): UnitSettings => ({ ...DEFAULT_UNIT_SETTINGS, ...overrides });

// ---- past events ----------------------------------------------------------------------

export const assignmentStarted = (o: Partial<EventOf<'AssignmentStarted'>['data']> = {}): EventOf<'AssignmentStarted'> => ({
  type: 'AssignmentStarted',
  data: {
    episodeId: EPISODE_ID,
    unitId: UNIT_ID,
    patient: { personnummer: PERSONNUMMER_CANONICAL, kind: 'personnummer', birthDate: '1912-12-12' },
    therapistId: THERAPIST_ID,
    assignedBy: THERAPIST_ID,
    diagnosis: { code: 'M17.1', examinedBy: THERAPIST_ID, examinedOn: null },
    welcomeText: DEFAULT_WELCOME_TEXT,
    accessUntil: ACCESS_UNTIL,
    warnings: [],
    journalCodes: DEFAULT_UNIT_SETTINGS.journalCodes,
    at: NOW,
    ...o,
  },
});

export const obligationRaised = (
  trigger: ObligationTrigger,
  triggerRevision: number,
  o: Partial<EventOf<'JournalObligationRaised'>['data']> = {},
): EventOf<'JournalObligationRaised'> => ({
  type: 'JournalObligationRaised',
  data: {
    obligationId: o.conversationId ? `conversation-${o.conversationId}` : trigger,
    trigger,
    triggerRevision,
    conversationId: null,
    kvaCodes: ['GB020', 'ZV044'],
    diagnosisCode: 'M17.1',
    searchWord: 'Artrosbehandling',
    therapistId: THERAPIST_ID,
    at: NOW,
    ...o,
  },
});

/** A freshly assigned episode: revisions 0 (assignment), 1 (fee), 2 (obligation). */
export const assigned = (o: Partial<EventOf<'AssignmentStarted'>['data']> = {}): EpisodeEvent[] => [
  assignmentStarted(o),
  { type: 'FeeCharged', data: { amountSek: 200, currency: 'SEK', at: NOW } },
  obligationRaised('assignment', 0, { kvaCodes: [...(o.journalCodes ?? DEFAULT_UNIT_SETTINGS.journalCodes).assignment] }),
];

export const partCompleted = (moduleId: string, partId: string, at = NOW): EventOf<'PartCompleted'> => ({
  type: 'PartCompleted',
  data: { moduleId, partId, at },
});
export const moduleHidden = (moduleId: string, at = NOW): EventOf<'ModuleHidden'> => ({
  type: 'ModuleHidden',
  data: { moduleId, by: THERAPIST_ID, at },
});
export const messageSent = (
  messageId: string,
  conversationId: string,
  o: Partial<EventOf<'MessageSent'>['data']> = {},
): EventOf<'MessageSent'> => ({
  type: 'MessageSent',
  data: {
    messageId,
    conversationId,
    startsConversation: false,
    senderRole: 'patient',
    senderId: GATEWAY_ID,
    text: 'Det gör ont i knät efter promenaden.',
    notifyInbox: false,
    at: NOW,
    ...o,
  },
});
export const therapistChanged = (
  fromTherapistId: string,
  toTherapistId: string,
  reason: 'absence' | 'reassignment' | 'return',
): EventOf<'TherapistChanged'> => ({
  type: 'TherapistChanged',
  data: { fromTherapistId, toTherapistId, reason, by: ADMIN_ID, at: NOW },
});
export const journalRecorded = (obligationId: string, journalReference: string | null = null): EventOf<'JournalEntryRecorded'> => ({
  type: 'JournalEntryRecorded',
  data: { obligationId, journalReference, form: null, by: THERAPIST_ID, at: NOW },
});
export const episodeCompleted = (at = NOW): EventOf<'EpisodeCompleted'> => ({ type: 'EpisodeCompleted', data: { by: THERAPIST_ID, at } });
export const episodeAbandoned = (at = NOW): EventOf<'EpisodeAbandoned'> => ({ type: 'EpisodeAbandoned', data: { by: THERAPIST_ID, at } });

/** The history, then ended as abandoned ("Invånare avbryter momentet") with its end obligation. */
export const endedAfter = (history: EpisodeEvent[]): EpisodeEvent[] => [...history, episodeAbandoned(), obligationRaised('end', history.length)];
/** An episode ended as abandoned (no school completed): 5 events, revisions 0-4. */
export const ended = (): EpisodeEvent[] => endedAfter(assigned());

// ---- commands -------------------------------------------------------------------------

export const startAssignment = (o: Partial<CommandOf<'StartAssignment'>['data']> = {}): CommandOf<'StartAssignment'> => ({
  type: 'StartAssignment',
  data: { episodeId: EPISODE_ID, unitId: UNIT_ID, personnummer: PERSONNUMMER, therapistId: THERAPIST_ID, diagnosisCode: 'M17.1', ...o },
});

/** One valid command of every type but StartAssignment, for the rules that hold for all. */
export const oneOfEach: Record<Exclude<EpisodeCommand['type'], 'StartAssignment'>, EpisodeCommand> = {
  EditWelcomeText: { type: 'EditWelcomeText', data: { text: 'Välkommen! Börja med höft och knä.' } },
  HideModule: { type: 'HideModule', data: { moduleId: 'hand' } },
  ShowModule: { type: 'ShowModule', data: { moduleId: 'hand' } },
  CompletePart: { type: 'CompletePart', data: { moduleId: 'hip-knee', partId: 'hk-pain' } },
  RevealExercises: { type: 'RevealExercises', data: { programme: 'leg', exerciseIds: ['leg-bridge'] } },
  ActivatePlan: { type: 'ActivatePlan', data: {} },
  ReportActivity: { type: 'ReportActivity', data: { occasion: TODAY, answers: { trained: true } } },
  SendMessage: { type: 'SendMessage', data: { messageId: 'msg-9', newConversationId: 'conv-9', text: 'Hej!' } },
  MarkMessagesRead: { type: 'MarkMessagesRead', data: { upToMessageId: 'msg-1' } },
  ChangeTherapist: { type: 'ChangeTherapist', data: { therapistId: STAND_IN_ID, reason: 'absence' } },
  RecordJournalEntry: { type: 'RecordJournalEntry', data: { obligationId: 'assignment' } },
  CorrectJournalEntry: { type: 'CorrectJournalEntry', data: { obligationId: 'assignment', reason: 'Fel journalnummer.' } },
  EndEpisode: { type: 'EndEpisode', data: { outcome: 'completed' } },
  RecordRegistryFollowUp: { type: 'RecordRegistryFollowUp', data: { timepoint: 'baseline', measures: { pain: 6 } } },
};
