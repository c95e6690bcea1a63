// Between domain events ({ type, data }) and store envelopes: ids, schema versions,
// metadata on the way in; upcasting on the way out.
import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../event-store/event-store';
import { EPISODE_EVENT_VERSIONS } from '../../domain/episode/events';
import { UNIT_EVENT_VERSIONS } from '../../domain/unit/unit';
import { ACTIVE_EPISODE_EVENT_VERSIONS } from '../../domain/patient/active-episode';
import { upcast } from '../../domain/upcasters';

const VERSIONS: Readonly<Record<string, number>> = {
  ...EPISODE_EVENT_VERSIONS,
  ...UNIT_EVENT_VERSIONS,
  ...ACTIVE_EPISODE_EVENT_VERSIONS,
};

export interface DomainEventShape {
  readonly type: string;
  readonly data: object;
}

export function toNewEvents(events: readonly DomainEventShape[], metadata: EventMetadata): NewEvent[] {
  return events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    schemaVersion: VERSIONS[e.type] ?? 1,
    data: e.data as Record<string, unknown>,
    metadata,
  }));
}

/** The current shape of a stored event. */
export const upcastRecorded = (r: RecordedEvent): RecordedEvent => upcast(r);

export const toDomainEvent = <E extends DomainEventShape>(r: RecordedEvent): E => {
  const current = upcast(r);
  return { type: current.type, data: current.data } as unknown as E;
};
