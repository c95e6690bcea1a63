// The episode's state: what decide needs to enforce the rules, folded from its events.
// Plain JSON data (no class instances), so the auditor's timeline can show it as is.
// Message texts are left out on purpose: personal data stays in the events only.
import type { AnsweredVia, EpisodeEvent, PlanQuestion, PlanSchedule, RegistryMeasures, Warning } from './events';
import type { FollowUpWindow, ObligationTrigger } from '../rules';

export type EpisodeStatus = 'none' | 'active' | 'completed' | 'abandoned';

export interface ObligationState {
  readonly trigger: ObligationTrigger;
  readonly kvaCodes: readonly string[];
  readonly conversationId: string | null;
  readonly raisedAt: string;
  readonly recorded: null | {
    readonly revision: number;
    readonly journalReference: string | null;
    readonly form: 'contact' | 'note' | null;
    readonly by: string;
    readonly at: string;
  };
  readonly corrections: number;
}

export interface MessageState {
  readonly id: string;
  readonly conversationId: string;
  readonly senderRole: 'therapist' | 'patient';
  readonly notifyInbox: boolean;
  readonly at: string;
}

/** A recorded registry follow-up as it stands after its corrections. */
export interface FollowUpState {
  readonly measures: RegistryMeasures;
  /** Revision of the recording, or of its latest correction. */
  readonly revision: number;
  readonly answeredVia: AnsweredVia | null;
  readonly by: string;
  readonly at: string;
  readonly corrections: number;
}

export interface EpisodeState {
  readonly status: EpisodeStatus;
  /** Revision of the last event folded; -1 before the first. */
  readonly revision: number;
  readonly episodeId: string | null;
  readonly unitId: string | null;
  readonly patient: { readonly personnummer: string; readonly birthDate: string } | null;
  /** Responsible therapist now. */
  readonly therapistId: string | null;
  /** The ordinary therapist, while a stand-in covers an absence. */
  readonly absentTherapistId: string | null;
  readonly diagnosisCode: string | null;
  readonly welcomeText: string | null;
  readonly assignedAt: string | null;
  readonly accessUntil: string | null;
  readonly warnings: readonly Warning[];
  readonly journalCodes: Readonly<Record<string, readonly string[]>>;
  readonly fee: null | { readonly kind: 'charged'; readonly amountSek: number } | { readonly kind: 'exempted'; readonly reason: string };
  readonly hiddenModules: readonly string[];
  readonly completedParts: Readonly<Record<string, readonly string[]>>;
  readonly schoolCompleted: boolean;
  readonly revealedExercises: Readonly<Record<string, readonly string[]>>;
  readonly plan: null | { readonly questions: readonly PlanQuestion[]; readonly schedule: PlanSchedule; readonly activatedAt: string };
  readonly reports: Readonly<Record<string, { readonly at: string }>>;
  readonly messages: readonly MessageState[];
  /** Index in `messages` up to which the therapist has read; -1 for none. */
  readonly readUpTo: number;
  readonly obligations: Readonly<Record<string, ObligationState>>;
  readonly followUps: Readonly<Record<string, FollowUpState>>;
  readonly endedAt: string | null;
  /** The unit's own registry follow-up window, when the assignment carried one. */
  readonly followUpWindow?: FollowUpWindow;
}

export const initialState = (): EpisodeState => ({
  status: 'none',
  revision: -1,
  episodeId: null,
  unitId: null,
  patient: null,
  therapistId: null,
  absentTherapistId: null,
  diagnosisCode: null,
  welcomeText: null,
  assignedAt: null,
  accessUntil: null,
  warnings: [],
  journalCodes: {},
  fee: null,
  hiddenModules: [],
  completedParts: {},
  schoolCompleted: false,
  revealedExercises: {},
  plan: null,
  reports: {},
  messages: [],
  readUpTo: -1,
  obligations: {},
  followUps: {},
  endedAt: null,
});

export const unreadCount = (s: EpisodeState): number =>
  s.messages.filter((m, i) => i > s.readUpTo && m.senderRole === 'patient').length;

const unique = (xs: readonly string[], more: readonly string[]) => [...new Set([...xs, ...more])];

/** Own keys only, so ids such as "__proto__" or "constructor" are plain data. */
const own = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

