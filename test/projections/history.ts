// Random histories over many episodes and two units, made by running the real deciders over
// generated commands (refused commands append nothing). A step names what to try; ids that
// must exist (messages to read, obligations to journal, notices to withdraw) are picked from
// the world as it stands when the step is played, so most steps succeed.
import fc from 'fast-check';
import { catalogue } from '../../src/domain/reference/catalogue';
import { occasionsUntil } from '../../src/domain/episode/activity-plan';
import { localDate } from '../../src/domain/shared/time';
import { DEFAULT_UNIT_SETTINGS, type UnitSettings } from '../../src/domain/rules';
import type { EpisodeCommand } from '../../src/domain/episode/commands';
import { adminOf, patientOf, TEST_PERSONNUMMER, therapistOf, THERAPISTS, UNITS, World, type Actor } from './world';

export type Step = { readonly minutes: number; readonly ep: number } & (
  | { readonly kind: 'start'; readonly unit: number; readonly therapist: number; readonly pnr: number; readonly exempt: boolean; readonly loggedIn: boolean }
  | { readonly kind: 'part'; readonly module: number; readonly part: number }
  | { readonly kind: 'hide' | 'show'; readonly module: number }
  | { readonly kind: 'reveal'; readonly programme: number; readonly exercises: readonly number[] }
  | { readonly kind: 'plan'; readonly daily: boolean }
  | { readonly kind: 'report' }
  | { readonly kind: 'message'; readonly fromPatient: boolean; readonly reply: boolean }
  | { readonly kind: 'read'; readonly back: number }
  | { readonly kind: 'therapist'; readonly to: number; readonly reason: 'absence' | 'reassignment' | 'return' }
  | { readonly kind: 'journal'; readonly pick: number }
  | { readonly kind: 'end'; readonly completed: boolean }
  | { readonly kind: 'followup'; readonly timepoint: 'baseline' | '3-months' | '12-months'; readonly pain: number }
  | { readonly kind: 'welcome'; readonly text: string }
  | { readonly kind: 'notice'; readonly publish: boolean; readonly hours: number }
);

const SETTINGS: UnitSettings[] = [DEFAULT_UNIT_SETTINGS, { ...DEFAULT_UNIT_SETTINGS, feeSek: 250, ageExemption: { under: 18 } }];

const startArb = () =>
  fc.record({
    minutes: fc.nat({ max: 600 }),
    ep: fc.constant(0),
    kind: fc.constant('start' as const),
    unit: fc.nat({ max: 1 }),
    therapist: fc.nat({ max: 2 }),
    pnr: fc.nat({ max: 3 }),
    exempt: fc.boolean(),
    loggedIn: fc.boolean(),
  });

