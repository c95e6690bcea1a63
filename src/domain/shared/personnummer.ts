// Swedish personal identity number (personnummer) and coordination number
// (samordningsnummer, day + 60), per Skatteverket. Pure: "today" comes in as an argument.
// The number is never echoed back in an error message.

export type IdentityNumberKind = 'personnummer' | 'samordningsnummer';

export interface ParsedIdentityNumber {
  /** Canonical 12-digit form YYYYMMDDNNNC. */
  readonly canonical: string;
  readonly kind: IdentityNumberKind;
  /** Birth date YYYY-MM-DD; for a samordningsnummer with month 00 or day 00 it is only approximate. */
  readonly birthDate: string;
}

export type ParseResult =
  | { readonly ok: true; readonly value: ParsedIdentityNumber }
  | { readonly ok: false; readonly reason: string };

const SHAPE = /^(\d{2})?(\d{6})([-+]?)(\d{4})$/;

/** Luhn over the nine digits YYMMDDNNN; returns the check digit. */
export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let d = nineDigits.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * The birth year ending in `yy` of a 10-digit number read in `thisYear`: the person turns
 * `thisYear - year` this calendar year, at most 99 without '+', at least 100 with it. The
 * birthday itself plays no part; a '-' date later this year is in the future and refused.
 */
function tenDigitYear(yy: number, plus: boolean, thisYear: number): number {
  const latest = plus ? thisYear - 100 : thisYear;
  return latest - ((((latest - yy) % 100) + 100) % 100);
}

/**
 * Parse a personnummer or samordningsnummer in 10 or 12 digits, with optional '-' or '+'.
 * For 10 digits the century comes from the calendar year of `today` (YYYY-MM-DD): Skatteverket
 * writes '+' from the start of the year in which the person turns 100 (18 § folkbokförings-
 * förordningen), not from the birthday. So '-' (or none) means the person turns at most 99
 * this year, and '+' that they turn 100 or more.
 */
export function parseIdentityNumber(input: string, today: string): ParseResult {
  const fail = (reason: string): ParseResult => ({ ok: false, reason });
  if (typeof input !== 'string') return fail('not a string');
  const trimmed = input.trim();
  const m = SHAPE.exec(trimmed);
  if (!m) return fail('must be 10 or 12 digits with an optional - or + before the last four');
  const [, century, yymmdd, separator, last4] = m as unknown as [string, string | undefined, string, string, string];
  if (century && separator === '+') return fail('the + separator is only used with 10 digits');

  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const rawDay = Number(yymmdd.slice(4, 6));
  const birthNumber = last4.slice(0, 3);
  const check = Number(last4[3]);

  if (birthNumber === '000') return fail('birth number 000 is not used');
  if (luhnCheckDigit(yymmdd + birthNumber) !== check) return fail('check digit does not match');

  const coordination = rawDay >= 60;
  const kind: IdentityNumberKind = coordination ? 'samordningsnummer' : 'personnummer';
  const day = coordination ? rawDay - 60 : rawDay;

  const year = century ? Number(century) * 100 + yy : tenDigitYear(yy, separator === '+', Number(today.slice(0, 4)));

  // A samordningsnummer may carry month 00 or day 00 (60) when the date is unknown.
  if (month < 0 || month > 12 || (month === 0 && !coordination)) return fail('month is not valid');
  if (day === 0 && !coordination) return fail('day is not valid');
  if (month !== 0 && day > daysInMonth(year, month)) return fail('day is not valid');
  if (month === 0 && day > 31) return fail('day is not valid');

  const birthDate = `${pad(year, 4)}-${pad(month === 0 ? 1 : month)}-${pad(day === 0 ? 1 : day)}`;
  if (birthDate > today) return fail('date lies in the future');
  return { ok: true, value: { canonical: `${pad(year, 4)}${yymmdd.slice(2)}${last4}`, kind, birthDate } };
}

/** 12 digits to the usual display form YYYYMMDD-NNNC. */
export function formatIdentityNumber(canonical: string): string {
  return `${canonical.slice(0, 8)}-${canonical.slice(8)}`;
}

/** Masked for lists and logs: YYYYMMDD-****. */
export function maskIdentityNumber(canonical: string): string {
  return `${canonical.slice(0, 8)}-****`;
}

/** Whole years of age on `today` (YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}
