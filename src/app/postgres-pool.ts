// Where PostgreSQL serves this configuration, and the pools the service opens on it. Small
// and free of the stores' adapters, so the projector's worker thread loads only what it uses.
import { Pool } from 'pg';
import type { AppConfig } from './config';

/**
 * PostgreSQL holds keys, the access log and the read models when the events live on a
 * server: with EVENT_STORE=postgres (DATABASE_URL or the libpq PG* variables), and beside
 * EventStoreDB when DATABASE_URL is set.
 */
export const usesPostgres = (config: Pick<AppConfig, 'eventStore' | 'databaseUrl'>) =>
  config.eventStore === 'postgres' || (config.eventStore === 'eventstoredb' && Boolean(config.databaseUrl));

/** A pool that survives the server ending its sessions (restart, failover): the next query reconnects. */
export function resilientPool(config: Pick<AppConfig, 'databaseUrl'>, max: number): Pool {
  const pool = new Pool({ connectionString: config.databaseUrl, max, connectionTimeoutMillis: 5000 });
  // An idle client whose session ends emits 'error' on the pool, a checked-out one on itself;
  // unhandled, either would crash the process. The failed query reports the error instead.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

