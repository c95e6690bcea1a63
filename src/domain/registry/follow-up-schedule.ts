// When each quality-registry follow-up (BOA / Svenska Artrosregistret) is due, and its
// window: the one place these dates are computed. The decider checks a patient's answer
// against it; the app passes it to the read models (due lists, export, dashboard marker).
import { DEFAULT_FOLLOW_UP_WINDOW, type FollowUpWindow } from '../rules';
import { addDays, addMonths } from '../shared/time';
import type { RegistryTimepoint } from '../episode/events';

/** What the dates depend on: the episode's own local dates and the window snapshotted at assignment. */
export interface FollowUpFacts {
  /** Stockholm date of the assignment (Momentstart). */
  readonly assignedOn: string;
  /** Last day of the access period. */
  readonly accessUntil: string;
  /** Stockholm date of the end, once ended. */
  readonly endedOn: string | null;
  /** Absent: DEFAULT_FOLLOW_UP_WINDOW. */
  readonly window?: FollowUpWindow;
}

export interface ScheduledFollowUp {
  readonly timepoint: RegistryTimepoint;
  readonly dueOn: string;
  /** First and last day (inclusive) the patient may answer through 1177. */
  readonly opensOn: string;
  readonly closesOn: string;
}

/** upcoming: the window has not opened; due: inside it; overdue: past it and not recorded. */
export type FollowUpStatus = 'upcoming' | 'due' | 'overdue' | 'recorded';

export const REGISTRY_TIMEPOINTS: readonly RegistryTimepoint[] = ['baseline', '3-months', '12-months'];

/**
 * Baseline is due at assignment; 3 months at the end of the access period or at the end of
 * the episode, whichever is first; 12 months twelve months after assignment (usually after
 * the end). Each window runs `daysBefore` to `daysAfter` around its due date, never before
 * the assignment.
 */
export function followUpSchedule(facts: FollowUpFacts): ScheduledFollowUp[] {
  const window = facts.window ?? DEFAULT_FOLLOW_UP_WINDOW;
  const threeMonths = facts.endedOn !== null && facts.endedOn < facts.accessUntil ? facts.endedOn : facts.accessUntil;
  const due: Record<RegistryTimepoint, string> = {
    baseline: facts.assignedOn,
    '3-months': threeMonths,
    '12-months': addMonths(facts.assignedOn, 12),
  };
  return REGISTRY_TIMEPOINTS.map((timepoint) => {
    const dueOn = due[timepoint];
    const opens = addDays(dueOn, -window.daysBefore);
    return { timepoint, dueOn, opensOn: opens < facts.assignedOn ? facts.assignedOn : opens, closesOn: addDays(dueOn, window.daysAfter) };
  });
}

export function scheduledFollowUp(facts: FollowUpFacts, timepoint: RegistryTimepoint): ScheduledFollowUp {
  return followUpSchedule(facts).find((s) => s.timepoint === timepoint)!;
}

/** The status of one follow-up on `today` (a Stockholm date). */
export function followUpStatus(scheduled: ScheduledFollowUp, today: string, recorded: boolean): FollowUpStatus {
  if (recorded) return 'recorded';
  if (today < scheduled.opensOn) return 'upcoming';
  return today > scheduled.closesOn ? 'overdue' : 'due';
}
