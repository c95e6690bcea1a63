// Personnummer and samordningsnummer (Skatteverket): parse, format, mask, Luhn, age.
// Only Skatteverket's published test numbers, or numbers generated here with `generated`.
import { ageOn, formatIdentityNumber, luhnCheckDigit, maskIdentityNumber, parseIdentityNumber } from '../../src/domain/shared/personnummer';
import { generated } from './identity-numbers';

const TODAY = '2026-11-22';
const parse = (input: string, today = TODAY) => parseIdentityNumber(input, today);

const reason = (input: string, today = TODAY) => {
  const r = parse(input, today);
  return r.ok ? 'accepted' : r.reason;
};

describe('parseIdentityNumber: Skatteverket\'s test numbers', () => {
  it.each([
    ['19121212-1212', '191212121212', '1912-12-12'],
    ['191212121212', '191212121212', '1912-12-12'],
    ['20190101-2391', '201901012391', '2019-01-01'],
    ['19030818-9802', '190308189802', '1903-08-18'],
    [' 19121212-1212 ', '191212121212', '1912-12-12'],
  ])('accepts the personnummer %s', (input, canonical, birthDate) => {
    expect(parse(input)).toEqual({ ok: true, value: { canonical, kind: 'personnummer', birthDate } });
  });

  it('accepts the samordningsnummer 202601612381 (day 61 = the 1st)', () => {
    expect(parse('202601612381')).toEqual({ ok: true, value: { canonical: '202601612381', kind: 'samordningsnummer', birthDate: '2026-01-01' } });
  });

  it.each([
    ['121212+1212', '191212121212', TODAY],
    ['030818+9802', '190308189802', TODAY],
    ['1212121212', '191212121212', '2011-12-31'],
    ['121212-1212', '191212121212', '2011-12-31'],
    ['190101-2391', '201901012391', TODAY],
    ['1901012391', '201901012391', TODAY],
  ])('reads the 10-digit form %s with the century from today', (input, canonical, today) => {
    expect(parse(input, today)).toMatchObject({ ok: true, value: { canonical } });
  });
});

// 18 § folkbokföringsförordningen: '+' from the start of the calendar year in which the person
// turns 100, not from the birthday. 19121212-1212 turns 100 in 2012, 19030818-9802 in 2003.
describe('parseIdentityNumber: the century of a 10-digit number follows the calendar year', () => {
  const birthDate = (input: string, today: string) => {
    const r = parse(input, today);
    return r.ok ? r.value.birthDate : r.reason;
  };

  it.each([
    ['the last day of the year before the 100th', '2011-12-31', '1812-12-12'],
    ['New Year of the 100th year', '2012-01-01', '1912-12-12'],
    ['the day before the 100th birthday', '2012-12-11', '1912-12-12'],
    ['the 100th birthday', '2012-12-12', '1912-12-12'],
    ['the day after the 100th birthday', '2012-12-13', '1912-12-12'],
    ['the last day of the 100th year', '2012-12-31', '1912-12-12'],
    ['a later year', '2026-11-22', '1912-12-12'],
  ])('reads 121212+1212 on %s (%s) as born %s', (_, today, born) => {
    expect(birthDate('121212+1212', today)).toBe(born);
  });

  it.each([
    ['the last day of the year the person turns 99', '2011-12-31', '1912-12-12'],
    ['the same day a year earlier', '2010-12-31', '1912-12-12'],
  ])('reads 121212-1212 on %s (%s) as born %s', (_, today, born) => {
    expect(birthDate('121212-1212', today)).toBe(born);
    expect(birthDate('1212121212', today)).toBe(born);
  });

  it.each([
    ['New Year of the 100th year', '2012-01-01'],
    ['the day before the 100th birthday', '2012-12-11'],
  ])("refuses 121212-1212 on %s (%s): that person has had '+' since New Year, and 2012-12-12 is still to come", (_, today) => {
    expect(reason('121212-1212', today)).toBe('date lies in the future');
    expect(reason('1212121212', today)).toBe('date lies in the future');
  });

  it('reads the canonical number back, whichever side of the birthday in the 100th year', () => {
    for (const today of ['2012-01-01', '2012-12-11', '2012-12-13'])
      expect(parse('121212+1212', today)).toEqual({ ok: true, value: { canonical: '191212121212', kind: 'personnummer', birthDate: '1912-12-12' } });
    expect(parse('121212-1212', '2011-12-31')).toEqual({ ok: true, value: { canonical: '191212121212', kind: 'personnummer', birthDate: '1912-12-12' } });
  });

  it.each([
    ['030818+9802', '2002-12-31', '1803-08-18'],
    ['030818+9802', '2003-01-01', '1903-08-18'],
    ['030818+9802', '2003-08-17', '1903-08-18'],
    ['030818+9802', '2003-08-19', '1903-08-18'],
    ['030818-9802', '2002-12-31', '1903-08-18'],
    ['030818-9802', '2003-01-01', 'date lies in the future'],
    ['030818-9802', '2003-08-17', 'date lies in the future'],
  ])('reads %s on %s as %s', (input, today, born) => {
    expect(birthDate(input, today)).toBe(born);
  });

  it("reads '-' as this year's date once it has come (20190101-2391 on its birthday)", () => {
    expect(parse('190101-2391', '2019-01-01')).toEqual({ ok: true, value: { canonical: '201901012391', kind: 'personnummer', birthDate: '2019-01-01' } });
    expect(birthDate('190101-2391', '2018-12-31')).toBe('1919-01-01');
    expect(birthDate('190101+2391', '2019-12-31')).toBe('1919-01-01');
  });

  it('keeps the samordningsnummer day + 60 under the same rule (202601612381)', () => {
    expect(parse('260161-2381', '2026-01-01')).toEqual({ ok: true, value: { canonical: '202601612381', kind: 'samordningsnummer', birthDate: '2026-01-01' } });
    expect(parse('260161-2381', '2025-12-31')).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', birthDate: '1926-01-01' } });
    expect(parse('260161+2381', '2025-12-31')).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', birthDate: '1826-01-01' } });
    expect(parse('260161+2381', '2026-01-01')).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', birthDate: '1926-01-01' } });
  });
});

