// A small world for projection tests: episodes and units driven by the real deciders, their
// events appended to a real event store with envelopes as the app writes them. A refused
// command appends nothing and is reported, so generated histories stay valid.
import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store';
import type { ActorRole, DecisionContext, EpisodeCommand } from '../../src/domain/episode/commands';
import type { EpisodeEvent } from '../../src/domain/episode/events';
import { episodeDecider } from '../../src/domain/episode/decider';
import type { EpisodeState } from '../../src/domain/episode/state';
import { decideUnit, evolveUnit, initialUnitState, type UnitCommand, type UnitState } from '../../src/domain/unit/unit';
import { DomainError } from '../../src/domain/shared/domain-error';
import { DEFAULT_UNIT_SETTINGS, type UnitSettings } from '../../src/domain/rules';

export const UNITS = ['SE2321000131-E001', 'SE2321000131-E002'] as const;
export const THERAPISTS = ['SE2321000131-T001', 'SE2321000131-T002', 'SE2321000131-T003'] as const;
export const ADMIN = 'SE2321000131-A001';
export const GATEWAY = '1177-sob-gateway';
/** Skatteverket's published test numbers (and one samordningsnummer). */
export const TEST_PERSONNUMMER = ['19121212-1212', '20190101-2391', '19030818-9802', '202601612381'] as const;

export interface Actor {
  readonly id: string;
  readonly role: ActorRole;
  readonly unitId?: string;
}
export const therapistOf = (unitId: string, i = 0): Actor => ({ id: THERAPISTS[i], role: 'therapist', unitId });
export const adminOf = (unitId: string): Actor => ({ id: ADMIN, role: 'unit_admin', unitId });
export const patientOf = (unitId: string): Actor => ({ id: GATEWAY, role: 'patient_gateway', unitId });

export type Outcome = { ok: true; records: readonly RecordedEvent[] } | { ok: false; code: string };

export class World {
  readonly episodes = new Map<string, { state: EpisodeState; unitId: string; events: EpisodeEvent[] }>();
  readonly units = new Map<string, UnitState>();
  /** Milliseconds since the epoch: the clock only moves forward. */
  now: number;

  constructor(
    readonly store: EventStore,
    start = '2026-03-02T08:00:00.000Z',
  ) {
    this.now = Date.parse(start);
  }

  get iso(): string {
    return new Date(this.now).toISOString();
  }

  advance(minutes: number): this {
    this.now += Math.round(minutes * 60_000);
    return this;
  }

  state(episodeId: string): EpisodeState {
    return this.episodes.get(episodeId)?.state ?? episodeDecider.initialState();
  }

  async episode(episodeId: string, command: EpisodeCommand, actor: Actor, settings: UnitSettings = DEFAULT_UNIT_SETTINGS): Promise<Outcome> {
    const current = this.episodes.get(episodeId);
    const state = current?.state ?? episodeDecider.initialState();
    const ctx: DecisionContext = { now: this.iso, actor, settings };
    let events: EpisodeEvent[];
    try {
      events = episodeDecider.decide(command, state, ctx);
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, code: error.code };
      throw error;
    }
    if (events.length === 0) return { ok: true, records: [] };
    const result = await this.store.appendToStream(`episode-${episodeId}`, events.map((e) => envelope(e, actor)), {
      expectedRevision: state.revision < 0 ? 'no_stream' : state.revision,
    });
    const next = events.reduce(episodeDecider.evolve, state);
    const unitId = current?.unitId ?? (command.type === 'StartAssignment' ? command.data.unitId : '');
    this.episodes.set(episodeId, { state: next, unitId, events: [...(current?.events ?? []), ...events] });
    return { ok: true, records: result.records };
  }

  async unit(unitId: string, command: UnitCommand, actor: Actor): Promise<Outcome> {
    const state = this.units.get(unitId) ?? initialUnitState();
    let events;
    try {
      events = decideUnit(command, state, { now: this.iso, actor });
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, code: error.code };
      throw error;
    }
    if (events.length === 0) return { ok: true, records: [] };
    const result = await this.store.appendToStream(`unit-${unitId}`, events.map((e) => envelope(e, actor)), {
      expectedRevision: state.revision < 0 ? 'no_stream' : state.revision,
    });
    this.units.set(unitId, events.reduce(evolveUnit, state));
    return { ok: true, records: result.records };
  }
}

function envelope(e: { type: string; data: object }, actor: Actor) {
  const commandId = randomUUID();
  return {
    id: randomUUID(),
    type: e.type,
    schemaVersion: 1,
    data: e.data as Record<string, unknown>,
    metadata: { actorId: actor.id, role: actor.role, unitId: actor.unitId, commandId, correlationId: commandId, causationId: commandId },
  };
}

/** StartAssignment with sensible defaults. */
export const start = (
  episodeId: string,
  o: Partial<{ unitId: string; personnummer: string; therapistId: string; diagnosisCode: string; exemption: string; loggedIn: boolean }> = {},
): EpisodeCommand => ({
  type: 'StartAssignment',
  data: {
    episodeId,
    unitId: o.unitId ?? UNITS[0],
    personnummer: o.personnummer ?? TEST_PERSONNUMMER[0],
    therapistId: o.therapistId ?? THERAPISTS[0],
    diagnosisCode: o.diagnosisCode ?? 'M17.1',
    ...(o.loggedIn === false ? { patientStatus: { hasLoggedIn: false, notificationsEnabled: false } } : {}),
    ...(o.exemption ? { feeExemption: { reason: o.exemption, kind: 'high-cost-card' as const } } : {}),
  },
});
