// The episode's state, folded from its events: given events, then the state. It is what
// decide enforces the rules on and what the auditor's timeline shows, field by field.
// toMatchObject, not toStrictEqual: a field added to the state must not break these.
import { ADMIN_ID, EPISODE_ID, NOW, STAND_IN_ID, THERAPIST_ID, THIRD_THERAPIST_ID, UNIT_ID, assigned, journalRecorded, messageSent, moduleHidden, partCompleted, therapistChanged } from './fixtures';
import { foldEpisode } from '../../src/domain/episode/decider';
import { initialState, unreadCount, type EpisodeState } from '../../src/domain/episode/state';
import type { EpisodeEvent } from '../../src/domain/episode/events';
import { DEFAULT_UNIT_SETTINGS, DEFAULT_WELCOME_TEXT } from '../../src/domain/rules';

const LATER = '2026-11-29T17:00:00.000Z';
const after = (...events: EpisodeEvent[]): EpisodeState => foldEpisode([...assigned(), ...events]);

describe('the state before anything happened', () => {
  it('is empty, at revision -1', () => {
    expect(initialState()).toMatchObject({
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
  });
});

describe('after the assignment', () => {
  it('holds the episode, the patient, the therapist, the access period, the fee and the first obligation', () => {
    const state = foldEpisode(assigned({ warnings: ['NOTIFICATIONS_DISABLED'] }));
    expect(state).toMatchObject({
      ...initialState(),
      status: 'active',
      revision: 2,
      episodeId: EPISODE_ID,
      unitId: UNIT_ID,
      patient: { personnummer: '191212121212', birthDate: '1912-12-12' },
      therapistId: THERAPIST_ID,
      diagnosisCode: 'M17.1',
      welcomeText: DEFAULT_WELCOME_TEXT,
      assignedAt: NOW,
      accessUntil: '2027-02-22',
      warnings: ['NOTIFICATIONS_DISABLED'],
      journalCodes: DEFAULT_UNIT_SETTINGS.journalCodes,
      fee: { kind: 'charged', amountSek: 200 },
      obligations: {
        assignment: { trigger: 'assignment', kvaCodes: ['GB020', 'ZV044'], conversationId: null, raisedAt: NOW, recorded: null, corrections: 0 },
      },
    });
  });

  it('records an exemption as the fee, with its reason', () => {
    const [assignment] = assigned();
    const state = foldEpisode([assignment!, { type: 'FeeExempted', data: { kind: 'high-cost-card', reason: 'Frikort', waivedAmountSek: 200, at: NOW } }]);
    expect(state.fee).toEqual({ kind: 'exempted', reason: 'Frikort' });
  });
});

describe('modules, parts and exercises', () => {
  it('hides a module once however often it is hidden, and shows it again', () => {
    expect(after(moduleHidden('hand'), moduleHidden('hand'), moduleHidden('hip-knee')).hiddenModules).toEqual(['hand', 'hip-knee']);
    expect(after(moduleHidden('hand'), moduleHidden('hip-knee'), { type: 'ModuleShown', data: { moduleId: 'hand', by: THERAPIST_ID, at: NOW } }).hiddenModules).toEqual(['hip-knee']);
  });

  it('keeps each module\'s completed parts once, in order', () => {
    const state = after(partCompleted('hip-knee', 'hk-pain'), partCompleted('hand', 'hand-pain'), partCompleted('hip-knee', 'hk-pain'), partCompleted('hip-knee', 'hk-everyday-life'));
    expect(state.completedParts).toEqual({ 'hip-knee': ['hk-pain', 'hk-everyday-life'], hand: ['hand-pain'] });
  });

  it('marks the school completed', () => {
    expect(after({ type: 'SchoolCompleted', data: { basis: 'ended-as-completed', moduleId: null, at: NOW } }).schoolCompleted).toBe(true);
  });

  it('keeps each programme\'s revealed exercises once', () => {
    const revealed = (programme: 'leg' | 'hand', exerciseIds: string[]): EpisodeEvent => ({ type: 'ExercisesRevealed', data: { programme, exerciseIds, by: THERAPIST_ID, at: NOW } });
    const state = after(revealed('leg', ['leg-bridge']), revealed('hand', ['hand-make-fist']), revealed('leg', ['leg-bridge', 'leg-step-up']));
    expect(state.revealedExercises).toEqual({ leg: ['leg-bridge', 'leg-step-up'], hand: ['hand-make-fist'] });
  });
});

describe('the activity plan', () => {
  it('holds the questions, the schedule and when it was activated, and each report by occasion', () => {
    const questions = [{ id: 'trained', text: 'Har du tränat?', answerType: 'yes-no' as const, mandatory: true }];
    const schedule = { startDate: '2026-11-22', repeat: 'once' as const, endDate: null, interval: 'weekly' as const, weekday: 'sunday' as const, time: '16:00', reportWindowDays: 3 };
    const state = after(
      { type: 'PlanActivated', data: { questions, schedule, by: THERAPIST_ID, at: NOW } },
      { type: 'ActivityReported', data: { occasion: '2026-11-22', answers: { trained: true }, at: LATER } },
    );
    expect(state.plan).toEqual({ questions, schedule, activatedAt: NOW });
    expect(state.reports).toEqual({ '2026-11-22': { at: LATER } });
  });
});

describe('messages', () => {
  it('keeps each message without its text', () => {
    const state = after(messageSent('msg-1', 'conv-1', { startsConversation: true, senderRole: 'therapist', notifyInbox: true, at: LATER }));
    expect(state.messages).toEqual([{ id: 'msg-1', conversationId: 'conv-1', senderRole: 'therapist', notifyInbox: true, at: LATER }]);
  });

  it('counts the patient\'s messages after the last one read as unread', () => {
    const three = [messageSent('msg-1', 'conv-1'), messageSent('msg-2', 'conv-1', { senderRole: 'therapist', senderId: THERAPIST_ID }), messageSent('msg-3', 'conv-1')];
    expect(unreadCount(after(...three))).toBe(2);
    expect(unreadCount(after(...three, { type: 'MessagesRead', data: { upToMessageId: 'msg-1', by: THERAPIST_ID, at: NOW } }))).toBe(1);
    expect(unreadCount(after(...three, { type: 'MessagesRead', data: { upToMessageId: 'msg-3', by: THERAPIST_ID, at: NOW } }))).toBe(0);
  });

  it('never moves the read marker back, nor for a message it does not know', () => {
    const read = (upToMessageId: string): EpisodeEvent => ({ type: 'MessagesRead', data: { upToMessageId, by: THERAPIST_ID, at: NOW } });
    const two = [messageSent('msg-1', 'conv-1'), messageSent('msg-2', 'conv-1')];
    expect(after(...two, read('msg-1')).readUpTo).toBe(0);
    expect(after(...two, read('msg-2'), read('msg-1')).readUpTo).toBe(1);
    expect(after(...two, read('msg-9')).readUpTo).toBe(-1);
  });
});

describe('the responsible therapist', () => {
  it('is the stand-in during an absence, with the ordinary therapist remembered', () => {
    const state = after(therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence'));
    expect([state.therapistId, state.absentTherapistId]).toEqual([STAND_IN_ID, THERAPIST_ID]);
  });

  it('keeps the ordinary therapist across a second absence', () => {
    const state = after(therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence'), therapistChanged(STAND_IN_ID, THIRD_THERAPIST_ID, 'absence'));
    expect([state.therapistId, state.absentTherapistId]).toEqual([THIRD_THERAPIST_ID, THERAPIST_ID]);
  });

  it('ends the absence on the return, and on a reassignment', () => {
    const returned = after(therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence'), therapistChanged(STAND_IN_ID, THERAPIST_ID, 'return'));
    expect([returned.therapistId, returned.absentTherapistId]).toEqual([THERAPIST_ID, null]);
    const reassigned = after(therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence'), therapistChanged(STAND_IN_ID, THIRD_THERAPIST_ID, 'reassignment'));
    expect([reassigned.therapistId, reassigned.absentTherapistId]).toEqual([THIRD_THERAPIST_ID, null]);
  });

  it('ends the absence when a second "absence" moves the patient back to the ordinary therapist', () => {
    const state = after(therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence'), therapistChanged(STAND_IN_ID, THERAPIST_ID, 'absence'));
    expect([state.therapistId, state.absentTherapistId]).toEqual([THERAPIST_ID, null]);
  });
});

describe('journal obligations', () => {
  it('records an entry with its revision, reference, form, author and time', () => {
    const state = after({ type: 'JournalEntryRecorded', data: { obligationId: 'assignment', journalReference: 'J-1', form: 'note', by: ADMIN_ID, at: LATER } });
    expect(state.obligations.assignment).toEqual({
      trigger: 'assignment',
      kvaCodes: ['GB020', 'ZV044'],
      conversationId: null,
      raisedAt: NOW,
      recorded: { revision: 3, journalReference: 'J-1', form: 'note', by: ADMIN_ID, at: LATER },
      corrections: 0,
    });
  });

  it('counts corrections and keeps the latest reference and revision, the first author and form', () => {
    const correct = (journalReference: string | null): EpisodeEvent => ({
      type: 'JournalEntryCorrected',
      data: { obligationId: 'assignment', correctsRevision: 3, journalReference, reason: 'Fel nummer.', by: STAND_IN_ID, at: LATER },
    });
    const state = after(journalRecorded('assignment', 'J-1'), correct('J-2'), correct(null));
    expect(state.obligations.assignment!.recorded).toEqual({ revision: 5, journalReference: null, form: null, by: THERAPIST_ID, at: NOW });
    expect(state.obligations.assignment!.corrections).toBe(2);
  });

  it('ignores a correction of an obligation never recorded or never raised', () => {
    const correction = (obligationId: string): EpisodeEvent => ({
      type: 'JournalEntryCorrected',
      data: { obligationId, correctsRevision: 2, journalReference: 'J-2', reason: 'Fel nummer.', by: THERAPIST_ID, at: NOW },
    });
    const state = after(correction('assignment'), correction('end'));
    expect(state.obligations).toEqual(foldEpisode(assigned()).obligations);
    expect(state.revision).toBe(4);
  });

  it('ignores an entry for an obligation never raised, still counting its revision', () => {
    const state = after(journalRecorded('end'));
    expect(state.obligations).toEqual(foldEpisode(assigned()).obligations);
    expect(state.revision).toBe(3);
  });
});

describe('the end', () => {
  it.each([
    ['EpisodeCompleted', 'completed'],
    ['EpisodeAbandoned', 'abandoned'],
  ] as const)('%s ends the episode as %s, at its time', (type, status) => {
    const state = after({ type, data: { by: THERAPIST_ID, at: LATER } });
    expect([state.status, state.endedAt]).toEqual([status, LATER]);
  });

  it('edits the welcome text', () => {
    expect(after({ type: 'WelcomeTextEdited', data: { text: 'Välkommen!', by: THERAPIST_ID, at: NOW } }).welcomeText).toBe('Välkommen!');
  });
});