describe('parseIdentityNumber: refusals', () => {
  it('refuses a wrong check digit', () => {
    expect(reason('19121212-1213')).toBe('check digit does not match');
    expect(reason('20190101-2390')).toBe('check digit does not match');
  });

  it('refuses birth number 000, even with a matching check digit', () => {
    expect(reason(generated('19121212', '000'))).toBe('birth number 000 is not used');
  });

  it.each([
    ['month 13', '19121312', 'month is not valid'],
    ['month 00 in a personnummer', '19120012', 'month is not valid'],
    ['30 February', '19120230', 'day is not valid'],
    ['29 February in a common year', '19130229', 'day is not valid'],
    ['day 32', '19121232', 'day is not valid'],
    ['31 April', '19120431', 'day is not valid'],
    ['day 00 in a personnummer', '19121200', 'day is not valid'],
  ])('refuses a bad date: %s', (_, date, why) => {
    expect(reason(generated(date))).toBe(why);
  });

  it('accepts 29 February in a leap year', () => {
    expect(parse(generated('19120229'))).toMatchObject({ ok: true, value: { birthDate: '1912-02-29' } });
  });

  it.each(['1912121A-1212', 'abcdefghijkl', '19121212-12l2', '', '   ', '121212-121', '12121212', '19121212-12123', '1912121212120', '19121212/1212', '19121212 1212', '+1212121212'])(
    'refuses a malformed input %j',
    (input) => {
      expect(reason(input)).toBe('must be 10 or 12 digits with an optional - or + before the last four');
    },
  );

  it('refuses "+" in the 12-digit form', () => {
    expect(reason('19121212+1212')).toBe('the + separator is only used with 10 digits');
  });

  it('refuses a birth date in the future, and accepts today', () => {
    expect(reason(generated('20261123'))).toBe('date lies in the future');
    expect(reason(generated('20261122'))).toBe('accepted');
    expect(reason(generated('20261183'))).toBe('date lies in the future');
  });

  it('never tells the number back in its reason', () => {
    for (const input of ['19121212-1213', generated('19121312'), generated('20261123'), '19121212+1212']) {
      const r = parse(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).not.toMatch(/\d{6}/);
    }
  });
});

describe('parseIdentityNumber: samordningsnummer', () => {
  it('reads day + 60 as the birth day', () => {
    expect(parse(generated('19121272'))).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', birthDate: '1912-12-12' } });
  });

  it('allows month 00 (birth month unknown)', () => {
    expect(parse(generated('19120072'))).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', canonical: expect.stringMatching(/^19120072/) } });
  });

  // domain.md: "a day of 60 or a month of 00 can occur in samordningsnummer" (day 00 + 60: birth day unknown).
  it('allows day 60 (birth day unknown)', () => {
    expect(parse(generated('19121260'))).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', canonical: expect.stringMatching(/^19121260/) } });
  });

  it('allows month 00 together with day 60 (birth date unknown but for the year)', () => {
    expect(parse(generated('19120060'))).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', canonical: expect.stringMatching(/^19120060/) } });
  });

  it.each([
    ['day 92 (32 + 60)', '19121292'],
    ['30 February + 60', '19120290'],
    ['month 13', '19121372'],
  ])('refuses a bad date: %s', (_, date) => {
    expect(parse(generated(date)).ok).toBe(false);
  });
});

describe('formatIdentityNumber and maskIdentityNumber', () => {
  it('formats the canonical 12 digits as YYYYMMDD-NNNC', () => {
    expect(formatIdentityNumber('191212121212')).toBe('19121212-1212');
    expect(formatIdentityNumber('202601612381')).toBe('20260161-2381');
  });

  it('masks the last four digits', () => {
    expect(maskIdentityNumber('191212121212')).toBe('19121212-****');
    expect(maskIdentityNumber('201901012391')).not.toContain('2391');
  });
});

describe('luhnCheckDigit', () => {
  it.each([
    ['121212121', 2],
    ['190101239', 1],
    ['030818980', 2],
    ['260161238', 1],
  ])('computes the check digit of %s as %i', (nine, digit) => {
    expect(luhnCheckDigit(nine)).toBe(digit);
  });
});

describe('ageOn', () => {
  it.each([
    ['1912-12-12', '2026-11-22', 113],
    ['1912-12-12', '2026-12-11', 113],
    ['1912-12-12', '2026-12-12', 114],
    ['2019-01-01', '2025-12-31', 6],
    ['2019-01-01', '2026-01-01', 7],
    ['2026-01-01', '2026-11-22', 0],
  ])('born %s is on %s %i years old', (birth, today, age) => {
    expect(ageOn(birth, today)).toBe(age);
  });
});
