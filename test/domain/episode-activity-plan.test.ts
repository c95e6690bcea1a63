// The activity plan "Uppföljning träning": ActivatePlan and ReportActivity.
import { episodeSpec } from './decider-specification';
import { NOW, THERAPIST_ID, asPatient, assigned, ended, endedAfter, unitAdmin } from './fixtures';
import type { CommandOf } from '../../src/domain/episode/commands';
import type { EpisodeEvent, EventOf, PlanQuestion, PlanSchedule } from '../../src/domain/episode/events';

const episode = episodeSpec();
const activate = (data: CommandOf<'ActivatePlan'>['data'] = {}): CommandOf<'ActivatePlan'> => ({ type: 'ActivatePlan', data });
const report = (occasion: string, answers: CommandOf<'ReportActivity'>['data']['answers'] = { trained: true }): CommandOf<'ReportActivity'> => ({
  type: 'ReportActivity',
  data: { occasion, answers },
});

const PREFILLED: PlanQuestion[] = [
  { id: 'trained', text: 'Har du tränat enligt ditt program?', answerType: 'yes-no', mandatory: false },
  { id: 'activity-type', text: 'Vilken typ av aktivitet utförde du?', answerType: 'text', mandatory: false },
  { id: 'experience', text: 'Hur upplevde du träningen (0 = mycket dåligt, 10 = mycket bra)?', answerType: 'scale-0-10', mandatory: false },
];
/** The default schedule, activated on Sunday 2026-11-22: occasions every Sunday from that day. */
const DEFAULT_SCHEDULE: PlanSchedule = {
  startDate: '2026-11-22',
  repeat: 'until-further-notice',
  endDate: null,
  interval: 'weekly',
  weekday: 'sunday',
  time: '16:00',
  reportWindowDays: 3,
};
const planActivated = (schedule: Partial<PlanSchedule> = {}, questions: PlanQuestion[] = PREFILLED): EventOf<'PlanActivated'> => ({
  type: 'PlanActivated',
  data: { questions, schedule: { ...DEFAULT_SCHEDULE, ...schedule }, by: THERAPIST_ID, at: NOW },
});
const withPlan = (schedule: Partial<PlanSchedule> = {}, questions?: PlanQuestion[]): EpisodeEvent[] => [...assigned(), planActivated(schedule, questions)];

describe('ActivatePlan', () => {
  it('activates the plan with the pre-filled questions and the default schedule (today, until further notice, weekly, Sunday 16:00, 3 days)', () => {
    episode
      .given(assigned())
      .when(activate())
      .then([{ type: 'PlanActivated', data: { questions: PREFILLED, schedule: DEFAULT_SCHEDULE, by: THERAPIST_ID, at: NOW } }]);
  });

  it('suggests today in Stockholm as the start date (23:30 UTC is already tomorrow)', () => {
    episode
      .given(assigned())
      .when(activate(), { now: '2026-11-22T23:30:00.000Z' })
      .then(([e]) => expect(e).toMatchObject({ data: { schedule: { startDate: '2026-11-23' } } }));
  });

  it('lets the therapist mark pre-filled questions mandatory, keeping their text and answer type', () => {
    episode
      .given(assigned())
      .when(activate({ questions: [{ id: 'trained', mandatory: true }, { id: 'experience', mandatory: false }] }), { actor: unitAdmin })
      .then([
        {
          type: 'PlanActivated',
          data: { questions: [{ ...PREFILLED[0]!, mandatory: true }, PREFILLED[2]!], schedule: DEFAULT_SCHEDULE, by: unitAdmin.id, at: NOW },
        },
      ]);
  });

  it('accepts an own question with a text; its answer type defaults to text', () => {
    episode
      .given(assigned())
      .when(activate({ questions: [{ id: 'steps', text: 'Hur många promenader gick du?', mandatory: true }] }))
      .then(([e]) =>
        expect(e).toMatchObject({ data: { questions: [{ id: 'steps', text: 'Hur många promenader gick du?', answerType: 'text', mandatory: true }] } }),
      );
  });

  it('takes the given schedule fields and defaults the rest', () => {
    episode
      .given(assigned())
      .when(activate({ schedule: { startDate: '2026-11-23', interval: 'daily', time: '07:30', reportWindowDays: 1 } }))
      .then(([e]) =>
        expect(e).toMatchObject({
          data: { schedule: { startDate: '2026-11-23', repeat: 'until-further-notice', endDate: null, interval: 'daily', weekday: 'sunday', time: '07:30', reportWindowDays: 1 } },
        }),
      );
  });

  it('repeats until the end date when only an end date is given', () => {
    episode
      .given(assigned())
      .when(activate({ schedule: { endDate: '2027-01-31' } }))
      .then(([e]) => expect(e).toMatchObject({ data: { schedule: { repeat: 'until-date', endDate: '2027-01-31' } } }));
  });

  it('may start on the last day of access', () => {
    episode.given(assigned()).when(activate({ schedule: { startDate: '2027-02-22' } })).then((e) => expect(e).toHaveLength(1));
  });

  it('refuses a second activation', () => {
    episode.given(withPlan()).when(activate()).thenThrows('PLAN_ALREADY_ACTIVE');
  });

  it('refuses a question listed twice', () => {
    episode
      .given(assigned())
      .when(activate({ questions: [{ id: 'trained', mandatory: true }, { id: 'trained', mandatory: false }] }))
      .thenThrows('DUPLICATE_QUESTION', 'unacceptable');
  });

  it('refuses an own question without a text', () => {
    episode.given(assigned()).when(activate({ questions: [{ id: 'mood', mandatory: false }] })).thenThrows('UNKNOWN_QUESTION', 'unacceptable');
  });

  it.each([
    ['"until-date" without an end date', { repeat: 'until-date' as const }],
    ['an end date before the start date', { startDate: '2026-12-01', endDate: '2026-11-30' }],
    ['a start after the access period', { startDate: '2027-02-23' }],
    ['a start date that is no calendar date', { startDate: '2026-02-30' }],
  ])('refuses a schedule with %s', (_, schedule) => {
    episode.given(assigned()).when(activate({ schedule })).thenThrows('INVALID_SCHEDULE', 'unacceptable');
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(activate()).thenThrows('NOT_FOUND');
  });

  it('refuses after the end', () => {
    episode.given(ended()).when(activate()).thenThrows('EPISODE_ENDED');
  });
});

