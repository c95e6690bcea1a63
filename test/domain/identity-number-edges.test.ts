// Edge cases of personnummer/samordningsnummer parsing and of age that the mutation run
// found unpinned. Only Skatteverket's test numbers or numbers built with `generated`.
import { ageOn, parseIdentityNumber } from '../../src/domain/shared/personnummer';
import { generated } from './identity-numbers';

const TODAY = '2026-11-22';
const reason = (input: string, today = TODAY) => {
  const r = parseIdentityNumber(input, today);
  return r.ok ? 'accepted' : r.reason;
};

describe('parseIdentityNumber: the month', () => {
  it.each([
    ['month 13 in a personnummer', '19901301'],
    ['month 13 in a samordningsnummer', '19901361'],
    ['month 00 in a personnummer', '19900015'],
  ])('refuses %s, whatever the day', (_, date) => {
    expect(reason(generated(date))).toBe('month is not valid');
  });

  it.each([['19900101'], ['19901231'], ['19900161'], ['19901291']])('accepts months 01 and 12 (%s)', (date) => {
    expect(reason(generated(date))).toBe('accepted');
  });
});

describe('parseIdentityNumber: samordningsnummer with month 00', () => {
  it('accepts day 31 (91) with month 00', () => {
    expect(parseIdentityNumber(generated('19900091'), TODAY)).toMatchObject({ ok: true, value: { kind: 'samordningsnummer', birthDate: '1990-01-31' } });
  });

  it('refuses day 32 (92) with month 00', () => {
    expect(reason(generated('19900092'))).toBe('day is not valid');
  });

  it('refuses day 31 (91) in a 30-day month', () => {
    expect(reason(generated('19900491'))).toBe('day is not valid');
  });
});

describe('ageOn: whole years, counted from the birthday', () => {
  it.each([
    // birth date, today, age
    ['2008-11-22', '2026-11-22', 18], // on the 18th birthday
    ['2008-11-23', '2026-11-22', 17], // the day before it
    ['2008-01-30', '2026-11-22', 18], // a later month, an earlier day of the month
    ['2008-12-01', '2026-11-22', 17], // an earlier month, an earlier day of the month
    ['2008-12-30', '2026-11-22', 17], // an earlier month, a later day of the month
    ['2008-02-29', '2026-02-28', 17], // born on a leap day: not yet in a common year
    ['2008-02-29', '2026-03-01', 18],
  ])('someone born %s is, on %s, %i', (birthDate, today, age) => {
    expect(ageOn(birthDate, today)).toBe(age);
  });

  it('reads the age of Skatteverket\'s test number 20190101-2391 as 7 all through 2026', () => {
    const parsed = parseIdentityNumber('20190101-2391', TODAY);
    expect(parsed.ok && ageOn(parsed.value.birthDate, TODAY)).toBe(7);
    expect(parsed.ok && ageOn(parsed.value.birthDate, '2026-12-31')).toBe(7);
  });
});
