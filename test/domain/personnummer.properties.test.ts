// Properties of the identity-number parser over generated numbers (never real people's).
import fc from 'fast-check';
import { formatIdentityNumber, maskIdentityNumber, parseIdentityNumber } from '../../src/domain/shared/personnummer';
import { referenceCheckDigit } from './identity-numbers';

const DAY_MS = 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Generated {
  readonly today: string;
  readonly birthDate: string;
  readonly kind: 'personnummer' | 'samordningsnummer';
  /** The canonical 12 digits. */
  readonly canonical: string;
  /** True when the person turns 100 or more in the calendar year of `today` (the 10-digit form then takes '+'). */
  readonly centenarian: boolean;
}

/** A valid number: a date up to 199 years before `today`, birth number 001-999, day + 60 for a samordningsnummer. */
const validNumber: fc.Arbitrary<Generated> = fc
  .record({
    todayMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 11, 31) }),
    ageDays: fc.integer({ min: 0, max: 199 * 365 }),
    birthNumber: fc.integer({ min: 1, max: 999 }),
    coordination: fc.boolean(),
  })
  .map(({ todayMs, ageDays, birthNumber, coordination }) => {
    const today = isoDay(todayMs - (todayMs % DAY_MS));
    const birthDate = isoDay(todayMs - (todayMs % DAY_MS) - ageDays * DAY_MS);
    const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
    const mmdd = `${pad(m)}${pad(coordination ? d + 60 : d)}`;
    const nnn = pad(birthNumber, 3);
    const check = referenceCheckDigit(`${pad(y % 100)}${mmdd}${nnn}`);
    return {
      today,
      birthDate,
      kind: coordination ? 'samordningsnummer' : 'personnummer',
      canonical: `${pad(y, 4)}${mmdd}${nnn}${check}`,
      centenarian: y + 100 <= Number(today.slice(0, 4)),
    } as const;
  });

const twelveDigitForms = (n: Generated) => [n.canonical, `${n.canonical.slice(0, 8)}-${n.canonical.slice(8)}`];
const tenDigitForms = (n: Generated) => {
  const ten = n.canonical.slice(2);
  return n.centenarian ? [`${ten.slice(0, 6)}+${ten.slice(6)}`] : [ten, `${ten.slice(0, 6)}-${ten.slice(6)}`];
};

describe('identity-number properties', () => {
  // Every valid number, in either 12-digit form, parses to its canonical 12 digits, kind and birth date.
  it('parses every generated 12-digit number to its canonical form', () => {
    fc.assert(
      fc.property(validNumber, fc.boolean(), (n, withDash) => {
        const input = twelveDigitForms(n)[withDash ? 1 : 0]!;
        expect(parseIdentityNumber(input, n.today)).toEqual({ ok: true, value: { canonical: n.canonical, kind: n.kind, birthDate: n.birthDate } });
      }),
      { numRuns: 500 },
    );
  });

  // Every valid number in its 10-digit form ('-' or none until the year the person turns 100, '+' from that year) gets its century from today.
  it('reads every generated 10-digit number in the right century', () => {
    fc.assert(
      fc.property(validNumber, (n) => {
        for (const input of tenDigitForms(n))
          expect(parseIdentityNumber(input, n.today)).toEqual({ ok: true, value: { canonical: n.canonical, kind: n.kind, birthDate: n.birthDate } });
      }),
      { numRuns: 500 },
    );
  });

  // parse -> canonical -> format -> parse gives the same value back; the mask never shows the last four digits.
  it('round-trips parse, format and parse; masks the last four', () => {
    fc.assert(
      fc.property(validNumber, fc.nat(), (n, pick) => {
        const forms = [...twelveDigitForms(n), ...tenDigitForms(n)];
        const input = forms[pick % forms.length]!;
        const first = parseIdentityNumber(input, n.today);
        if (!first.ok) throw new Error(`${input} refused: ${first.reason}`);
        const shown = formatIdentityNumber(first.value.canonical);
        expect(shown).toMatch(/^\d{8}-\d{4}$/);
        expect(parseIdentityNumber(shown, n.today)).toEqual(first);
        expect(maskIdentityNumber(first.value.canonical)).toBe(`${first.value.canonical.slice(0, 8)}-****`);
      }),
    );
  });

  // A single mistyped digit after the century (any position, any other digit) is always refused: Luhn catches it.
  // (The century digits are outside the Luhn sum by definition: 19121212 and 20121212 share YYMMDD.)
  it('refuses every single-digit typo of a valid number', () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 2, max: 11 }), fc.integer({ min: 1, max: 9 }), (n, position, shift) => {
        const digits = [...n.canonical];
        digits[position] = String((Number(digits[position]) + shift) % 10);
        expect(parseIdentityNumber(digits.join(''), n.today).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  // Any string at all yields ok:false or ok:true, never an exception; an accepted one is 12 canonical digits.
  it('never throws on arbitrary input', () => {
    const digitish = fc.stringMatching(/^[0-9+\- ]{0,16}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), digitish), (input) => {
        const result = parseIdentityNumber(input, '2026-11-22');
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) {
          expect(result.value.canonical).toMatch(/^\d{12}$/);
          expect(result.value.birthDate <= '2026-11-22').toBe(true);
        } else expect(result.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
