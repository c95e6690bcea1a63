// Stored envelopes for timeline tests, without a store: the v1 fixture as read back, and
// domain events wrapped as a store would record them.
import fixture from './fixtures/episode-schema-v1.json';
import type { RecordedEvent } from '../../src/event-store/event-store';
import type { EpisodeEvent } from '../../src/domain/episode/events';

export const FIXTURE_EPISODE_ID = fixture.episodeId;
export const FIXTURE_STREAM = `episode-${fixture.episodeId}`;

/** The v1 fixture as a store returns it: positions 1..12, the times it was recorded. */
export const fixtureRecords = (): RecordedEvent[] =>
  fixture.events.map((e, i) => ({
    id: e.id,
    streamId: FIXTURE_STREAM,
    revision: i,
    position: BigInt(i + 1),
    recordedAt: e.recordedAt,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: structuredClone(e.data) as Record<string, unknown>,
    metadata: structuredClone(e.metadata) as RecordedEvent['metadata'],
  }));

const metadata = { actorId: 'SE2321000131-T001', role: 'therapist', unitId: 'SE2321000131-E001', commandId: 'c', correlationId: 'c', causationId: 'c' };

/** Domain events as stored: revision = index, the given positions and times (default 1, 2, ... and one second apart). */
export function recordsOf(
  events: readonly EpisodeEvent[],
  options: { positions?: readonly bigint[]; times?: readonly string[]; streamId?: string } = {},
): RecordedEvent[] {
  return events.map((e, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    streamId: options.streamId ?? 'episode-01KAWZ3Q5V8J2M6N4P7R9S1T3X',
    revision: i,
    position: options.positions?.[i] ?? BigInt(i + 1),
    recordedAt: options.times?.[i] ?? new Date(Date.UTC(2026, 10, 22, 9, 0, i)).toISOString(),
    type: e.type,
    schemaVersion: e.type === 'FeeCharged' ? 2 : 1,
    data: e.data as Record<string, unknown>,
    metadata,
  }));
}
