// Synthetic patients for the benchmark: valid personnummer generated here, never taken from
// any register. Birth numbers 980-999 keep them apart from ordinary series; every number is
// checked with the domain's own parser before use.
import { luhnCheckDigit, parseIdentityNumber } from '../src/domain/shared/personnummer';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The n-th synthetic personnummer (YYYYMMDD-NNNC), born 1940-1989; distinct for n < 20 * 18,250. */
export function syntheticPersonnummer(n: number): string {
  const birthNumber = 980 + (n % 20);
  const dayIndex = Math.floor(n / 20);
  const birth = new Date(Date.UTC(1940, 0, 1) + (dayIndex % 18_250) * 86_400_000);
  const yyyymmdd = `${birth.getUTCFullYear()}${pad(birth.getUTCMonth() + 1)}${pad(birth.getUTCDate())}`;
  const nine = yyyymmdd.slice(2) + String(birthNumber);
  const value = `${yyyymmdd}-${birthNumber}${luhnCheckDigit(nine)}`;
  const parsed = parseIdentityNumber(value, '2025-01-01');
  if (!parsed.ok) throw new Error(`synthetic personnummer #${n} is not valid: ${parsed.reason}`);
  return value;
}
