// PostgreSQL round trips per append, counted, not timed: one writer appends one after
// another to a store of its own (schema `<bench schema>_rt`), and every statement's end is
// the server's ReadyForQuery, which the client awaits before its next statement.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresEventStore } from '../src/event-store/postgres-event-store';
import type { NewEvent } from '../src/event-store/event-store';

export interface RoundTrips {
  readonly appends: number;
  readonly statements: number;
  readonly roundTrips: number;
}

const metadata = { actorId: 'bench', role: 'therapist', commandId: 'c', correlationId: 'c', causationId: 'c' };
const event = (): NewEvent => ({ id: randomUUID(), type: 'MessageSent', schemaVersion: 1, data: { bench: true }, metadata });

export async function postgresRoundTripsPerAppend(databaseUrl: string, schema: string, appends = 200): Promise<RoundTrips> {
  const store = await PostgresEventStore.create({ connectionString: databaseUrl, schema: `${schema}_rt`, poolSize: 1 });
  const original = Client.prototype.query;
  const seen = new WeakSet<Client>();
  let statements = 0;
  let roundTrips = 0;
  const counting = function (this: Client, ...args: unknown[]): unknown {
    if (!seen.has(this)) {
      seen.add(this);
      (this as unknown as { connection: NodeJS.EventEmitter }).connection.on('readyForQuery', () => (roundTrips += 1));
    }
    statements += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  try {
    const stream = `episode-${randomUUID()}`;
    await store.appendToStream(stream, [event()], { expectedRevision: 'no_stream' }); // parses the named statement
    Client.prototype.query = counting as typeof original;
    statements = 0;
    roundTrips = 0;
    for (let i = 0; i < appends; i++) await store.appendToStream(stream, [event()], { expectedRevision: i });
    return { appends, statements, roundTrips };
  } finally {
    Client.prototype.query = original;
    await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}_rt" CASCADE`).catch(() => undefined);
    await store.close();
  }
}
