// The activity plan through the decider: the questions a plan is activated with, the
// schedule it takes, and the patient's answers, by type and bounds, on every repeat.
import fc from 'fast-check';
import { episodeSpec } from './decider-specification';
import { NOW, THERAPIST_ID, asPatient, assigned } from './fixtures';
import type { CommandOf } from '../../src/domain/episode/commands';
import type { EpisodeEvent, PlanQuestion, PlanSchedule } from '../../src/domain/episode/events';

const episode = episodeSpec();
const activate = (data: CommandOf<'ActivatePlan'>['data']): CommandOf<'ActivatePlan'> => ({ type: 'ActivatePlan', data });
const report = (occasion: string, answers: CommandOf<'ReportActivity'>['data']['answers']): CommandOf<'ReportActivity'> => ({
  type: 'ReportActivity',
  data: { occasion, answers },
});

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
  { id: 'trained', text: 'Har du tränat enligt ditt program?', answerType: 'yes-no', mandatory: false },
  { id: 'activity-type', text: 'Vilken typ av aktivitet utförde du?', answerType: 'text', mandatory: false },
  { id: 'experience', text: 'Hur upplevde du träningen (0 = mycket dåligt, 10 = mycket bra)?', answerType: 'scale-0-10', mandatory: false },
];
const withPlan = (schedule: Partial<PlanSchedule> = {}, questions: PlanQuestion[] = QUESTIONS): EpisodeEvent[] => [
  ...assigned({ accessUntil: '2027-06-30' }),
  { type: 'PlanActivated', data: { questions, schedule: { ...SCHEDULE, ...schedule }, by: THERAPIST_ID, at: NOW } },
];
const onSunday = asPatient('2026-11-29T17:00:00.000Z');

describe('activating the plan', () => {
  it('keeps a pre-filled question\'s text and type unless the therapist gives others', () => {
    episode
      .given(assigned())
      .when(activate({ questions: [{ id: 'trained', text: 'Tränade du i dag?', answerType: 'text', mandatory: true }, { id: 'experience', mandatory: false }] }))
      .then(([e]) =>
        expect(e).toMatchObject({
          data: {
            questions: [
              { id: 'trained', text: 'Tränade du i dag?', answerType: 'text', mandatory: true },
              { id: 'experience', text: QUESTIONS[2]!.text, answerType: 'scale-0-10', mandatory: false },
            ],
          },
        }),
      );
  });

  it('takes an own question\'s answer type', () => {
    episode
      .given(assigned())
      .when(activate({ questions: [{ id: 'steps', text: 'Hur väl klarade du promenaden?', answerType: 'scale-0-10', mandatory: false }] }))
      .then(([e]) => expect(e).toMatchObject({ data: { questions: [{ id: 'steps', answerType: 'scale-0-10' }] } }));
  });

  it('counts a question without a mandatory flag as optional', () => {
    // The command schema defaults the flag; the decider does not rely on it.
    const questions = [{ id: 'trained' }] as unknown as CommandOf<'ActivatePlan'>['data']['questions'];
    episode
      .given(assigned())
      .when(activate({ questions }))
      .then(([e]) => expect(e).toMatchObject({ data: { questions: [{ id: 'trained', mandatory: false }] } }));
  });

  it.each([
    ['"once"', { repeat: 'once' as const }, { repeat: 'once', endDate: null }],
    ['"until-date" with its end date', { repeat: 'until-date' as const, endDate: '2026-12-20' }, { repeat: 'until-date', endDate: '2026-12-20' }],
    ['"until-date" ending on its start date', { repeat: 'until-date' as const, startDate: '2026-12-01', endDate: '2026-12-01' }, { repeat: 'until-date', endDate: '2026-12-01' }],
    ['"until-further-notice"', { repeat: 'until-further-notice' as const }, { repeat: 'until-further-notice', endDate: null }],
    ['every second week on Wednesdays', { interval: 'every-second-week' as const, weekday: 'wednesday' as const }, { interval: 'every-second-week', weekday: 'wednesday' }],
  ])('takes the repeat %s', (_, schedule, expected) => {
    episode.given(assigned()).when(activate({ schedule })).then(([e]) => expect(e).toMatchObject({ data: { schedule: expected } }));
  });
});

