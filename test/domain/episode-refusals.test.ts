// Every refusal of the episode decider, with what the API contract hands the client: its
// code, its kind (409, 422 or 404), its message and its details (field path and problem).
// A refusal the client cannot read is a defect, so the message and details are pinned here.
import { episodeSpec } from './decider-specification';
import {
  ACCESS_UNTIL,
  STAND_IN_ID,
  THERAPIST_ID,
  asPatient,
  assigned,
  ended,
  journalRecorded,
  messageSent,
  moduleHidden,
  partCompleted,
  startAssignment,
  therapistChanged,
} from './fixtures';
import type { EpisodeCommand } from '../../src/domain/episode/commands';
import type { EpisodeEvent, PlanQuestion, PlanSchedule } from '../../src/domain/episode/events';
import { itTellsEachRefusal, type Refusal } from './refusal-cases';

const episode = episodeSpec();

const SCHEDULE: PlanSchedule = {
  startDate: '2026-11-22',
  repeat: 'until-further-notice',
  endDate: null,
  interval: 'weekly',
  weekday: 'sunday',
  time: '16:00',
  reportWindowDays: 3,
};
const QUESTIONS: PlanQuestion[] = [
  { id: 'trained', text: 'Har du tränat enligt ditt program?', answerType: 'yes-no', mandatory: true },
  { id: 'activity-type', text: 'Vilken typ av aktivitet utförde du?', answerType: 'text', mandatory: true },
  { id: 'experience', text: 'Hur upplevde du träningen?', answerType: 'scale-0-10', mandatory: false },
];
const withPlan = (): EpisodeEvent[] => [
  ...assigned(),
  { type: 'PlanActivated', data: { questions: QUESTIONS, schedule: SCHEDULE, by: THERAPIST_ID, at: '2026-11-22T09:00:00.000Z' } },
];
const report = (occasion: string, answers: Record<string, boolean | number | string>): EpisodeCommand => ({
  type: 'ReportActivity',
  data: { occasion, answers },
});
const onSunday = asPatient('2026-11-29T17:00:00.000Z');


