// How the pages write times, numbers and the domain's values: Swedish, in the seeds' own
// words, times in Europe/Stockholm whatever the server's zone.
import { TIME_ZONE } from '../../domain/shared/time';
import { ERASED } from '../../domain/shared/personal-data';
import { catalogue } from '../../domain/reference/catalogue';

const dateTimeFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const secondsFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: 'UTC', weekday: 'short' });
const percentFormat = new Intl.NumberFormat('sv-SE', { style: 'percent', maximumFractionDigits: 0 });
const numberFormat = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 1 });

const valid = (iso: unknown): iso is string => typeof iso === 'string' && !Number.isNaN(Date.parse(iso));

/** "2026-11-22 10:00" in Stockholm. */
export const dateTime = (iso: unknown): string => (valid(iso) ? dateTimeFormat.format(new Date(iso)) : '–');
/** "2026-11-22 10:00:05": the timeline shows seconds (events of one command share a minute). */
export const dateTimeSeconds = (iso: unknown): string =>
  valid(iso) ? `${dateFormat.format(new Date(iso))} ${secondsFormat.format(new Date(iso))}` : '–';
/** A calendar date as it is (YYYY-MM-DD is Swedish usage), or an instant's Stockholm date. */
export const date = (value: unknown): string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : valid(value) ? dateFormat.format(new Date(value)) : '–';
export const weekday = (day: string): string => weekdayFormat.format(new Date(`${day}T12:00:00Z`));
export const percent = (share: unknown): string => (typeof share === 'number' && Number.isFinite(share) ? percentFormat.format(share) : '–');
export const number = (n: unknown): string => (typeof n === 'number' && Number.isFinite(n) ? numberFormat.format(n) : '–');

/** ISO week number (v. 48): the plan's weekly strip is labelled by it. */
export function isoWeek(day: string): number {
  const d = new Date(`${day}T00:00:00Z`);
  // The week's Thursday decides its year (ISO 8601).
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

export const isErased = (value: unknown) => value === ERASED;

const labels = {
  role: {
    therapist: 'Behandlare',
    unit_admin: 'Administratör',
    auditor: 'Granskare',
    reporting: 'Statistik och uppföljning',
    patient_gateway: '1177 (invånaren)',
    integration: 'Integration',
    registry_export: 'Registerexport',
  },
  status: { active: 'Pågående', completed: 'Moment slutfört', abandoned: 'Invånare avbröt momentet', none: 'Inte startat' },
  warning: {
    PATIENT_NEVER_LOGGED_IN: 'Har aldrig loggat in i 1177:s e-tjänster: informera patienten',
    NOTIFICATIONS_DISABLED: 'Har inte aktiverat aviseringar: informera patienten',
  },
  occasion: { reported: 'Rapporterad', open: 'Öppen', missed: 'Missad', upcoming: 'Kommande' },
  trigger: { assignment: 'Tilldelning', 'completed-school': 'Genomförd artrosskola', conversation: 'Meddelanden', end: 'Avslut' },
  obligation: { outstanding: 'Ej journalförd', recorded: 'Journalförd' },
  reason: { absence: 'frånvaro', reassignment: 'omfördelning', return: 'återgång' },
  sender: { therapist: 'Behandlaren', patient: 'Patienten' },
  fee: { charged: 'Debiterad', exempted: 'Avgiftsbefriad' },
  exemption: { 'high-cost-card': 'frikort', age: 'åldersregel', other: 'annat skäl' },
  timepoint: { baseline: 'baslinje', '3-months': '3 månader', '12-months': '12 månader' },
  interval: { daily: 'varje dag', weekly: 'varje vecka', 'every-second-week': 'varannan vecka' },
  repeat: { 'until-further-notice': 'tillsvidare', 'until-date': 'till ett slutdatum', once: 'en gång' },
  weekday: { monday: 'måndag', tuesday: 'tisdag', wednesday: 'onsdag', thursday: 'torsdag', friday: 'fredag', saturday: 'lördag', sunday: 'söndag' },
} as const;

export type LabelKind = keyof typeof labels;

/** The Swedish word for a domain value, or the value itself when there is none. */
export function label(kind: LabelKind, value: unknown): string {
  const words = labels[kind] as Readonly<Record<string, string>>;
  return typeof value === 'string' ? (words[value] ?? value) : '–';
}

const moduleTitles = new Map<string, string>(catalogue.modules.map((m) => [m.id, m.title]));
const partTitles = new Map<string, string>(catalogue.modules.flatMap((m) => m.parts.map((p) => [p.id, p.title] as const)));
const programmeTitles = new Map<string, string>(catalogue.exerciseProgrammes.map((p) => [p.id, p.title]));
const exerciseTitles = new Map<string, string>(catalogue.exerciseProgrammes.flatMap((p) => p.exercises.map((x) => [x.id, x.title] as const)));

export const moduleTitle = (id: unknown) => (typeof id === 'string' ? (moduleTitles.get(id) ?? id) : '–');
export const partTitle = (id: unknown) => (typeof id === 'string' ? (partTitles.get(id) ?? id) : '–');
export const programmeTitle = (id: unknown) => (typeof id === 'string' ? (programmeTitles.get(id) ?? id) : '–');
export const exerciseTitle = (id: unknown) => (typeof id === 'string' ? (exerciseTitles.get(id) ?? id) : '–');

/** A JSON value in one line for the data and diff columns (strings as they are). */
export function plain(value: unknown): string {
  if (value === undefined || value === null) return '–';
  if (typeof value === 'string') return value === ERASED ? 'borttagen (personuppgift raderad)' : value;
  return JSON.stringify(value);
}

/** A page address with its query, leaving out what is not set. */
export function href(path: string, params: Readonly<Record<string, string | number | undefined>>): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
