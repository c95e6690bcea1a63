// Calendar arithmetic in the unit's time zone (Europe/Stockholm). Pure functions over
// ISO strings; Intl supplies the zone rules, so no clock is read here.

export const TIME_ZONE = 'Europe/Stockholm';

const partsFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const HOUR_MS = 3_600_000;
const offsets = new Map<number, number>();

/**
 * The zone's offset from UTC (ms) at an instant. Stockholm's offset changes only on whole
 * UTC hours, so it is computed once per hour and remembered (formatToParts is slow, and
 * every decision asks for today's date).
 */
function offsetAt(instantMs: number): number {
  const hour = Math.floor(instantMs / HOUR_MS);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const at = hour * HOUR_MS;
    const p: Record<string, string> = {};
    for (const { type, value } of partsFormatter.formatToParts(new Date(at))) p[type] = value;
    offset = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - at;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(hour, offset);
  }
  return offset;
}

/** The local calendar date (YYYY-MM-DD) of an instant in Stockholm. */
export function localDate(instant: string): string {
  const ms = Date.parse(instant);
  return new Date(ms + offsetAt(ms)).toISOString().slice(0, 10);
}

/** The UTC instant (ISO) of a Stockholm wall-clock date and time (HH:MM). */
export function zonedInstant(date: string, time: string): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // Offset of the zone at that moment; iterate once more to settle across DST changes.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) guess = asUtc - offsetAt(guess);
  return new Date(guess).toISOString();
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Calendar months later; the day is clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday, for a calendar date. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export const isoDate = /^\d{4}-\d{2}-\d{2}$/;
export const isValidDate = (s: string) => {
  if (!isoDate.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`); // 2026-13-01 is an Invalid Date: toISOString would throw
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};
