// The registry follow-up's rules: recording a timepoint (by staff from a paper or phone
// answer at any time, by the patient through 1177 inside the window) and correcting it
// (a new event naming each changed value; the earlier one stays). Also after the end.
import type { CommandOf, DecisionContext } from '../episode/commands';
import type { EpisodeEvent, MeasureName, RegistryMeasures } from '../episode/events';
import type { EpisodeState } from '../episode/state';
import { notFound, refuse, unacceptable } from '../shared/domain-error';
import { localDate } from '../shared/time';
import { scheduledFollowUp, type FollowUpFacts } from './follow-up-schedule';

const own = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

/** The facts the follow-up dates come from, as the episode's state holds them. */
export function followUpFactsOf(state: EpisodeState): FollowUpFacts | null {
  if (state.assignedAt === null || state.accessUntil === null) return null;
  return {
    assignedOn: localDate(state.assignedAt),
    accessUntil: state.accessUntil,
    endedOn: state.endedAt === null ? null : localDate(state.endedAt),
    ...(state.followUpWindow ? { window: state.followUpWindow } : {}),
  };
}

const answered = (measures: RegistryMeasures) => Object.values(measures).some((v) => v !== undefined);

export function recordFollowUp(command: CommandOf<'RecordRegistryFollowUp'>, state: EpisodeState, ctx: DecisionContext): EpisodeEvent[] {
  const facts = followUpFactsOf(state);
  if (state.status === 'none' || facts === null) return notFound('No such episode.');
  const { timepoint, measures, answeredVia } = command.data;
  if (own(state.followUps, timepoint)) return refuse('FOLLOW_UP_ALREADY_RECORDED', `The ${timepoint} follow-up is already recorded.`);
  if (!answered(measures)) return unacceptable('NO_MEASURES', 'A follow-up needs at least one measure.');
  const fromPatient = ctx.actor.role === 'patient_gateway';
  if (fromPatient && answeredVia !== undefined && answeredVia !== '1177')
    return unacceptable('INVALID_ANSWER', 'The patient answers through 1177; a paper or phone answer is recorded by staff.', [{ path: 'answeredVia', problem: 'only 1177 for the patient' }]);
  if (!fromPatient && answeredVia === '1177')
    return unacceptable('INVALID_ANSWER', 'Staff record a paper or phone answer; the answer through 1177 is the patient\'s own.', [{ path: 'answeredVia', problem: 'paper or phone for staff' }]);
  if (fromPatient) {
    // The patient answers inside the window only; later, staff may still record a paper or phone answer.
    const window = scheduledFollowUp(facts, timepoint);
    const today = localDate(ctx.now);
    if (today < window.opensOn) return refuse('OCCASION_NOT_YET_OPEN', `The ${timepoint} follow-up opens on ${window.opensOn}.`);
    if (today > window.closesOn)
      return refuse('REPORT_WINDOW_CLOSED', `The ${timepoint} follow-up closed on ${window.closesOn}; your therapist can record a paper or phone answer.`);
  }
  const via = fromPatient ? '1177' : answeredVia;
  return [{ type: 'RegistryFollowUpRecorded', data: { timepoint, measures, ...(via ? { answeredVia: via } : {}), by: ctx.actor.id, at: ctx.now } }];
}

type Value = RegistryMeasures[MeasureName];

/** Same answer: numbers and booleans by value, EQ-5D-5L dimension by dimension. */
function same(a: Value | undefined, b: Value | undefined): boolean {
  if (typeof a === 'object' && typeof b === 'object') return (Object.keys(a) as (keyof typeof a)[]).every((k) => a[k] === b[k]);
  return a === b;
}

/** RecordRegistryFollowUp with `correction`: staff correct a recorded timepoint. */
export function correctFollowUp(command: CommandOf<'RecordRegistryFollowUp'>, state: EpisodeState, ctx: DecisionContext): EpisodeEvent[] {
  if (state.status === 'none') return notFound('No such episode.');
  const { timepoint, measures, answeredVia, correction } = command.data;
  const { reason, clear = [] } = correction!;
  if (ctx.actor.role === 'patient_gateway')
    return unacceptable('INVALID_ANSWER', 'A recorded follow-up is corrected by staff; the patient tells their therapist.', [{ path: 'correction', problem: 'staff only' }]);
  if (answeredVia !== undefined)
    return unacceptable('INVALID_ANSWER', 'A correction keeps how the answer came; leave answeredVia out.', [{ path: 'answeredVia', problem: 'not with a correction' }]);
  const current = own(state.followUps, timepoint);
  if (!current) return notFound(`No ${timepoint} follow-up is recorded to correct.`);
  const both = clear.filter((m) => measures[m] !== undefined);
  if (both.length > 0)
    return unacceptable('INVALID_ANSWER', `A measure is either corrected or cleared, not both: ${both.join(', ')}.`, both.map((m) => ({ path: `correction.clear.${m}`, problem: 'also corrected' })));
  const next = Object.fromEntries(Object.entries({ ...current.measures, ...measures }).filter(([m]) => !clear.includes(m as MeasureName))) as Record<string, Value>;
  if (!answered(next)) return unacceptable('NO_MEASURES', 'A follow-up keeps at least one measure.');
  const names = [...new Set([...Object.keys(current.measures), ...Object.keys(next)])] as MeasureName[];
  const changes = names
    .filter((m) => !same(current.measures[m], next[m]))
    .map((m) => ({ measure: m, from: current.measures[m] ?? null, to: next[m] ?? null }));
  if (changes.length === 0) return [];
  return [
    {
      type: 'RegistryFollowUpRecorded',
      data: { timepoint, measures: next as RegistryMeasures, correction: { correctsRevision: current.revision, changes, reason }, by: ctx.actor.id, at: ctx.now },
    },
  ];
}
