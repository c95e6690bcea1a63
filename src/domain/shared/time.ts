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

function zonedParts(instantMs: number) {
  const p: Record<string, string> = {};
  for (const { type, value } of partsFormatter.formatToParts(new Date(instantMs))) p[type] = value;
  return p as { year: string; month: string; day: string; hour: string; minute: string; second: string };
}

/** The local calendar date (YYYY-MM-DD) of an instant in Stockholm. */
export function localDate(instant: string): string {
  const p = zonedParts(Date.parse(instant));
  return `${p.year}-${p.month}-${p.day}`;
}

/** The UTC instant (ISO) of a Stockholm wall-clock date and time (HH:MM). */
export function zonedInstant(date: string, time: string): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // Offset of the zone at that moment; iterate once more to settle across DST changes.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(guess);
    const shown = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    guess = asUtc - (shown - guess);
  }
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
