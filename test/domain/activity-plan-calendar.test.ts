// The activity plan's calendar (Uppföljning träning) as pure functions: which dates are
// occasions for every repeat and interval, across week, month and year ends, and when each
// occasion's report window opens and closes in Stockholm time. Properties run with the
// suite's fixed fast-check seed (test/support/fast-check.ts).
import fc from 'fast-check';
import {
  firstOccasion,
  isOccasion,
  occasionDate,
  occasionInstant,
  occasionsUntil,
  reportWindow,
} from '../../src/domain/episode/activity-plan';
import type { PlanSchedule } from '../../src/domain/episode/events';
import { addDays, weekdayOf } from '../../src/domain/shared/time';

/** The default schedule, from Sunday 2026-11-22; each test changes what it is about. */
const schedule = (o: Partial<PlanSchedule> = {}): PlanSchedule => ({
  startDate: '2026-11-22',
  repeat: 'until-further-notice',
  endDate: null,
  interval: 'weekly',
  weekday: 'sunday',
  time: '16:00',
  reportWindowDays: 3,
  ...o,
});

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

describe('the first occasion', () => {
  it('is the start date of a daily plan, whatever weekday is chosen', () => {
    // Monday start, Wednesday chosen: a daily plan ignores the weekday.
    expect(firstOccasion(schedule({ interval: 'daily', startDate: '2026-11-23', weekday: 'wednesday' }))).toBe('2026-11-23');
  });

  it.each([
    ['the start date when it is the chosen weekday', '2026-11-22', 'sunday', '2026-11-22'],
    ['later in the same week (Monday start, Friday chosen)', '2026-11-23', 'friday', '2026-11-27'],
    ['in the next week, across the week boundary (Friday start, Monday chosen)', '2026-11-27', 'monday', '2026-11-30'],
    ['the next day when the chosen weekday is the day after (Saturday start, Sunday chosen)', '2026-11-28', 'sunday', '2026-11-29'],
    ['six days later when the chosen weekday was the day before (Monday start, Sunday chosen)', '2026-11-23', 'sunday', '2026-11-29'],
    ['in the next year, across the year end (Thursday 31 December, Tuesday chosen)', '2026-12-31', 'tuesday', '2027-01-05'],
  ] as const)('of a weekly plan is %s', (_, startDate, weekday, expected) => {
    expect(firstOccasion(schedule({ startDate, weekday }))).toBe(expected);
    expect(firstOccasion(schedule({ startDate, weekday, interval: 'every-second-week' }))).toBe(expected);
  });

  it('of a weekly plan is the chosen weekday, on or at most six days after the start (property)', () => {
    const start = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(start, fc.constantFrom(...WEEKDAYS), fc.constantFrom('weekly', 'every-second-week' as const), (d, weekday, interval) => {
        const startDate = d.toISOString().slice(0, 10);
        const first = firstOccasion(schedule({ startDate, weekday, interval }));
        expect(WEEKDAYS[weekdayOf(first)]).toBe(weekday);
        const lag = (Date.parse(first) - Date.parse(startDate)) / 86_400_000;
        expect(lag).toBeGreaterThanOrEqual(0);
        expect(lag).toBeLessThanOrEqual(6);
      }),
      { numRuns: 150 },
    );
  });
});

