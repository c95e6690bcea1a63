// Edge cases of the samordningsnummer (day + 60) and of the date checks shared with the
// personnummer: an unknown month (00) or day (60), how far a day may run in an unknown
// month, and a birth date that lies in the future. Numbers are Skatteverket's test numbers
// or generated (identity-numbers.ts).
import { parseIdentityNumber } from '../../src/domain/shared/personnummer';
import { generated } from './identity-numbers';

const TODAY = '2026-11-22';
const parse = (input: string, today = TODAY) => parseIdentityNumber(input, today);
const reason = (input: string, today = TODAY) => {
  const r = parse(input, today);
  return r.ok ? 'accepted' : r.reason;
};

describe('a samordningsnummer with an unknown month (00)', () => {
  it('may have any day up to 31 (91), the month being unknown', () => {
    expect(parse(generated('19120091'))).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', birthDate: '1912-01-31' } });
  });

  it('refuses a day over 31 (92)', () => {
    expect(reason(generated('19120092'))).toBe('day is not valid');
    expect(reason(generated('19120099'))).toBe('day is not valid');
  });

  it('dates the birth to 1 January of the year, and keeps the digits as given', () => {
    expect(parse(generated('19120072'))).toEqual({ ok: true, value: { canonical: generated('19120072').replace('-', ''), kind: 'samordningsnummer', birthDate: '1912-01-12' } });
    expect(parse(generated('19120060'))).toMatchObject({ ok: true, value: { birthDate: '1912-01-01' } });
  });
});

describe('a samordningsnummer with an unknown day (60)', () => {
  it('dates the birth to the 1st of its month', () => {
    expect(parse(generated('19121260'))).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', birthDate: '1912-12-01' } });
  });

  it('still refuses a month over 12', () => {
    expect(reason(generated('19121360'))).toBe('month is not valid');
  });
});

describe('the day of a samordningsnummer is checked against its month', () => {
  it.each([
    ['31 December (91)', '19121291', 'accepted'],
    ['30 April (90)', '19120490', 'accepted'],
    ['31 April (91)', '19120491', 'day is not valid'],
    ['29 February in a leap year (89)', '19120289', 'accepted'],
    ['29 February in a common year (89)', '19130289', 'day is not valid'],
  ])('%s: %s', (_, date, expected) => {
    expect(reason(generated(date))).toBe(expected);
  });
});

describe('a birth date in the future', () => {
  it('is refused for a samordningsnummer too, and today is not the future', () => {
    expect(reason(generated('20261182'))).toBe('accepted');
    expect(reason(generated('20261183'))).toBe('date lies in the future');
    expect(reason(generated('20270161'))).toBe('date lies in the future');
  });

  it('is judged on the approximate date when the month is unknown: 1 January of this year has come', () => {
    expect(reason(generated('20260060'))).toBe('accepted');
    expect(reason(generated('20270060'))).toBe('date lies in the future');
  });

  it('is judged on the 1st of the month when the day is unknown', () => {
    expect(reason(generated('20261160'))).toBe('accepted');
    expect(reason(generated('20261260'))).toBe('date lies in the future');
  });

  it('is judged against the day given, not a fixed one', () => {
    expect(reason('202601612381', '2025-12-31')).toBe('date lies in the future');
    expect(reason('202601612381', '2026-01-01')).toBe('accepted');
  });
});

describe('input that is no text at all', () => {
  it('is refused, not thrown', () => {
    expect(parseIdentityNumber(191212121212 as unknown as string, TODAY)).toEqual({ ok: false, reason: 'not a string' });
    expect(parseIdentityNumber(undefined as unknown as string, TODAY)).toEqual({ ok: false, reason: 'not a string' });
  });
});
