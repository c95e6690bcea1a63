// Random episode histories for the properties: command sequences drawn from the catalogue and
// the rules (valid and invalid module, part, exercise, question and obligation ids; messages;
// plans; reports at various times; therapist changes; journal entries; the end), with a
// clock that only moves forward. Steps are plain data, so a counterexample reads as a story;
// a step may point at "the k-th conversation / message / obligation so far", resolved when
// it is played, so replies and journal entries hit real ids often and missing ones sometimes.
import fc from 'fast-check';
import { arbitraryOf } from './zod-arbitrary';
import { deepFreeze } from './decider-specification';
import { ADMIN_ID, EPISODE_ID, GATEWAY_ID, STAND_IN_ID, THERAPIST_ID, THIRD_THERAPIST_ID, UNIT_ID, ZV051_CODES } from './fixtures';
import { EpisodeCommand, type DecisionContext } from '../../src/domain/episode/commands';
import { RegistryMeasures, type EpisodeEvent } from '../../src/domain/episode/events';
import { decide } from '../../src/domain/episode/decide';
import { evolve, initialState, type EpisodeState } from '../../src/domain/episode/state';
import { DomainError } from '../../src/domain/shared/domain-error';
import { addDays, localDate } from '../../src/domain/shared/time';
import { catalogue } from '../../src/domain/reference/catalogue';
import { DEFAULT_UNIT_SETTINGS, type UnitSettings } from '../../src/domain/rules';

// ---- the pieces ---------------------------------------------------------------------

type ActorName = 'therapist' | 'standIn' | 'admin' | 'patient';
const ACTORS: Record<ActorName, DecisionContext['actor']> = {
  therapist: { id: THERAPIST_ID, role: 'therapist', unitId: UNIT_ID },
  standIn: { id: STAND_IN_ID, role: 'therapist', unitId: UNIT_ID },
  admin: { id: ADMIN_ID, role: 'unit_admin', unitId: UNIT_ID },
  patient: { id: GATEWAY_ID, role: 'patient_gateway', unitId: UNIT_ID },
};

export const SETTINGS: readonly UnitSettings[] = [
  DEFAULT_UNIT_SETTINGS,
  { ...DEFAULT_UNIT_SETTINGS, feeSek: 250, accessMonths: 1, journalCodes: ZV051_CODES },
  { ...DEFAULT_UNIT_SETTINGS, ageExemption: { from: 110 } },
];

const MODULE_IDS = [...catalogue.modules.map((m) => m.id), 'knee'];
const EXERCISES = catalogue.exerciseProgrammes.flatMap((p) => p.exercises.map((e) => e.id));
const THERAPISTS = [THERAPIST_ID, STAND_IN_ID, THIRD_THERAPIST_ID];

/** A command, or a recipe for one that depends on the step's time, index and the episode so far. */
export type Template =
  | { readonly kind: 'command'; readonly command: EpisodeCommand }
  | { readonly kind: 'message'; readonly retry: boolean; readonly replyTo: number | null; readonly text: string; readonly notifyInbox?: boolean }
  | { readonly kind: 'read'; readonly message: number }
  | { readonly kind: 'journal'; readonly obligation: number | string; readonly data: Record<string, unknown>; readonly correct: boolean }
  | { readonly kind: 'plan'; readonly data: Record<string, unknown>; readonly startInDays?: number; readonly endInDays?: number }
  | {
      readonly kind: 'report';
      readonly occasionInDays: number;
      readonly asDateTime: boolean;
      /** Answers as drawn; or, when `fitToPlan`, one well-typed answer per question of the plan but those whose bit is set in `omit`. */
      readonly answers: Record<string, unknown>;
      readonly fitToPlan: boolean;
      readonly omit: number;
    };

export interface Step {
  readonly advanceMinutes: number;
  readonly actor: ActorName;
  readonly template: Template;
}
export interface Scenario {
  readonly startMs: number;
  readonly settings: UnitSettings;
  readonly steps: readonly Step[];
}

const cmd = (command: EpisodeCommand): Template => ({ kind: 'command', command });
/** Present or absent, even odds (or as weighted). */
const maybe = <T>(a: fc.Arbitrary<T>, present = 1, absent = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: a, weight: present }, { arbitrary: fc.constant(undefined), weight: absent });

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const assignment = (valid: boolean) =>
  fc
    .record({
      personnummer: valid
        ? fc.constantFrom('19121212-1212', '20190101-2391', '19030818-9802', '202601612381', '121212+1212')
        : fc.constantFrom('19121212-1212', '19121212-1213', '', '1912121A-1212'),
      therapistId: fc.constantFrom(...THERAPISTS),
      diagnosisCode: valid ? fc.constantFrom('M17.1', 'M16.0', 'm181', 'M15.1') : fc.constantFrom('M17.1', 'J45.9'),
      patientStatus: maybe(fc.record({ hasLoggedIn: fc.boolean(), notificationsEnabled: fc.boolean() })),
      feeExemption: maybe(fc.record({ reason: fc.constantFrom('Frikort', 'Beslut'), kind: maybe(fc.constantFrom('high-cost-card' as const, 'other' as const)) }), 1, 4),
    })
    .map((d) => cmd({ type: 'StartAssignment', data: { episodeId: EPISODE_ID, unitId: UNIT_ID, ...stripUndefined({ ...d, feeExemption: d.feeExemption && stripUndefined(d.feeExemption) }) } }));

