// The activity plan's schedule (Uppföljning träning): which dates are occasions, and when
// the patient may report on each. An occasion is named by its local date in Stockholm.
// Its report window opens at the start of that day (a patient may train in the morning)
// and closes at the end of the day `reportWindowDays` later.
import type { PlanSchedule } from './events';
import { addDays, localDate, weekdayOf, zonedInstant } from '../shared/time';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** The first occasion: the start date, or the first chosen weekday on or after it. */
export function firstOccasion(schedule: PlanSchedule): string {
  if (schedule.interval === 'daily') return schedule.startDate;
  const wanted = WEEKDAYS.indexOf(schedule.weekday);
  const shift = (wanted - weekdayOf(schedule.startDate) + 7) % 7;
  return addDays(schedule.startDate, shift);
}

const stepDays = (schedule: PlanSchedule) =>
  schedule.interval === 'daily' ? 1 : schedule.interval === 'weekly' ? 7 : 14;

/** Occasion dates from the first up to and including `lastDate`. */
export function occasionsUntil(schedule: PlanSchedule, lastDate: string): string[] {
  const out: string[] = [];
  const limit = schedule.repeat === 'until-date' && schedule.endDate && schedule.endDate < lastDate ? schedule.endDate : lastDate;
  for (let d = firstOccasion(schedule); d <= limit; d = addDays(d, stepDays(schedule))) {
    out.push(d);
    if (schedule.repeat === 'once') break;
  }
  return out;
}

export function isOccasion(schedule: PlanSchedule, date: string): boolean {
  const first = firstOccasion(schedule);
  if (date < first) return false;
  if (schedule.repeat === 'once') return date === first;
  if (schedule.repeat === 'until-date' && schedule.endDate && date > schedule.endDate) return false;
  const days = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
  return days % stepDays(schedule) === 0;
}

/** When the occasion's activity is scheduled (date and time in Stockholm), as a UTC instant. */
export const occasionInstant = (schedule: PlanSchedule, date: string) => zonedInstant(date, schedule.time);

/** [opensAt, closesAt) as UTC instants. */
export function reportWindow(schedule: PlanSchedule, date: string): { opensAt: string; closesAt: string } {
  return {
    opensAt: zonedInstant(date, '00:00'),
    closesAt: zonedInstant(addDays(date, schedule.reportWindowDays + 1), '00:00'),
  };
}

/** The occasion a report names: a date, or a date-time read in Stockholm time. */
export const occasionDate = (occasion: string) => (occasion.length === 10 ? occasion : localDate(occasion));