describe('ReportActivity', () => {
  const answers = { trained: true, 'activity-type': 'Promenad 30 minuter', experience: 7 };

  it('records the patient\'s report for a scheduled occasion', () => {
    episode
      .given(withPlan())
      .when(report('2026-11-29', answers), asPatient('2026-11-29T17:00:00.000Z'))
      .then([{ type: 'ActivityReported', data: { occasion: '2026-11-29', answers, at: '2026-11-29T17:00:00.000Z' } }]);
  });

  it('opens at the start of the occasion\'s day in Stockholm (00:00 = 23:00 UTC the day before)', () => {
    episode.given(withPlan()).when(report('2026-11-29'), asPatient('2026-11-28T23:00:00.000Z')).then((e) => expect(e).toHaveLength(1));
    episode.given(withPlan()).when(report('2026-11-29'), asPatient('2026-11-28T22:59:59.999Z')).thenThrows('OCCASION_NOT_YET_OPEN');
  });

  it('closes at the end of the day reportWindowDays (3) later, in Stockholm', () => {
    episode.given(withPlan()).when(report('2026-11-29'), asPatient('2026-12-02T22:59:59.999Z')).then((e) => expect(e).toHaveLength(1));
    episode.given(withPlan()).when(report('2026-11-29'), asPatient('2026-12-02T23:00:00.000Z')).thenThrows('REPORT_WINDOW_CLOSED');
  });

  it('closes at the end of the occasion\'s own day with a window of 0 days', () => {
    episode.given(withPlan({ reportWindowDays: 0 })).when(report('2026-11-29'), asPatient('2026-11-29T22:59:00.000Z')).then((e) => expect(e).toHaveLength(1));
    episode.given(withPlan({ reportWindowDays: 0 })).when(report('2026-11-29'), asPatient('2026-11-29T23:00:00.000Z')).thenThrows('REPORT_WINDOW_CLOSED');
  });

  it('follows summer time: the window of Sunday 2027-03-28 closes at 22:00 UTC on 31 March', () => {
    const history = [...assigned({ accessUntil: '2027-06-30' }), planActivated()];
    episode.given(history).when(report('2027-03-28'), asPatient('2027-03-31T21:59:59.000Z')).then((e) => expect(e).toHaveLength(1));
    episode.given(history).when(report('2027-03-28'), asPatient('2027-03-31T22:00:00.000Z')).thenThrows('REPORT_WINDOW_CLOSED');
  });

  it('reads an occasion given as a date-time as its Stockholm date', () => {
    episode
      .given(withPlan())
      .when(report('2026-11-28T23:30:00.000Z'), asPatient('2026-11-29T17:00:00.000Z'))
      .then(([e]) => expect(e).toMatchObject({ data: { occasion: '2026-11-29' } }));
    episode
      .given(withPlan())
      .when(report('2026-11-29T16:00:00+01:00'), asPatient('2026-11-29T17:00:00.000Z'))
      .then(([e]) => expect(e).toMatchObject({ data: { occasion: '2026-11-29' } }));
  });

  it.each([
    ['a Monday of a weekly Sunday plan', {}, '2026-11-30'],
    ['a Sunday before the plan starts', {}, '2026-11-15'],
    ['the skipped week of an every-second-week plan', { interval: 'every-second-week' as const }, '2026-11-29'],
    ['a second occasion of a "once" plan', { repeat: 'once' as const }, '2026-11-29'],
    ['a Sunday after the end date', { repeat: 'until-date' as const, endDate: '2026-12-06' }, '2026-12-13'],
    ['the start date of a Wednesday plan (first occasion 2026-11-25)', { weekday: 'wednesday' as const }, '2026-11-22'],
  ])('refuses a date that is not a scheduled occasion: %s', (_, schedule, occasion) => {
    episode.given(withPlan(schedule)).when(report(occasion), asPatient('2026-12-13T12:00:00.000Z')).thenThrows('UNKNOWN_OCCASION', 'unacceptable');
  });

  it.each([
    ['every day of a daily plan', { interval: 'daily' as const }, '2026-11-24', '2026-11-24T12:00:00.000Z'],
    ['the second week of an every-second-week plan', { interval: 'every-second-week' as const }, '2026-12-06', '2026-12-06T12:00:00.000Z'],
    ['the first Wednesday on or after the start', { weekday: 'wednesday' as const }, '2026-11-25', '2026-11-25T12:00:00.000Z'],
    ['the end date of an until-date plan', { repeat: 'until-date' as const, endDate: '2026-12-06' }, '2026-12-06', '2026-12-06T12:00:00.000Z'],
  ])('accepts a scheduled occasion: %s', (_, schedule, occasion, now) => {
    episode.given(withPlan(schedule)).when(report(occasion), asPatient(now)).then((e) => expect(e).toMatchObject([{ data: { occasion } }]));
  });

  it('refuses a second report for the same occasion', () => {
    const reported: EpisodeEvent = { type: 'ActivityReported', data: { occasion: '2026-11-29', answers: { trained: true }, at: '2026-11-29T17:00:00.000Z' } };
    episode.given([...withPlan(), reported]).when(report('2026-11-29'), asPatient('2026-11-30T08:00:00.000Z')).thenThrows('OCCASION_ALREADY_REPORTED');
  });

  it('refuses a report without a mandatory answer, naming the question', () => {
    const questions = [{ ...PREFILLED[0]!, mandatory: true }, PREFILLED[1]!];
    const error = episode.given(withPlan({}, questions)).when(report('2026-11-29', { 'activity-type': 'Cykel' }), asPatient('2026-11-29T17:00:00.000Z')).thenThrows('MANDATORY_ANSWER_MISSING', 'rule');
    expect(error.details).toEqual([{ path: 'answers.trained', problem: 'mandatory' }]);
  });

  it('counts an empty text as no answer to a mandatory question', () => {
    const questions = [PREFILLED[0]!, { ...PREFILLED[1]!, mandatory: true }];
    episode.given(withPlan({}, questions)).when(report('2026-11-29', { trained: true, 'activity-type': '' }), asPatient('2026-11-29T17:00:00.000Z')).thenThrows('MANDATORY_ANSWER_MISSING');
  });

  it('accepts a report that leaves optional questions out', () => {
    episode.given(withPlan()).when(report('2026-11-29', {}), asPatient('2026-11-29T17:00:00.000Z')).then((e) => expect(e).toHaveLength(1));
  });

  it.each([
    ['a text for a yes-no question', { trained: 'ja' }],
    ['a number for a text question', { 'activity-type': 5 }],
    ['11 on the 0-10 scale', { experience: 11 }],
    ['a fraction on the 0-10 scale', { experience: 6.5 }],
    ['a yes-no for the scale', { experience: true }],
  ])('refuses an answer of the wrong type: %s', (_, answers) => {
    episode.given(withPlan()).when(report('2026-11-29', answers), asPatient('2026-11-29T17:00:00.000Z')).thenThrows('INVALID_ANSWER', 'unacceptable');
  });

  it('refuses an answer to a question the plan does not have', () => {
    episode.given(withPlan()).when(report('2026-11-29', { mood: 'bra' }), asPatient('2026-11-29T17:00:00.000Z')).thenThrows('UNKNOWN_QUESTION', 'unacceptable');
  });

  it('refuses without an active plan', () => {
    episode.given(assigned()).when(report('2026-11-29'), asPatient('2026-11-29T17:00:00.000Z')).thenThrows('NO_ACTIVE_PLAN');
  });

  it('refuses after the access period, even inside the occasion\'s window', () => {
    // Occasion Sunday 2027-02-21, window to 2027-02-24; access ended 2027-02-22.
    episode.given(withPlan()).when(report('2027-02-21'), asPatient('2027-02-23T10:00:00.000Z')).thenThrows('ACCESS_PERIOD_OVER');
    episode.given(withPlan()).when(report('2027-02-21'), asPatient('2027-02-22T10:00:00.000Z')).then((e) => expect(e).toHaveLength(1));
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(report('2026-11-29'), asPatient('2026-11-29T17:00:00.000Z')).thenThrows('NOT_FOUND');
  });

  it('refuses after the end', () => {
    episode.given(endedAfter(withPlan())).when(report('2026-11-29'), asPatient('2026-11-29T17:00:00.000Z')).thenThrows('EPISODE_ENDED');
  });
});
