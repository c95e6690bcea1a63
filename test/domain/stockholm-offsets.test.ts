// The zone's offset at the edges: the instants around Stockholm's clock changes, the
// wall-clock times that a clock change skips, an offset that is not whole hours (local
// mean time, before 1900), and date strings that only look like calendar dates.
import { isValidDate, localDate, zonedInstant } from '../../src/domain/shared/time';

const SECOND = 1000;
/** The calendar date of an instant in Stockholm as Intl itself tells it: the oracle. */
const intlDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('the local date around the clock changes (2026: summer time 29 March, winter time 25 October)', () => {
  it.each([
    ['the last winter second, 01:59:59 local', '2026-03-29T00:59:59.000Z', '2026-03-29'],
    ['the first summer instant, 03:00 local', '2026-03-29T01:00:00.000Z', '2026-03-29'],
    ['the last second before midnight of the short day', '2026-03-29T21:59:59.999Z', '2026-03-29'],
    ['midnight after the short day (UTC+2)', '2026-03-29T22:00:00.000Z', '2026-03-30'],
    ['the midnight before the long day (UTC+2)', '2026-10-24T22:00:00.000Z', '2026-10-25'],
    ['the last summer instant, 02:59:59.999 local', '2026-10-25T00:59:59.999Z', '2026-10-25'],
    ['the first winter instant, 02:00 local again', '2026-10-25T01:00:00.000Z', '2026-10-25'],
    ['the last second of the long day (UTC+1)', '2026-10-25T22:59:59.999Z', '2026-10-25'],
    ['midnight after the long day', '2026-10-25T23:00:00.000Z', '2026-10-26'],
  ])('%s', (_, instant, date) => {
    expect(localDate(instant)).toBe(date);
    expect(intlDate.format(new Date(instant))).toBe(date);
  });
});

describe('wall-clock times around the clock changes', () => {
  it.each([
    ['01:59, the last winter minute', '2026-03-29', '01:59', '2026-03-29T00:59:00.000Z'],
    // 02:00 to 02:59 do not exist that night: read as the instant an hour later, 03:00 to 03:59 summer time.
    ['02:00, skipped by the clock', '2026-03-29', '02:00', '2026-03-29T01:00:00.000Z'],
    ['02:30, skipped by the clock', '2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'],
    ['02:59, skipped by the clock', '2026-03-29', '02:59', '2026-03-29T01:59:00.000Z'],
    ['03:00, the first summer minute', '2026-03-29', '03:00', '2026-03-29T01:00:00.000Z'],
    ['01:59 on the day summer time ends', '2026-10-25', '01:59', '2026-10-24T23:59:00.000Z'],
    ['03:00 on the day summer time ends', '2026-10-25', '03:00', '2026-10-25T02:00:00.000Z'],
  ])('%s', (_, date, time, instant) => {
    expect(zonedInstant(date, time)).toBe(instant);
    expect(localDate(instant)).toBe(date);
  });
});

describe('an offset that is not whole hours', () => {
  // Before 1900 the zone keeps local mean time (an offset in minutes and seconds, whatever
  // the tz data of this Node says it is): the local date changes at the exact second.
  it('changes the local date at the very second Intl does, also before 1900', () => {
    const from = Date.parse('1850-06-01T21:00:00.000Z');
    const wrong: string[] = [];
    for (let t = from; t < from + 4 * 3600 * SECOND; t += SECOND) {
      const instant = new Date(t).toISOString();
      if (localDate(instant) !== intlDate.format(t)) wrong.push(instant);
    }
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(new Set([localDate('1850-06-01T21:00:00.000Z'), localDate('1850-06-02T00:59:59.000Z')])).toEqual(new Set(['1850-06-01', '1850-06-02']));
  });
});

describe('strings that only look like calendar dates', () => {
  // Expanded ISO years read back through Date as themselves: only the YYYY-MM-DD shape tells them apart.
  it.each(['+010000-01', '-000001-01', '+002026-11', '+275760-09'])('%j is not one', (s) => {
    expect(isValidDate(s)).toBe(false);
  });
});