const revealExercises: fc.Arbitrary<Template> = fc
  .constantFrom(...catalogue.exerciseProgrammes)
  .chain((programme) =>
    fc.tuple(
      fc.constant(programme.id as 'leg' | 'hand'),
      fc.oneof(
        { arbitrary: fc.subarray(programme.exercises.map((e) => e.id), { minLength: 1, maxLength: 4 }), weight: 4 },
        { arbitrary: fc.subarray([...EXERCISES, 'no-such-exercise'], { minLength: 1, maxLength: 3 }), weight: 1 },
      ),
    ),
  )
  .map(([programme, exerciseIds]) => cmd({ type: 'RevealExercises', data: { programme, exerciseIds } }));

const plan: fc.Arbitrary<Template> = fc
  .record({
    questions: maybe(
      fc.array(
        fc
          .record({
            id: fc.constantFrom('trained', 'activity-type', 'experience', 'trained', 'activity-type', 'experience', 'steps', 'mood'),
            mandatory: fc.oneof({ arbitrary: fc.constant(true), weight: 2 }, { arbitrary: fc.constant(false), weight: 1 }),
          })
          .map((q) => (q.id === 'steps' ? { ...q, text: 'Hur många promenader?' } : q)),
        { minLength: 1, maxLength: 3 },
      ),
    ),
    interval: maybe(fc.constantFrom('daily' as const, 'daily' as const, 'daily' as const, 'weekly' as const, 'every-second-week' as const), 3, 1),
    repeat: maybe(fc.constantFrom('until-further-notice' as const, 'until-date' as const, 'once' as const), 1, 2),
    weekday: maybe(fc.constantFrom('sunday' as const, 'wednesday' as const)),
    time: maybe(fc.constantFrom('07:30', '16:00', '23:59')),
    reportWindowDays: maybe(fc.integer({ min: 0, max: 5 })),
    startInDays: maybe(fc.oneof({ arbitrary: fc.integer({ min: -3, max: 1 }), weight: 4 }, { arbitrary: fc.integer({ min: 2, max: 10 }), weight: 1 })),
    endInDays: maybe(fc.integer({ min: -5, max: 60 })),
  })
  .map(({ questions, startInDays, endInDays, ...schedule }): Template => ({
    kind: 'plan',
    data: stripUndefined({ questions, schedule: Object.values(schedule).some((v) => v !== undefined) ? stripUndefined(schedule) : undefined }),
    startInDays,
    endInDays,
  }));

/** Mostly the right type for the pre-filled questions, sometimes wrong; now and then an own or unknown question. */
const answers: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record(
      {
        trained: fc.oneof({ arbitrary: fc.boolean(), weight: 5 }, { arbitrary: fc.constant('ja'), weight: 1 }),
        'activity-type': fc.oneof({ arbitrary: fc.constantFrom('Promenad', 'Cykel 20 min'), weight: 5 }, { arbitrary: fc.constantFrom('', 3), weight: 1 }),
        experience: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 10 }), weight: 5 }, { arbitrary: fc.constantFrom(11, 6.5, true), weight: 1 }),
      },
      { requiredKeys: [] },
    ),
    fc.oneof({ arbitrary: fc.constant({}), weight: 8 }, { arbitrary: fc.constant({ steps: '3' }), weight: 1 }, { arbitrary: fc.constant({ mood: 'bra' }), weight: 1 }),
  )
  .map(([prefilled, extra]) => ({ ...prefilled, ...extra }));

const journal: fc.Arbitrary<Template> = fc.record({
  kind: fc.constant('journal' as const),
  obligation: fc.oneof({ arbitrary: fc.nat({ max: 5 }), weight: 6 }, { arbitrary: fc.constantFrom('no-such-obligation', 'constructor', 'conversation-conv-0'), weight: 1 }),
  data: fc
    .record({
      journalReference: maybe(fc.constantFrom('Cosmic 1', 'Cosmic 2')),
      form: maybe(fc.constantFrom('contact' as const, 'note' as const)),
      reason: fc.constantFrom('Fel journal', 'Rättelse'),
    })
    .map(stripUndefined),
  correct: fc.boolean(),
});