const refusals: Record<string, Refusal> = {
  'a command to an episode never started': {
    given: [],
    when: { type: 'EditWelcomeText', data: { text: 'Hej' } },
    code: 'NOT_FOUND',
    kind: 'not_found',
    message: 'No such episode.',
  },
  'a journal entry on an episode never started': {
    given: [],
    when: { type: 'RecordJournalEntry', data: { obligationId: 'assignment' } },
    code: 'NOT_FOUND',
    kind: 'not_found',
    message: 'No such episode.',
  },
  'a change after the end': {
    given: ended(),
    when: { type: 'EditWelcomeText', data: { text: 'Hej' } },
    code: 'EPISODE_ENDED',
    kind: 'rule',
    message: 'The episode has ended; only journaling and registry follow-up remain.',
  },
  'a second assignment of the episode': {
    given: assigned(),
    when: startAssignment(),
    code: 'EPISODE_ALREADY_STARTED',
    kind: 'rule',
    message: 'This episode has already been started.',
  },
  'an assignment with a wrong check digit': {
    given: [],
    when: startAssignment({ personnummer: '19121212-1213' }),
    code: 'INVALID_PERSONNUMMER',
    kind: 'unacceptable',
    message: 'The personnummer is not valid: check digit does not match.',
    details: [{ path: 'personnummer', problem: 'check digit does not match' }],
  },
  'an assignment with a diagnosis outside M15-M19': {
    given: [],
    when: startAssignment({ diagnosisCode: 'M20.1' }),
    code: 'UNKNOWN_DIAGNOSIS_CODE',
    kind: 'unacceptable',
    message: 'The diagnosis must be an ICD-10-SE code of the osteoarthritis block M15-M19 in force today.',
    details: [{ path: 'diagnosisCode', problem: 'not in the code list' }],
  },
  'hiding a module the catalogue does not have': {
    given: assigned(),
    when: { type: 'HideModule', data: { moduleId: 'back' } },
    code: 'UNKNOWN_MODULE',
    kind: 'unacceptable',
    message: 'No theory module "back" (hip-knee or hand).',
  },
  'hiding a hidden module': {
    given: [...assigned(), moduleHidden('hand')],
    when: { type: 'HideModule', data: { moduleId: 'hand' } },
    code: 'MODULE_ALREADY_HIDDEN',
    kind: 'rule',
    message: 'The module is already under "Kommande" (hidden).',
  },
  'showing a visible module': {
    given: assigned(),
    when: { type: 'ShowModule', data: { moduleId: 'hand' } },
    code: 'MODULE_ALREADY_VISIBLE',
    kind: 'rule',
    message: 'The module is already visible to the patient.',
  },
  'completing a part of a module the catalogue does not have': {
    given: assigned(),
    when: { type: 'CompletePart', data: { moduleId: 'back', partId: 'hk-pain' } },
    context: asPatient(),
    code: 'UNKNOWN_MODULE',
    kind: 'unacceptable',
    message: 'No theory module "back".',
  },
  'completing a part the module does not have': {
    given: assigned(),
    when: { type: 'CompletePart', data: { moduleId: 'hip-knee', partId: 'hand-pain' } },
    context: asPatient(),
    code: 'UNKNOWN_PART',
    kind: 'unacceptable',
    message: 'Module "hip-knee" has no part "hand-pain".',
  },
  'completing a part of a hidden module': {
    given: [...assigned(), moduleHidden('hip-knee')],
    when: { type: 'CompletePart', data: { moduleId: 'hip-knee', partId: 'hk-pain' } },
    context: asPatient(),
    code: 'MODULE_HIDDEN',
    kind: 'rule',
    message: 'The module is hidden from the patient.',
  },
  'completing a part after the access period': {
    given: assigned(),
    when: { type: 'CompletePart', data: { moduleId: 'hip-knee', partId: 'hk-pain' } },
    context: asPatient('2027-02-23T10:00:00.000Z'),
    code: 'ACCESS_PERIOD_OVER',
    kind: 'rule',
    message: `The access period ended on ${ACCESS_UNTIL}.`,
  },
  'revealing exercises the programme does not have, each named': {
    given: [...assigned(), partCompleted('hip-knee', 'hk-training-introduction')],
    when: { type: 'RevealExercises', data: { programme: 'leg', exerciseIds: ['leg-bridge', 'hand-make-fist', 'leg-jump'] } },
    code: 'UNKNOWN_EXERCISE',
    kind: 'unacceptable',
    message: 'Programme "leg" has no exercise "hand-make-fist", "leg-jump".',
    details: [
      { path: 'exerciseIds', problem: 'unknown exercise hand-make-fist' },
      { path: 'exerciseIds', problem: 'unknown exercise leg-jump' },
    ],
  },
  'revealing exercises before the training introduction': {
    given: [...assigned(), partCompleted('hip-knee', 'hk-pain')],
    when: { type: 'RevealExercises', data: { programme: 'leg', exerciseIds: ['leg-bridge'] } },
    code: 'TRAINING_INTRODUCTION_NOT_COMPLETED',
    kind: 'rule',
    message: 'Exercise films can be added after the patient has completed the training introduction.',
  },
  'a second activation of the plan': {
    given: withPlan(),
    when: { type: 'ActivatePlan', data: {} },
    code: 'PLAN_ALREADY_ACTIVE',
    kind: 'rule',
    message: 'The activity plan is already active.',
  },
  'a plan question listed twice': {
    given: assigned(),
    when: { type: 'ActivatePlan', data: { questions: [{ id: 'trained', mandatory: false }, { id: 'trained', mandatory: true }] } },
    code: 'DUPLICATE_QUESTION',
    kind: 'unacceptable',
    message: 'Each question id may appear once.',
  },
  'an own plan question without a text': {
    given: assigned(),
    when: { type: 'ActivatePlan', data: { questions: [{ id: 'mood', mandatory: false }] } },
    code: 'UNKNOWN_QUESTION',
    kind: 'unacceptable',
    message: 'Question "mood" is not pre-filled; give it a text.',
  },
  'a report without an active plan': {
    given: assigned(),
    when: report('2026-11-29', { trained: true }),
    context: onSunday,
    code: 'NO_ACTIVE_PLAN',
    kind: 'rule',
    message: 'The episode has no active activity plan.',
  },
  'a report for a day that is no occasion': {
    given: withPlan(),
    when: report('2026-11-30', { trained: true, 'activity-type': 'Promenad' }),
    context: onSunday,
    code: 'UNKNOWN_OCCASION',
    kind: 'unacceptable',
    message: '2026-11-30 is not a scheduled occasion of the plan.',
  },
  'a report before the occasion\'s day': {
    given: withPlan(),
    when: report('2026-12-06', { trained: true, 'activity-type': 'Promenad' }),
    context: onSunday,
    code: 'OCCASION_NOT_YET_OPEN',
    kind: 'rule',
    message: 'Reporting for 2026-12-06 opens on that day.',
  },
  'a report after its window': {
    given: withPlan(),
    when: report('2026-11-22', { trained: true, 'activity-type': 'Promenad' }),
    context: onSunday,
    code: 'REPORT_WINDOW_CLOSED',
    kind: 'rule',
    message: 'Reporting for 2026-11-22 closed 3 days after the occasion.',
  },
  'a second report for an occasion': {
    given: [...withPlan(), { type: 'ActivityReported', data: { occasion: '2026-11-29', answers: { trained: true }, at: '2026-11-29T16:00:00.000Z' } }],
    when: report('2026-11-29', { trained: true, 'activity-type': 'Promenad' }),
    context: onSunday,
    code: 'OCCASION_ALREADY_REPORTED',
    kind: 'rule',
    message: 'The occasion 2026-11-29 is already reported.',
  },
  'an answer to a question the plan does not have': {
    given: withPlan(),
    when: report('2026-11-29', { trained: true, 'activity-type': 'Promenad', mood: 'bra' }),
    context: onSunday,
    code: 'UNKNOWN_QUESTION',
    kind: 'unacceptable',
    message: 'The plan has no question "mood".',
    details: [{ path: 'answers.mood', problem: 'unknown question' }],
  },
  'an answer of the wrong type': {
    given: withPlan(),
    when: report('2026-11-29', { trained: true, 'activity-type': 'Promenad', experience: 11 }),
    context: onSunday,
    code: 'INVALID_ANSWER',
    kind: 'unacceptable',
    message: 'The answer to "experience" must be scale-0-10.',
    details: [{ path: 'answers.experience', problem: 'expected scale-0-10' }],
  },
  'a report leaving mandatory questions out, each named': {
    given: withPlan(),
    when: report('2026-11-29', { experience: 7 }),
    context: onSunday,
    code: 'MANDATORY_ANSWER_MISSING',
    kind: 'rule',
    message: 'Mandatory questions unanswered: trained, activity-type.',
    details: [
      { path: 'answers.trained', problem: 'mandatory' },
      { path: 'answers.activity-type', problem: 'mandatory' },
    ],
  },
  'marking read up to a message the episode does not have': {
    given: [...assigned(), messageSent('msg-1', 'conv-1', { startsConversation: true })],
    when: { type: 'MarkMessagesRead', data: { upToMessageId: 'msg-2' } },
    code: 'UNKNOWN_MESSAGE',
    kind: 'unacceptable',
    message: 'No such message in this episode.',
  },
  'a reply in a conversation the episode does not have': {
    given: assigned(),
    when: { type: 'SendMessage', data: { messageId: 'msg-1', conversationId: 'conv-1', newConversationId: 'conv-2', text: 'Hej' } },
    code: 'UNKNOWN_CONVERSATION',
    kind: 'unacceptable',
    message: 'No such conversation in this episode.',
  },
  'a new conversation with an id already used': {
    given: [...assigned(), messageSent('msg-1', 'conv-1', { startsConversation: true })],
    when: { type: 'SendMessage', data: { messageId: 'msg-2', newConversationId: 'conv-1', text: 'Hej' } },
    code: 'DUPLICATE_CONVERSATION',
    kind: 'unacceptable',
    message: 'A new conversation needs a fresh id.',
  },
  'a change to the therapist the patient has': {
    given: assigned(),
    when: { type: 'ChangeTherapist', data: { therapistId: THERAPIST_ID, reason: 'reassignment' } },
    code: 'SAME_THERAPIST',
    kind: 'rule',
    message: 'The patient already has this therapist.',
  },
  'a return without an absence': {
    given: assigned(),
    when: { type: 'ChangeTherapist', data: { therapistId: STAND_IN_ID, reason: 'return' } },
    code: 'NO_ABSENCE_TO_RETURN_FROM',
    kind: 'rule',
    message: 'The patient was not moved for an absence.',
  },
  'a return to someone other than the ordinary therapist': {
    given: [...assigned(), therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence')],
    when: { type: 'ChangeTherapist', data: { therapistId: 'SE2321000131-T003', reason: 'return' } },
    code: 'NOT_ORDINARY_THERAPIST',
    kind: 'rule',
    message: 'A return goes back to the ordinary therapist.',
  },
  'a journal entry for an obligation the episode does not have': {
    given: assigned(),
    when: { type: 'RecordJournalEntry', data: { obligationId: 'end' } },
    code: 'UNKNOWN_OBLIGATION',
    kind: 'unacceptable',
    message: 'The episode has no journal obligation "end".',
  },
  'a second journal entry for an obligation': {
    given: [...assigned(), journalRecorded('assignment')],
    when: { type: 'RecordJournalEntry', data: { obligationId: 'assignment' } },
    code: 'OBLIGATION_ALREADY_RECORDED',
    kind: 'rule',
    message: 'This journal obligation is already recorded.',
  },
  'a correction of an obligation the episode does not have': {
    given: assigned(),
    when: { type: 'CorrectJournalEntry', data: { obligationId: 'end', reason: 'Fel journalnummer.' } },
    code: 'UNKNOWN_OBLIGATION',
    kind: 'unacceptable',
    message: 'The episode has no journal obligation "end".',
  },
  'a correction of an entry never recorded': {
    given: assigned(),
    when: { type: 'CorrectJournalEntry', data: { obligationId: 'assignment', reason: 'Fel journalnummer.' } },
    code: 'OBLIGATION_NOT_RECORDED',
    kind: 'rule',
    message: 'Only a recorded journal entry can be corrected.',
  },
  'a second follow-up at one timepoint': {
    given: [...assigned(), { type: 'RegistryFollowUpRecorded', data: { timepoint: '3-months', measures: { pain: 4 }, by: THERAPIST_ID, at: '2026-11-22T09:00:00.000Z' } }],
    when: { type: 'RecordRegistryFollowUp', data: { timepoint: '3-months', measures: { pain: 3 } } },
    code: 'FOLLOW_UP_ALREADY_RECORDED',
    kind: 'rule',
    message: 'The 3-months follow-up is already recorded.',
  },
  'a follow-up without measures': {
    given: assigned(),
    when: { type: 'RecordRegistryFollowUp', data: { timepoint: 'baseline', measures: {} } },
    code: 'NO_MEASURES',
    kind: 'unacceptable',
    message: 'A follow-up needs at least one measure.',
  },
  'a follow-up whose measures are all left undefined': {
    given: assigned(),
    when: { type: 'RecordRegistryFollowUp', data: { timepoint: 'baseline', measures: { pain: undefined, satisfaction: undefined } } },
    code: 'NO_MEASURES',
    kind: 'unacceptable',
    message: 'A follow-up needs at least one measure.',
  },
};

describe('every refusal tells the client what is wrong', () => itTellsEachRefusal(refusals));

describe('the plan\'s schedule refusals name the problem', () => {
  const activate = (schedule: Record<string, string>): EpisodeCommand => ({ type: 'ActivatePlan', data: { schedule } });
  it.each([
    ['a start date that is no calendar date', { startDate: '2026-02-30' }, 'startDate is not a calendar date'],
    ['"until-date" without an end date', { repeat: 'until-date' }, '"until-date" needs an endDate'],
    ['an end date with "once"', { repeat: 'once', endDate: '2026-12-06' }, 'an endDate only goes with "until-date", not "once"'],
    ['an end date with "until-further-notice"', { repeat: 'until-further-notice', endDate: '2026-12-06' }, 'an endDate only goes with "until-date", not "until-further-notice"'],
    ['an end date before the start date', { startDate: '2026-12-01', endDate: '2026-11-30' }, 'endDate is before startDate'],
    ['a start after the access period', { startDate: '2027-02-23' }, 'startDate is after the access period'],
  ])('%s', (_, schedule, problem) => {
    const error = episode.given(assigned()).when(activate(schedule)).thenThrows('INVALID_SCHEDULE', 'unacceptable');
    expect(error.message).toBe(`The schedule is not valid: ${problem}.`);
    expect(error.details).toEqual([{ path: 'schedule', problem }]);
  });
});
