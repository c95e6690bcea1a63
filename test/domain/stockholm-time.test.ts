// Calendar arithmetic in Stockholm time: the local date of an instant, the instant of a
// wall-clock time, days, months and weekdays, and what counts as a calendar date. The
// rules of the access period, the plan and the report windows all stand on these.
import fc from 'fast-check';
import { addDays, addMonths, isValidDate, localDate, weekdayOf, zonedInstant } from '../../src/domain/shared/time';

describe('the local date of an instant', () => {
  it.each([
    ['winter, before local midnight (UTC+1)', '2026-11-22T22:59:59.999Z', '2026-11-22'],
    ['winter, at local midnight', '2026-11-22T23:00:00.000Z', '2026-11-23'],
    ['summer, before local midnight (UTC+2)', '2027-06-06T21:59:59.999Z', '2027-06-06'],
    ['summer, at local midnight', '2027-06-06T22:00:00.000Z', '2027-06-07'],
    ['New Year\'s Eve at 23:30 UTC, already the new year', '2026-12-31T23:30:00.000Z', '2027-01-01'],
    ['an instant written with its own offset', '2026-11-23T00:30:00+01:00', '2026-11-23'],
    ['the last winter hour before summer time', '2027-03-28T00:59:59.000Z', '2027-03-28'],
    ['the evening after summer time ends', '2027-10-31T22:59:59.000Z', '2027-10-31'],
    ['the first instant of the day after summer time ends', '2027-10-31T23:00:00.000Z', '2027-11-01'],
  ])('%s', (_, instant, date) => {
    expect(localDate(instant)).toBe(date);
  });

  it('is the same at every minute of one local day (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 * 60 - 1 }), (minute) => {
        // 2026-11-22 00:00 in Stockholm is 23:00 UTC the day before.
        expect(localDate(new Date(Date.parse('2026-11-21T23:00:00.000Z') + minute * 60_000).toISOString())).toBe('2026-11-22');
      }),
      { numRuns: 100 },
    );
  });
});

describe('the instant of a Stockholm wall-clock time', () => {
  it.each([
    ['winter (UTC+1)', '2026-11-29', '16:00', '2026-11-29T15:00:00.000Z'],
    ['summer (UTC+2)', '2027-06-06', '16:00', '2027-06-06T14:00:00.000Z'],
    ['local midnight in winter', '2026-11-29', '00:00', '2026-11-28T23:00:00.000Z'],
    ['local midnight on the day summer time starts', '2027-03-28', '00:00', '2027-03-27T23:00:00.000Z'],
    ['the afternoon of the day summer time starts', '2027-03-28', '16:00', '2027-03-28T14:00:00.000Z'],
    ['the morning of the day summer time ends', '2027-10-31', '01:00', '2027-10-30T23:00:00.000Z'],
    ['the afternoon of the day summer time ends', '2027-10-31', '16:00', '2027-10-31T15:00:00.000Z'],
    ['a minute before midnight on New Year\'s Eve', '2026-12-31', '23:59', '2026-12-31T22:59:00.000Z'],
  ])('%s', (_, date, time, instant) => {
    expect(zonedInstant(date, time)).toBe(instant);
  });

  it('reads back as the same local date (property, whole years both sides of the clock changes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * 366 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (day, hour, minute) => {
        const date = addDays('2026-01-01', day);
        const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
        expect(localDate(zonedInstant(date, time))).toBe(date);
      }),
      { numRuns: 200 },
    );
  });
});

describe('days, months and weekdays', () => {
  it.each([
    ['2026-11-22', 1, '2026-11-23'],
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2026-11-22', 0, '2026-11-22'],
    ['2026-11-22', 14, '2026-12-06'],
  ])('%s plus %i days is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ['2026-11-22', 3, '2027-02-22'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2027-11-30', 3, '2028-02-29'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2026-05-31', 24, '2028-05-31'],
  ])('%s plus %i months is %s (the day clamped to the month end)', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it.each([
    ['2026-11-22', 0],
    ['2026-11-23', 1],
    ['2026-11-27', 5],
    ['2026-11-28', 6],
    ['2027-01-01', 5],
    ['2028-02-29', 2],
  ])('%s is weekday %i (0 = Sunday)', (date, weekday) => {
    expect(weekdayOf(date)).toBe(weekday);
  });
});

describe('calendar dates', () => {
  it.each(['2026-1-01', '2026-01-1', '26-01-01', '2026/01/01', '2026-01-01T00:00', ' 2026-01-01', '', '2026-02-29', '2100-02-29'])('%j is not one', (s) => {
    expect(isValidDate(s)).toBe(false);
  });

  it.each(['2026-01-01', '2028-02-29', '2000-02-29', '1912-12-12'])('%s is one', (s) => {
    expect(isValidDate(s)).toBe(true);
  });
});
