// Calendar dates in the units' time zone (Europe/Stockholm) for ledger dates and report
// months. Stockholm's offset changes only on whole UTC hours, so the local date is memoised
// per UTC hour: a rebuild converts a million instants for the price of a few thousand.
const formatter = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
const HOUR = 3_600_000;
const byHour = new Map<number, string>();

/** The Stockholm calendar date (YYYY-MM-DD) of an ISO instant. */
export function stockholmDate(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${instant}`);
  const hour = Math.floor(ms / HOUR);
  let date = byHour.get(hour);
  if (date === undefined) {
    date = formatter.format(new Date(ms));
    if (byHour.size > 200_000) byHour.clear();
    byHour.set(hour, date);
  }
  return date;
}

export const stockholmMonth = (instant: string) => stockholmDate(instant).slice(0, 7);

/** An instant as UTC ISO (…Z), so that text order is time order. */
export const utc = (instant: string) =>
  instant.length === 24 && instant.endsWith('Z') ? instant : new Date(instant).toISOString();

/** Whole calendar days from date a to date b (YYYY-MM-DD). */
export const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