const message: fc.Arbitrary<Template> = fc.record({
  kind: fc.constant('message' as const),
  retry: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
  replyTo: fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: fc.nat({ max: 3 }), weight: 3 }),
  text: fc.constantFrom('Hej!', 'Hur går träningen?', 'Det gör ont i knät.'),
  notifyInbox: maybe(fc.boolean()),
});

const therapistCommand: fc.Arbitrary<Template> = fc.oneof(
  { arbitrary: assignment(true), weight: 1 },
  { arbitrary: fc.constantFrom('Välkommen!', 'Börja med handartros.').map((text) => cmd({ type: 'EditWelcomeText', data: { text } })), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('HideModule' as const, 'ShowModule' as const), fc.constantFrom(...MODULE_IDS))
      .map(([type, moduleId]) => cmd({ type, data: { moduleId } })),
    weight: 4,
  },
  { arbitrary: revealExercises, weight: 3 },
  { arbitrary: plan, weight: 4 },
  { arbitrary: message, weight: 3 },
  { arbitrary: fc.nat({ max: 4 }).map((message): Template => ({ kind: 'read', message })), weight: 3 },
  {
    arbitrary: fc
      .record({ therapistId: fc.constantFrom(...THERAPISTS), reason: fc.constantFrom('absence' as const, 'reassignment' as const, 'return' as const) })
      .map((data) => cmd({ type: 'ChangeTherapist', data })),
    weight: 3,
  },
  { arbitrary: journal, weight: 5 },
  { arbitrary: fc.constantFrom('completed' as const, 'abandoned' as const).map((outcome) => cmd({ type: 'EndEpisode', data: { outcome } })), weight: 1 },
  {
    arbitrary: fc
      .record({ timepoint: fc.constantFrom('baseline' as const, '3-months' as const, '12-months' as const), measures: fc.oneof({ arbitrary: arbitraryOf(RegistryMeasures) as fc.Arbitrary<RegistryMeasures>, weight: 4 }, { arbitrary: fc.constant({}), weight: 1 }) })
      .map((data) => cmd({ type: 'RecordRegistryFollowUp', data })),
    weight: 1,
  },
);

const patientCommand: fc.Arbitrary<Template> = fc.oneof(
  {
    arbitrary: fc
      .oneof(
        { arbitrary: fc.constantFrom(...catalogue.modules).chain((m) => fc.record({ moduleId: fc.constant(m.id), partId: fc.constantFrom(...m.parts.map((p) => p.id)) })), weight: 9 },
        { arbitrary: fc.record({ moduleId: fc.constantFrom(...MODULE_IDS), partId: fc.constantFrom('no-such-part', 'hand-pain', 'hk-pain') }), weight: 1 },
      )
      .map((data) => cmd({ type: 'CompletePart', data })),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      occasionInDays: fc.oneof({ arbitrary: fc.integer({ min: -3, max: 0 }), weight: 5 }, { arbitrary: fc.integer({ min: -8, max: 2 }), weight: 1 }),
      asDateTime: fc.boolean(),
      answers,
      fitToPlan: fc.oneof({ arbitrary: fc.constant(true), weight: 2 }, { arbitrary: fc.constant(false), weight: 1 }),
      omit: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.nat({ max: 7 }), weight: 1 }),
    }),
    weight: 4,
  },
  { arbitrary: message, weight: 2 },
);

const advance = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 600 }), weight: 4 },
  { arbitrary: fc.integer({ min: 600, max: 3 * 1440 }), weight: 3 },
  { arbitrary: fc.integer({ min: 7 * 1440, max: 30 * 1440 }), weight: 1 },
);

const step: fc.Arbitrary<Step> = fc.record({
  advanceMinutes: advance,
  actorAndTemplate: fc.oneof(
    fc.record({ actor: fc.constantFrom<ActorName>('therapist', 'therapist', 'standIn', 'admin'), template: therapistCommand }),
    fc.record({ actor: fc.constant<ActorName>('patient'), template: patientCommand }),
  ),
}).map(({ advanceMinutes, actorAndTemplate }) => ({ advanceMinutes, ...actorAndTemplate }));

const firstSteps: fc.Arbitrary<Step[]> = fc.oneof(
  { arbitrary: assignment(true).map((template) => [{ advanceMinutes: 0, actor: 'therapist' as ActorName, template }]), weight: 8 },
  { arbitrary: assignment(false).map((template) => [{ advanceMinutes: 0, actor: 'therapist' as ActorName, template }]), weight: 1 },
  { arbitrary: fc.constant<Step[]>([]), weight: 1 },
);

