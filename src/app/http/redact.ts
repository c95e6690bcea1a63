// Personal data never reaches the logs in clear: personnummer-like digit runs and bearer
// tokens are masked in anything we log (src/app/observability/logging.ts) and in every span
// before it is exported (src/app/observability/scrub.ts).
//
// A personnummer or samordningsnummer is written YYYYMMDD-NNNC, YYYYMMDDNNNC, YYMMDD-NNNC,
// YYMMDD+NNNC or YYMMDDNNNC (a space for the separator too). Any such run of digits is masked,
// valid check digit or not (a mistyped number is still somebody's), unless it is longer (then
// it is no personnummer) or follows "SE" (an HSA id such as SE2321000131-T001 names a unit
// or a member of staff by an organisation number, and keeps logs readable).
// A UUID (a command's or an event's id) is random hex: its last group is all digits about
// once in 300, and is no personnummer, so UUIDs are left whole.
const IDENTITY_NUMBER = /(?<!\d)(?<!SE)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)/g;
const UUID = /(?<![0-9a-f-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f-])/gi;
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

const maskIdentityNumbers = (text: string): string => text.replace(IDENTITY_NUMBER, '[personnummer]');

export function redact(text: string): string {
  const masked = text.replace(BEARER, 'Bearer [redacted]').replace(JWT, '[token]');
  let out = '';
  let from = 0;
  for (const uuid of masked.matchAll(UUID)) {
    out += maskIdentityNumbers(masked.slice(from, uuid.index)) + uuid[0];
    from = uuid.index + uuid[0].length;
  }
  return out + maskIdentityNumbers(masked.slice(from));
}