describe('occasions until a date', () => {
  it('are every chosen weekday of a weekly plan, the last date included', () => {
    expect(occasionsUntil(schedule(), '2026-12-13')).toEqual(['2026-11-22', '2026-11-29', '2026-12-06', '2026-12-13']);
    expect(occasionsUntil(schedule(), '2026-12-12')).toEqual(['2026-11-22', '2026-11-29', '2026-12-06']);
  });

  it('are every day of a daily plan, across the month and the year end', () => {
    expect(occasionsUntil(schedule({ interval: 'daily', startDate: '2026-12-29' }), '2027-01-02')).toEqual([
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
  });

  it('include 29 February in a leap year', () => {
    expect(occasionsUntil(schedule({ interval: 'daily', startDate: '2028-02-28' }), '2028-03-01')).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
  });

  it('are every other chosen weekday of an every-second-week plan, across the year end', () => {
    expect(occasionsUntil(schedule({ interval: 'every-second-week', startDate: '2026-12-20' }), '2027-01-31')).toEqual([
      '2026-12-20',
      '2027-01-03',
      '2027-01-17',
      '2027-01-31',
    ]);
  });

  it('start at the first chosen weekday, not at the start date', () => {
    expect(occasionsUntil(schedule({ startDate: '2026-11-27', weekday: 'monday' }), '2026-12-14')).toEqual(['2026-11-30', '2026-12-07', '2026-12-14']);
  });

  it('are only the first of a "once" plan, however far ahead one looks', () => {
    expect(occasionsUntil(schedule({ repeat: 'once' }), '2027-02-22')).toEqual(['2026-11-22']);
    expect(occasionsUntil(schedule({ repeat: 'once', interval: 'daily', startDate: '2026-11-24' }), '2027-02-22')).toEqual(['2026-11-24']);
  });

  it('stop at the end date of an "until-date" plan (the end date included)', () => {
    const untilDate = schedule({ repeat: 'until-date', endDate: '2026-12-06' });
    expect(occasionsUntil(untilDate, '2027-02-22')).toEqual(['2026-11-22', '2026-11-29', '2026-12-06']);
    expect(occasionsUntil(schedule({ repeat: 'until-date', endDate: '2026-12-05' }), '2027-02-22')).toEqual(['2026-11-22', '2026-11-29']);
  });

  it('of an "until-date" plan stop at the last date asked for when it comes before the end date', () => {
    expect(occasionsUntil(schedule({ repeat: 'until-date', endDate: '2027-01-31' }), '2026-11-29')).toEqual(['2026-11-22', '2026-11-29']);
  });

  it('ignore an end date on a plan that does not repeat until a date', () => {
    expect(occasionsUntil(schedule({ endDate: '2026-11-29' }), '2026-12-13')).toEqual(['2026-11-22', '2026-11-29', '2026-12-06', '2026-12-13']);
  });

  it('are none before the first occasion', () => {
    expect(occasionsUntil(schedule({ startDate: '2026-11-23' }), '2026-11-28')).toEqual([]);
    expect(occasionsUntil(schedule({ repeat: 'once', startDate: '2026-11-23' }), '2026-11-28')).toEqual([]);
  });

  it('are exactly the dates up to the last date that are occasions (property, every repeat and interval)', () => {
    const anySchedule = fc.record({
      startOffset: fc.integer({ min: 0, max: 400 }),
      repeat: fc.constantFrom('until-further-notice', 'until-date', 'once' as const),
      endOffset: fc.integer({ min: 0, max: 90 }),
      interval: fc.constantFrom('daily', 'weekly', 'every-second-week' as const),
      weekday: fc.constantFrom(...WEEKDAYS),
      horizon: fc.integer({ min: 0, max: 120 }),
    });
    fc.assert(
      fc.property(anySchedule, ({ startOffset, repeat, endOffset, interval, weekday, horizon }) => {
        const startDate = addDays('2026-01-01', startOffset);
        const s = schedule({ startDate, repeat, interval, weekday, endDate: repeat === 'until-date' ? addDays(startDate, endOffset) : null });
        const last = addDays(startDate, horizon);
        const expected: string[] = [];
        for (let d = startDate; d <= last; d = addDays(d, 1)) if (isOccasion(s, d)) expected.push(d);
        expect(occasionsUntil(s, last)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});

describe('whether a date is an occasion', () => {
  it('is so for the first occasion and not the day before', () => {
    expect(isOccasion(schedule(), '2026-11-22')).toBe(true);
    expect(isOccasion(schedule(), '2026-11-21')).toBe(false);
    expect(isOccasion(schedule({ startDate: '2026-11-27', weekday: 'monday' }), '2026-11-30')).toBe(true);
    expect(isOccasion(schedule({ startDate: '2026-11-27', weekday: 'monday' }), '2026-11-23')).toBe(false);
  });

  it('is so every day of a daily plan and every seventh day of a weekly one', () => {
    expect(isOccasion(schedule({ interval: 'daily' }), '2026-11-23')).toBe(true);
    expect(isOccasion(schedule({ interval: 'daily' }), '2027-01-01')).toBe(true);
    expect(isOccasion(schedule(), '2026-11-23')).toBe(false);
    expect(isOccasion(schedule(), '2026-11-29')).toBe(true);
    expect(isOccasion(schedule(), '2027-01-03')).toBe(true);
  });

  it('is so every fourteenth day of an every-second-week plan', () => {
    const fortnightly = schedule({ interval: 'every-second-week' });
    expect(isOccasion(fortnightly, '2026-11-29')).toBe(false);
    expect(isOccasion(fortnightly, '2026-12-06')).toBe(true);
    expect(isOccasion(fortnightly, '2026-12-13')).toBe(false);
    expect(isOccasion(fortnightly, '2027-01-03')).toBe(true);
  });

  it('is so only on the first occasion of a "once" plan', () => {
    const once = schedule({ repeat: 'once', startDate: '2026-11-23', weekday: 'wednesday' });
    expect(isOccasion(once, '2026-11-25')).toBe(true);
    expect(isOccasion(once, '2026-11-23')).toBe(false);
    expect(isOccasion(once, '2026-12-02')).toBe(false);
    const onceDaily = schedule({ repeat: 'once', interval: 'daily' });
    expect(isOccasion(onceDaily, '2026-11-22')).toBe(true);
    expect(isOccasion(onceDaily, '2026-11-23')).toBe(false);
  });

  it('is so up to and including the end date of an "until-date" plan, not after it', () => {
    const untilDate = schedule({ repeat: 'until-date', endDate: '2026-12-06', interval: 'daily' });
    expect(isOccasion(untilDate, '2026-12-06')).toBe(true);
    expect(isOccasion(untilDate, '2026-12-07')).toBe(false);
  });

  it('ignores an end date on a plan that repeats until further notice', () => {
    expect(isOccasion(schedule({ endDate: '2026-11-29' }), '2026-12-06')).toBe(true);
  });

  it('is not so for a string that is no calendar date (and does not throw)', () => {
    expect(isOccasion(schedule({ interval: 'daily' }), '2026-13-01')).toBe(false);
  });
});

describe('the report window', () => {
  it('opens at midnight in Stockholm on the occasion and closes at the end of the day reportWindowDays later (winter, UTC+1)', () => {
    expect(reportWindow(schedule(), '2026-11-29')).toEqual({ opensAt: '2026-11-28T23:00:00.000Z', closesAt: '2026-12-02T23:00:00.000Z' });
  });

  it('follows summer time (UTC+2)', () => {
    expect(reportWindow(schedule({ reportWindowDays: 1 }), '2027-06-06')).toEqual({ opensAt: '2027-06-05T22:00:00.000Z', closesAt: '2027-06-07T22:00:00.000Z' });
  });

  it('spans the change to summer time: opens at 00:00 CET and closes at 00:00 CEST', () => {
    expect(reportWindow(schedule({ reportWindowDays: 0 }), '2027-03-28')).toEqual({ opensAt: '2027-03-27T23:00:00.000Z', closesAt: '2027-03-28T22:00:00.000Z' });
  });

  it('runs across the year end', () => {
    expect(reportWindow(schedule(), '2026-12-31')).toEqual({ opensAt: '2026-12-30T23:00:00.000Z', closesAt: '2027-01-03T23:00:00.000Z' });
  });
});

describe('the scheduled instant and the named occasion', () => {
  it('is the plan\'s time of day in Stockholm on the occasion', () => {
    expect(occasionInstant(schedule(), '2026-11-29')).toBe('2026-11-29T15:00:00.000Z');
    expect(occasionInstant(schedule({ time: '07:30' }), '2027-06-06')).toBe('2027-06-06T05:30:00.000Z');
    expect(occasionInstant(schedule(), '2027-10-31')).toBe('2027-10-31T15:00:00.000Z');
  });

  it('reads a date as itself and a date-time as its Stockholm date', () => {
    expect(occasionDate('2026-11-29')).toBe('2026-11-29');
    expect(occasionDate('2026-11-28T23:30:00.000Z')).toBe('2026-11-29');
    expect(occasionDate('2026-11-29T22:59:59.000Z')).toBe('2026-11-29');
    expect(occasionDate('2026-11-29T23:00:00.000Z')).toBe('2026-11-30');
    expect(occasionDate('2027-06-06T21:59:00.000Z')).toBe('2027-06-06');
  });
});
