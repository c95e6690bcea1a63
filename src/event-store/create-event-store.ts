// Chooses the event-store adapter from configuration (EVENT_STORE and its URL), so a
// deployment changes stores without a code change.

import type { EventStore } from './event-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { PostgresEventStore } from './postgres-event-store';
import { SqliteEventStore } from './sqlite-event-store';

export type EventStoreKind = 'sqlite' | 'postgres' | 'eventstoredb';

export interface EventStoreConfig {
  readonly kind: EventStoreKind;
  /** SQLite: a file path (directories are created) or ':memory:'. Default ./data/events.db. */
  readonly sqliteFile?: string;
  /**
   * PostgreSQL: a connection string. Without it the standard libpq variables apply (PGHOST,
   * PGPORT, PGUSER, PGPASSWORD, PGDATABASE; by default localhost:5432 as the OS user).
   */
  readonly databaseUrl?: string;
  /** PostgreSQL: the schema for the event tables (default `public`). */
  readonly postgresSchema?: string;
  /** EventStoreDB: a connection string (esdb://...), required for kind 'eventstoredb'. */
  readonly eventStoreDbUrl?: string;
}

export class EventStoreConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreConfigError';
  }
}

export const DEFAULT_SQLITE_FILE = './data/events.db';

export async function createEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite':
      return SqliteEventStore.open(config.sqliteFile ?? DEFAULT_SQLITE_FILE);
    case 'postgres':
      return PostgresEventStore.create({ connectionString: config.databaseUrl, schema: config.postgresSchema });
    case 'eventstoredb':
      if (!config.eventStoreDbUrl) {
        throw new EventStoreConfigError('Event store "eventstoredb" needs a connection string (EVENTSTOREDB_URL), e.g. esdb://localhost:2113?tls=false');
      }
      return EventStoreDbEventStore.connect(config.eventStoreDbUrl);
    default: {
      const kind: never = config.kind;
      throw new EventStoreConfigError(`Unknown event store kind "${String(kind)}": use sqlite, postgres or eventstoredb`);
    }
  }
}
