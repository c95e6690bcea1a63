// Personal data never reaches the logs in clear: personnummer-like digit runs and bearer
// tokens are masked in anything we log (src/app/observability/logging.ts) and in every span
// before it is exported (src/app/observability/scrub.ts).
//
// A personnummer or samordningsnummer is written YYYYMMDD-NNNC, YYYYMMDDNNNC, YYMMDD-NNNC,
// YYMMDD+NNNC or YYMMDDNNNC (a space for the separator too). Any such run of digits is masked,
// valid check digit or not (a mistyped number is still somebody's), unless it is longer (then
// it is no personnummer) or follows "SE" (an HSA id such as SE2321000131-T001 names a unit
// or a member of staff by an organisation number, and keeps logs readable).
const IDENTITY_NUMBER = /(?<!\d)(?<!SE)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)/g;
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

export function redact(text: string): string {
  return text.replace(BEARER, 'Bearer [redacted]').replace(JWT, '[token]').replace(IDENTITY_NUMBER, '[personnummer]');
}