describe('reporting on every repeat and interval', () => {
  it('accepts the one occasion of a "once" plan, and no later one', () => {
    const once = withPlan({ repeat: 'once', startDate: '2026-11-25', weekday: 'friday' });
    episode.given(once).when(report('2026-11-27', {}), asPatient('2026-11-27T12:00:00.000Z')).then((e) => expect(e).toMatchObject([{ data: { occasion: '2026-11-27' } }]));
    episode.given(once).when(report('2026-12-04', {}), asPatient('2026-12-04T12:00:00.000Z')).thenThrows('UNKNOWN_OCCASION', 'unacceptable');
  });

  it('accepts the last occasion of an "until-date" plan and none after it', () => {
    const untilDate = withPlan({ repeat: 'until-date', endDate: '2026-12-31', interval: 'daily' });
    episode.given(untilDate).when(report('2026-12-31', {}), asPatient('2027-01-02T12:00:00.000Z')).then((e) => expect(e).toHaveLength(1));
    episode.given(untilDate).when(report('2027-01-01', {}), asPatient('2027-01-02T12:00:00.000Z')).thenThrows('UNKNOWN_OCCASION');
  });

  it('accepts the new year\'s first occasion of an every-second-week plan', () => {
    const fortnightly = withPlan({ interval: 'every-second-week', startDate: '2026-12-20' });
    episode.given(fortnightly).when(report('2027-01-03', {}), asPatient('2027-01-03T12:00:00.000Z')).then((e) => expect(e).toHaveLength(1));
    episode.given(fortnightly).when(report('2026-12-27', {}), asPatient('2026-12-28T12:00:00.000Z')).thenThrows('UNKNOWN_OCCASION');
  });

  it('accepts a Monday plan\'s first Monday in the next month when it starts on a Friday', () => {
    const monday = withPlan({ weekday: 'monday', startDate: '2026-11-27' });
    episode.given(monday).when(report('2026-11-30', {}), asPatient('2026-11-30T12:00:00.000Z')).then((e) => expect(e).toHaveLength(1));
    episode.given(monday).when(report('2026-11-23', {}), asPatient('2026-11-24T12:00:00.000Z')).thenThrows('UNKNOWN_OCCASION');
  });

  it('refuses an occasion that is no calendar date as unknown, never with a RangeError', () => {
    episode.given(withPlan({ interval: 'daily' })).when(report('2026-13-01', {}), onSunday).thenThrows('UNKNOWN_OCCASION', 'unacceptable');
  });
});

describe('answers by type and bounds', () => {
  it.each([
    ['0, the bottom of the scale', { experience: 0 }],
    ['10, the top of the scale', { experience: 10 }],
    ['"no" to a yes-no question', { trained: false }],
    ['"yes" to a yes-no question', { trained: true }],
    ['a text to a text question', { 'activity-type': 'Cykel 20 minuter' }],
    ['an empty text to an optional text question', { 'activity-type': '' }],
  ])('accepts %s', (_, answers) => {
    episode.given(withPlan()).when(report('2026-11-29', answers), onSunday).then([{ type: 'ActivityReported', data: { occasion: '2026-11-29', answers, at: onSunday.now! } }]);
  });

  it.each([
    ['-1 below the scale', 'experience', -1, 'scale-0-10'],
    ['11 above the scale', 'experience', 11, 'scale-0-10'],
    ['a fraction on the scale', 'experience', 9.5, 'scale-0-10'],
    ['a number as text on the scale', 'experience', '5', 'scale-0-10'],
    ['NaN on the scale', 'experience', Number.NaN, 'scale-0-10'],
    ['a boolean on the scale', 'experience', false, 'scale-0-10'],
    ['a number to a yes-no question', 'trained', 1, 'yes-no'],
    ['a text to a yes-no question', 'trained', 'ja', 'yes-no'],
    ['a boolean to a text question', 'activity-type', true, 'text'],
    ['a number to a text question', 'activity-type', 3, 'text'],
  ] as const)('refuses %s, naming the answer and the type expected', (_, id, value, answerType) => {
    const error = episode.given(withPlan()).when(report('2026-11-29', { [id]: value }), onSunday).thenThrows('INVALID_ANSWER', 'unacceptable');
    expect(error.details).toEqual([{ path: `answers.${id}`, problem: `expected ${answerType}` }]);
    expect(error.message).toBe(`The answer to "${id}" must be ${answerType}.`);
  });

  it('accepts every whole number from 0 to 10 on the scale and refuses every other number (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true })), (value) => {
        const when = episode.given(withPlan()).when(report('2026-11-29', { experience: value }), onSunday);
        if (Number.isInteger(value) && value >= 0 && value <= 10) when.then((e) => expect(e).toHaveLength(1));
        else when.thenThrows('INVALID_ANSWER');
      }),
      { numRuns: 100 },
    );
  });

  it('checks each answer against its own question', () => {
    episode
      .given(withPlan())
      .when(report('2026-11-29', { trained: true, 'activity-type': 'Promenad', experience: 4 }), onSunday)
      .then((e) => expect(e).toHaveLength(1));
    const error = episode.given(withPlan()).when(report('2026-11-29', { trained: true, experience: 'bra' }), onSunday).thenThrows('INVALID_ANSWER');
    expect(error.details).toEqual([{ path: 'answers.experience', problem: 'expected scale-0-10' }]);
  });

  it('accepts a report with every mandatory question answered', () => {
    const mandatory = QUESTIONS.map((q) => ({ ...q, mandatory: true }));
    episode
      .given(withPlan({}, mandatory))
      .when(report('2026-11-29', { trained: false, 'activity-type': 'Vila', experience: 0 }), onSunday)
      .then((e) => expect(e).toHaveLength(1));
  });

  it('counts "no" and 0 as answers to a mandatory question, and only a missing or empty answer as none', () => {
    const mandatory = QUESTIONS.map((q) => ({ ...q, mandatory: true }));
    const error = episode
      .given(withPlan({}, mandatory))
      .when(report('2026-11-29', { trained: false, 'activity-type': '', experience: 0 }), onSunday)
      .thenThrows('MANDATORY_ANSWER_MISSING', 'rule');
    expect(error.details).toEqual([{ path: 'answers.activity-type', problem: 'mandatory' }]);
  });
});