export const scenarios: fc.Arbitrary<Scenario> = fc.record({
  // A year of start times: every season, both sides of summer time, any time of day.
  startMs: fc.integer({ min: Date.UTC(2026, 10, 22, 0), max: Date.UTC(2027, 10, 22, 0) }).map((ms) => ms - (ms % 60_000)),
  settings: fc.constantFrom(...SETTINGS),
  steps: fc.tuple(firstSteps, fc.array(step, { minLength: 5, maxLength: 60, size: 'large' })).map(([first, rest]) => [...first, ...rest]),
});

// ---- running a scenario -------------------------------------------------------------

const conversationsOf = (state: EpisodeState) => [...new Set(state.messages.map((m) => m.conversationId))];

/** The command of a step, made concrete for its time, index and the episode so far, and parsed as the API would. */
export function commandOf(template: Template, now: string, index: number, state: EpisodeState): EpisodeCommand {
  const today = localDate(now);
  const raw = ((): unknown => {
    switch (template.kind) {
      case 'command':
        return template.command;
      case 'message':
        return {
          type: 'SendMessage',
          data: stripUndefined({
            messageId: template.retry ? (state.messages.at(-1)?.id ?? `msg-${index}`) : `msg-${index}`,
            conversationId: template.replyTo === null ? undefined : (conversationsOf(state)[template.replyTo] ?? `conv-none-${template.replyTo}`),
            newConversationId: `conv-${index}`,
            text: template.text,
            notifyInbox: template.notifyInbox,
          }),
        };
      case 'read':
        return { type: 'MarkMessagesRead', data: { upToMessageId: state.messages[template.message]?.id ?? `msg-none-${template.message}` } };
      case 'journal': {
        const obligationId =
          typeof template.obligation === 'string' ? template.obligation : (Object.keys(state.obligations)[template.obligation] ?? 'completed-school');
        const { reason, form, journalReference } = template.data as { reason: string; form?: string; journalReference?: string };
        return template.correct
          ? { type: 'CorrectJournalEntry', data: stripUndefined({ obligationId, reason, journalReference }) }
          : { type: 'RecordJournalEntry', data: stripUndefined({ obligationId, form, journalReference }) };
      }
      case 'plan': {
        const schedule = { ...(template.data.schedule as object | undefined) } as Record<string, unknown>;
        if (template.startInDays !== undefined) schedule.startDate = addDays(today, template.startInDays);
        if (template.endInDays !== undefined && schedule.repeat === 'until-date') schedule.endDate = addDays(today, template.endInDays);
        return { type: 'ActivatePlan', data: { ...template.data, ...(Object.keys(schedule).length > 0 ? { schedule } : {}) } };
      }
      case 'report': {
        const date = addDays(today, template.occasionInDays);
        const fitted = state.plan?.questions
          .filter((_, i) => ((template.omit >> i) & 1) === 0)
          .map((q) => [q.id, q.answerType === 'yes-no' ? true : q.answerType === 'scale-0-10' ? 6 : 'Promenad 30 min'] as const);
        const answers = template.fitToPlan && fitted ? Object.fromEntries(fitted) : template.answers;
        return { type: 'ReportActivity', data: { occasion: template.asDateTime ? `${date}T12:00:00+01:00` : date, answers } };
      }
    }
  })();
  return EpisodeCommand.parse(raw);
}

export interface Outcome {
  readonly command: EpisodeCommand;
  readonly context: DecisionContext;
  /** A deep copy of the state before the command. */
  readonly before: EpisodeState;
  /** The state after the step; when the command was refused, the very state it was given. */
  readonly after: EpisodeState;
  readonly emitted: readonly EpisodeEvent[];
  readonly error: unknown;
}
export interface Run {
  /** The episode's stream: revision = index. */
  readonly events: readonly EpisodeEvent[];
  readonly outcomes: readonly Outcome[];
  readonly settings: UnitSettings;
}

/**
 * Plays the scenario through decide and evolve. The state handed to decide is deep-frozen,
 * so a decider that mutates it throws a TypeError, which the run reports like any other error.
 */
export function play(scenario: Scenario): Run {
  let state = deepFreeze(initialState());
  let nowMs = scenario.startMs;
  const events: EpisodeEvent[] = [];
  const outcomes: Outcome[] = [];
  scenario.steps.forEach((s, index) => {
    nowMs += s.advanceMinutes * 60_000;
    const context: DecisionContext = { now: new Date(nowMs).toISOString(), actor: ACTORS[s.actor], settings: scenario.settings };
    const command = commandOf(s.template, context.now, index, state);
    const before = structuredClone(state);
    let emitted: EpisodeEvent[] = [];
    let error: unknown = null;
    try {
      emitted = decide(command, state, context);
    } catch (e) {
      error = e;
    }
    if (error === null) {
      for (const e of emitted) state = deepFreeze(evolve(state, e));
      events.push(...emitted);
    }
    outcomes.push({ command, context, before, after: state, emitted, error });
  });
  return { events, outcomes, settings: scenario.settings };
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