/** Fold one event. Total over every event the schemas allow: it never throws. */
export function evolve(state: EpisodeState, event: EpisodeEvent): EpisodeState {
  const s: EpisodeState = { ...state, revision: state.revision + 1 };
  switch (event.type) {
    case 'AssignmentStarted': {
      const d = event.data;
      return {
        ...s,
        status: 'active',
        episodeId: d.episodeId,
        unitId: d.unitId,
        patient: { personnummer: d.patient.personnummer, birthDate: d.patient.birthDate },
        therapistId: d.therapistId,
        diagnosisCode: d.diagnosis.code,
        welcomeText: d.welcomeText,
        assignedAt: d.at,
        accessUntil: d.accessUntil,
        warnings: d.warnings,
        journalCodes: d.journalCodes,
        ...(d.followUpWindow ? { followUpWindow: d.followUpWindow } : {}),
      };
    }
    case 'FeeCharged':
      return { ...s, fee: { kind: 'charged', amountSek: event.data.amountSek } };
    case 'FeeExempted':
      return { ...s, fee: { kind: 'exempted', reason: event.data.reason } };
    case 'WelcomeTextEdited':
      return { ...s, welcomeText: event.data.text };
    case 'ModuleHidden':
      return { ...s, hiddenModules: unique(s.hiddenModules, [event.data.moduleId]) };
    case 'ModuleShown':
      return { ...s, hiddenModules: s.hiddenModules.filter((m) => m !== event.data.moduleId) };
    case 'PartCompleted': {
      const { moduleId, partId } = event.data;
      return { ...s, completedParts: { ...s.completedParts, [moduleId]: unique(own(s.completedParts, moduleId) ?? [], [partId]) } };
    }
    case 'SchoolCompleted':
      return { ...s, schoolCompleted: true };
    case 'ExercisesRevealed': {
      const { programme, exerciseIds } = event.data;
      return {
        ...s,
        revealedExercises: { ...s.revealedExercises, [programme]: unique(own(s.revealedExercises, programme) ?? [], exerciseIds) },
      };
    }
    case 'PlanActivated':
      return { ...s, plan: { questions: event.data.questions, schedule: event.data.schedule, activatedAt: event.data.at } };
    case 'ActivityReported':
      return { ...s, reports: { ...s.reports, [event.data.occasion]: { at: event.data.at } } };
    case 'MessageSent': {
      const d = event.data;
      const message: MessageState = { id: d.messageId, conversationId: d.conversationId, senderRole: d.senderRole, notifyInbox: d.notifyInbox, at: d.at };
      return { ...s, messages: [...s.messages, message] };
    }
    case 'MessagesRead': {
      const index = s.messages.findIndex((m) => m.id === event.data.upToMessageId);
      return { ...s, readUpTo: Math.max(s.readUpTo, index) };
    }
    case 'TherapistChanged': {
      const d = event.data;
      // Cover for an absence keeps the ordinary therapist in mind; moving back to that
      // therapist, whatever the stated reason, ends the absence.
      const ordinary = d.reason === 'absence' ? (s.absentTherapistId ?? d.fromTherapistId) : null;
      const absentTherapistId = ordinary === d.toTherapistId ? null : ordinary;
      return { ...s, therapistId: d.toTherapistId, absentTherapistId };
    }
    case 'JournalObligationRaised': {
      const d = event.data;
      const obligation: ObligationState = {
        trigger: d.trigger,
        kvaCodes: d.kvaCodes,
        conversationId: d.conversationId,
        raisedAt: d.at,
        recorded: null,
        corrections: 0,
      };
      return { ...s, obligations: { ...s.obligations, [d.obligationId]: obligation } };
    }
    case 'JournalEntryRecorded': {
      const d = event.data;
      const current = own(s.obligations, d.obligationId);
      if (!current) return s;
      const recorded = { revision: s.revision, journalReference: d.journalReference, form: d.form, by: d.by, at: d.at };
      return { ...s, obligations: { ...s.obligations, [d.obligationId]: { ...current, recorded } } };
    }
    case 'JournalEntryCorrected': {
      const d = event.data;
      const current = own(s.obligations, d.obligationId);
      if (!current?.recorded) return s;
      const recorded = { ...current.recorded, revision: s.revision, journalReference: d.journalReference };
      return {
        ...s,
        obligations: { ...s.obligations, [d.obligationId]: { ...current, recorded, corrections: current.corrections + 1 } },
      };
    }
    case 'EpisodeCompleted':
      return { ...s, status: 'completed', endedAt: event.data.at };
    case 'EpisodeAbandoned':
      return { ...s, status: 'abandoned', endedAt: event.data.at };
    case 'RegistryFollowUpRecorded': {
      const d = event.data;
      const before = own(s.followUps, d.timepoint);
      // A correction keeps how the answer came; its measures are the values as corrected.
      const followUp: FollowUpState =
        d.correction && before
          ? { ...before, measures: d.measures, revision: s.revision, corrections: before.corrections + 1 }
          : { measures: d.measures, revision: s.revision, answeredVia: d.answeredVia ?? null, by: d.by, at: d.at, corrections: 0 };
      return { ...s, followUps: { ...s.followUps, [d.timepoint]: followUp } };
    }
  }
}
