// The activity plan's occasions as the therapist and the patient see them: each scheduled
// occasion from the first up to the end of access (or the end of the episode) with its
// report window and whether it was reported, is open, was missed or is still to come.
// Adherence is reported over due, where due are the occasions dated up to today.
import type { PlanSchedule } from '../../domain/episode/events';
import { occasionInstant, occasionsUntil, reportWindow } from '../../domain/episode/activity-plan';
import { localDate } from '../../domain/shared/time';

export type OccasionStatus = 'reported' | 'open' | 'missed' | 'upcoming';

export interface OccasionView {
  /** The occasion's local date (Stockholm): what a report names. */
  readonly occasion: string;
  readonly scheduledAt: string;
  readonly window: { readonly opensAt: string; readonly closesAt: string };
  readonly status: OccasionStatus;
  readonly reportedAt: string | null;
}

export interface Adherence {
  /** Occasions dated up to today (or the end). */
  readonly due: number;
  readonly reported: number;
  /** reported / due, at most 1; null while nothing is due. */
  readonly share: number | null;
}

export interface PlanTimeline {
  readonly occasions: readonly OccasionView[];
  readonly adherence: Adherence;
}

export function planTimeline(
  schedule: PlanSchedule,
  reported: readonly { readonly occasion: string; readonly reportedAt: string }[],
  bounds: { readonly now: string; readonly accessUntil: string; readonly endedAt: string | null },
): PlanTimeline {
  const last = bounds.endedAt && localDate(bounds.endedAt) < bounds.accessUntil ? localDate(bounds.endedAt) : bounds.accessUntil;
  const reportedAt = new Map(reported.map((r) => [r.occasion, r.reportedAt]));
  const today = localDate(bounds.now);
  const ended = bounds.endedAt !== null;
  const now = Date.parse(bounds.now);
  const occasions = occasionsUntil(schedule, last).map((occasion): OccasionView => {
    const window = reportWindow(schedule, occasion);
    const at = reportedAt.get(occasion) ?? null;
    let status: OccasionStatus;
    if (at !== null) status = 'reported';
    else if (ended || now >= Date.parse(window.closesAt)) status = 'missed';
    else status = now >= Date.parse(window.opensAt) ? 'open' : 'upcoming';
    return { occasion, scheduledAt: occasionInstant(schedule, occasion), window, status, reportedAt: at };
  });
  const dueUntil = today < last ? today : last;
  const due = occasions.filter((o) => o.occasion <= dueUntil).length;
  const reportedCount = occasions.filter((o) => o.status === 'reported').length;
  return { occasions, adherence: { due, reported: reportedCount, share: due ? Math.min(1, reportedCount / due) : null } };
}
