// A small given/when/then helper for deciders, in the style of Emmett's
// DeciderSpecification (event-driven-io/emmett, src/testing/deciderSpecification.ts):
//
//   spec(episodeDecider).given(events).when(command, context?).then(expectedEvents)
//   spec(episodeDecider).given(events).when(command).thenThrows('EPISODE_ENDED')
//   spec(episodeDecider).given(events).when(command).thenNothingHappened()
//
// The past events are folded with the decider's own `evolve`; the state handed to `decide`
// is deep-frozen, so a decider that mutates its state fails the test. Emitted events are
// validated (zod schema) and folded too, so an event `evolve` cannot take fails here.
import { DomainError, type DomainErrorKind } from '../../src/domain/shared/domain-error';
import type { DecisionContext } from '../../src/domain/episode/commands';
import { episodeDecider } from '../../src/domain/episode/decider';
import { EpisodeEvent } from '../../src/domain/episode/events';
import { decideUnit, evolveUnit, initialUnitState, UnitEvent, type UnitCommand, type UnitState } from '../../src/domain/unit/unit';
import {
  ActiveEpisodeEvent,
  activeEpisodeDecider,
  type ActiveEpisodeCommand,
  type ActiveEpisodeContext,
  type ActiveEpisodeState,
} from '../../src/domain/patient/active-episode';

export interface Decider<Command, Event, State, Context> {
  decide(command: Command, state: State, context: Context): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** The fixed context every `when` starts from: a therapist of the unit, on a Sunday morning. */
export const DEFAULT_NOW = '2026-11-22T09:00:00.000Z';
export const DEFAULT_ACTOR = { id: 'SE2321000131-T001', role: 'therapist', unitId: 'SE2321000131-E001' } as const;
export const defaultContext = (): DecisionContext => ({ now: DEFAULT_NOW, actor: DEFAULT_ACTOR });

export interface SpecOptions<Event, Context> {
  /** The context of every `when`, before its overrides; defaults to `defaultContext`. */
  readonly context?: () => Context;
  /** Checks one emitted event against its schema; throws when it does not fit. */
  readonly validate?: (event: Event) => void;
}

export interface Then<Event, State> {
  /** The command succeeds and emits exactly these events, in this order. */
  then(expected: readonly Event[] | ((events: Event[], stateAfter: State) => void)): Event[];
  /** The command is refused with a DomainError of this code (and kind, when given). */
  thenThrows(code: string, kind?: DomainErrorKind): DomainError;
  /** The command succeeds and emits nothing (an idempotent no-op). */
  thenNothingHappened(): void;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Every spelling of a personnummer a leaking message could contain. */
function identityNumberSpellings(command: unknown): string[] {
  const raw = (command as { data?: { personnummer?: unknown } })?.data?.personnummer;
  if (typeof raw !== 'string') return [];
  const digits = raw.replace(/\D/g, '');
  const spellings = [raw.trim(), digits, digits.slice(-10), `${digits.slice(-10, -4)}-${digits.slice(-4)}`];
  return spellings.filter((s) => s.length >= 10);
}

export function spec<Command, Event, State, Context extends object>(
  decider: Decider<Command, Event, State, Context>,
  options: SpecOptions<Event, Context> = {},
) {
  const defaults = options.context ?? (defaultContext as unknown as () => Context);
  const fold = (events: readonly Event[], from: State) => events.reduce((s, e) => decider.evolve(s, e), from);
  return {
    given(past: readonly Event[] = []) {
      return {
        when(command: Command, context: Partial<Context> = {}): Then<Event, State> {
          const state = deepFreeze(fold(past, decider.initialState()));
          const ctx = { ...defaults(), ...context } as Context;
          const run = () => decider.decide(deepFreeze(structuredClone(command)), state, ctx);
          return {
            then(expected) {
              let events: Event[];
              try {
                events = run();
              } catch (error) {
                throw new Error(`Expected events, but the command was refused: ${explain(error)}`);
              }
              for (const e of events) options.validate?.(e);
              const after = fold(events, state);
              if (typeof expected === 'function') expected(events, after);
              else expect(events).toStrictEqual(expected);
              return events;
            },
            thenThrows(code, kind) {
              let events: Event[] | undefined;
              try {
                events = run();
              } catch (error) {
                if (!(error instanceof DomainError)) throw new Error(`Expected DomainError ${code}, got ${explain(error)}`);
                expect(error.code).toBe(code);
                if (kind) expect(error.kind).toBe(kind);
                const told = `${error.message} ${JSON.stringify(error.details)}`;
                for (const spelling of identityNumberSpellings(command)) expect(told).not.toContain(spelling);
                return error;
              }
              throw new Error(`Expected DomainError ${code}, but the command emitted ${JSON.stringify(events)}`);
            },
            thenNothingHappened() {
              let events: Event[];
              try {
                events = run();
              } catch (error) {
                throw new Error(`Expected no events, but the command was refused: ${explain(error)}`);
              }
              expect(events).toStrictEqual([]);
            },
          };
        },
      };
    },
  };
}

const explain = (error: unknown) =>
  error instanceof DomainError ? `DomainError ${error.code}: ${error.message}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error);

// ---- the three deciders of the domain -------------------------------------------------

export const episodeSpec = () => spec(episodeDecider, { validate: (e) => void EpisodeEvent.parse(e) });

export const unitDecider: Decider<UnitCommand, UnitEvent, UnitState, DecisionContext> = {
  decide: decideUnit,
  evolve: evolveUnit,
  initialState: initialUnitState,
};
export const unitSpec = () => spec(unitDecider, { validate: (e) => void UnitEvent.parse(e) });

export const activeEpisodeSpec = () =>
  spec<ActiveEpisodeCommand, ActiveEpisodeEvent, ActiveEpisodeState, ActiveEpisodeContext>(activeEpisodeDecider, {
    validate: (e) => void ActiveEpisodeEvent.parse(e),
  });