export function stepArb(episodes: number): fc.Arbitrary<Step> {
  const base = { minutes: fc.nat({ max: 1500 }), ep: fc.nat({ max: episodes - 1 }) };
  const small = fc.nat({ max: 7 });
  const k = <T extends string>(kind: T) => fc.constant(kind);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ ...base, kind: k('start'), unit: fc.nat({ max: 1 }), therapist: fc.nat({ max: 2 }), pnr: fc.nat({ max: 3 }), exempt: fc.boolean(), loggedIn: fc.boolean() }) },
    { weight: 6, arbitrary: fc.record({ ...base, kind: k('part'), module: fc.nat({ max: 1 }), part: small }) },
    { weight: 1, arbitrary: fc.record({ ...base, kind: fc.constantFrom('hide' as const, 'show' as const), module: fc.nat({ max: 1 }) }) },
    { weight: 2, arbitrary: fc.record({ ...base, kind: k('reveal'), programme: fc.nat({ max: 1 }), exercises: fc.array(small, { minLength: 1, maxLength: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ ...base, kind: k('plan'), daily: fc.boolean() }) },
    { weight: 4, arbitrary: fc.record({ ...base, kind: k('report') }) },
    { weight: 6, arbitrary: fc.record({ ...base, kind: k('message'), fromPatient: fc.boolean(), reply: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ ...base, kind: k('read'), back: fc.nat({ max: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ ...base, kind: k('therapist'), to: fc.nat({ max: 2 }), reason: fc.constantFrom('absence' as const, 'reassignment' as const, 'return' as const) }) },
    { weight: 3, arbitrary: fc.record({ ...base, kind: k('journal'), pick: fc.nat({ max: 9 }) }) },
    { weight: 1, arbitrary: fc.record({ ...base, kind: k('end'), completed: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ ...base, kind: k('followup'), timepoint: fc.constantFrom('baseline' as const, '3-months' as const, '12-months' as const), pain: fc.nat({ max: 10 }) }) },
    { weight: 1, arbitrary: fc.record({ ...base, kind: k('welcome'), text: fc.constantFrom('Välkommen!', 'Hej och välkommen', 'Åter välkommen') }) },
    { weight: 1, arbitrary: fc.record({ ...base, kind: k('notice'), publish: fc.boolean(), hours: fc.integer({ min: 1, max: 400 }) }) },
  );
}

/** Steps over 1..maxEpisodes episodes, each episode's start inserted at a random point. */
export const historyArb = (maxEpisodes = 10, maxSteps = 150) =>
  fc.integer({ min: 1, max: maxEpisodes }).chain((episodes) =>
    fc
      .tuple(
        fc.array(stepArb(episodes), { minLength: 1, maxLength: maxSteps, size: 'max' }),
        fc.array(fc.tuple(startArb(), fc.nat({ max: maxSteps })), { minLength: episodes, maxLength: episodes }),
      )
      .map(([steps, starts]) => {
        const out = [...steps];
        starts.forEach(([start, at], ep) => out.splice(Math.min(at, out.length), 0, { ...start, ep }));
        return out;
      }),
  );

const epId = (n: number) => `ep-${String(n).padStart(3, '0')}`;
let messageCounter = 0;

/** Play the steps; returns how many commands were accepted. */
export async function play(world: World, steps: readonly Step[]): Promise<number> {
  let accepted = 0;
  for (const step of steps) {
    world.advance(step.minutes);
    const id = epId(step.ep);
    const known = world.episodes.get(id);
    const unitId = known?.unitId ?? UNITS[0];
    const therapist = therapistOf(unitId, THERAPISTS.indexOf((known?.state.therapistId ?? THERAPISTS[0]) as (typeof THERAPISTS)[number]));
    const act = async (command: EpisodeCommand, actor: Actor = therapist, settings?: UnitSettings) =>
      (await world.episode(id, command, actor, settings)).ok && accepted++;
    const state = world.state(id);
    switch (step.kind) {
      case 'start': {
        const unit = UNITS[step.unit];
        const data = {
          episodeId: id,
          unitId: unit,
          personnummer: TEST_PERSONNUMMER[step.pnr],
          therapistId: THERAPISTS[step.therapist],
          diagnosisCode: ['M17.1', 'M16.0', 'M18.1', 'M15.1'][step.pnr],
          ...(step.loggedIn ? {} : { patientStatus: { hasLoggedIn: false, notificationsEnabled: step.pnr % 2 === 0 } }),
          ...(step.exempt ? { feeExemption: { reason: 'Frikort', kind: 'high-cost-card' as const } } : {}),
        };
        await act({ type: 'StartAssignment', data }, therapistOf(unit), SETTINGS[step.unit]);
        break;
      }
      case 'part': {
        const module = catalogue.modules[step.module];
        await act({ type: 'CompletePart', data: { moduleId: module.id, partId: module.parts[step.part % module.parts.length].id } }, patientOf(unitId));
        break;
      }
      case 'hide':
      case 'show':
        await act({ type: step.kind === 'hide' ? 'HideModule' : 'ShowModule', data: { moduleId: catalogue.modules[step.module].id } });
        break;
      case 'reveal': {
        const programme = catalogue.exerciseProgrammes[step.programme];
        const exerciseIds = step.exercises.map((i) => programme.exercises[i % programme.exercises.length].id);
        await act({ type: 'RevealExercises', data: { programme: programme.id as 'leg' | 'hand', exerciseIds } });
        break;
      }
      case 'plan':
        await act({ type: 'ActivatePlan', data: step.daily ? { schedule: { interval: 'daily' } } : {} });
        break;
      case 'report': {
        if (!state.plan) break;
        const due = occasionsUntil(state.plan.schedule, localDate(world.iso));
        if (due.length === 0) break;
        await act({ type: 'ReportActivity', data: { occasion: due[due.length - 1], answers: { trained: true } } }, patientOf(unitId));
        break;
      }
      case 'message': {
        const conversations = [...new Set(state.messages.map((m) => m.conversationId))];
        const conversationId = step.reply && conversations.length ? conversations[conversations.length - 1] : undefined;
        const n = ++messageCounter;
        const data = { messageId: `msg-${n}`, newConversationId: `conv-${n}`, text: `Meddelande ${n}`, ...(conversationId ? { conversationId } : {}) };
        await act({ type: 'SendMessage', data }, step.fromPatient ? patientOf(unitId) : therapist);
        break;
      }
      case 'read': {
        const m = state.messages[state.messages.length - 1 - Math.min(step.back, state.messages.length - 1)];
        if (m) await act({ type: 'MarkMessagesRead', data: { upToMessageId: m.id } });
        break;
      }
      case 'therapist':
        await act({ type: 'ChangeTherapist', data: { therapistId: THERAPISTS[step.to], reason: step.reason } }, adminOf(unitId));
        break;
      case 'journal': {
        const ids = Object.keys(state.obligations);
        if (ids.length === 0) break;
        const obligationId = ids[step.pick % ids.length];
        const recorded = state.obligations[obligationId].recorded !== null;
        await act(
          recorded
            ? { type: 'CorrectJournalEntry', data: { obligationId, journalReference: `K-${step.pick}`, reason: 'Rättelse' } }
            : { type: 'RecordJournalEntry', data: { obligationId, journalReference: `J-${step.pick}` } },
        );
        break;
      }
      case 'end':
        await act({ type: 'EndEpisode', data: { outcome: step.completed ? 'completed' : 'abandoned' } });
        break;
      case 'followup':
        await act({ type: 'RecordRegistryFollowUp', data: { timepoint: step.timepoint, measures: { pain: step.pain } } });
        break;
      case 'welcome':
        await act({ type: 'EditWelcomeText', data: { text: step.text } });
        break;
      case 'notice': {
        const unit = UNITS[step.ep % 2];
        const notices = world.units.get(unit)?.notices ?? [];
        const outcome =
          step.publish || notices.length === 0
            ? await world.unit(unit, {
                type: 'PublishAbsenceNotice',
                data: { unitId: unit, noticeId: `n-${++messageCounter}`, from: new Date(world.now - 3_600_000).toISOString(), to: new Date(world.now + step.hours * 3_600_000).toISOString(), text: 'Frånvaro' },
              }, adminOf(unit))
            : await world.unit(unit, { type: 'WithdrawAbsenceNotice', data: { unitId: unit, noticeId: notices[0].noticeId } }, adminOf(unit));
        if (outcome.ok) accepted++;
        break;
      }
    }
  }
  return accepted;
}
