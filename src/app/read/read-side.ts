// The read side the service runs: the read-model database chosen from the configuration
// and the live projector over the raw (encrypted) event log. The read models live in SQL on every
// store: SQLite beside the embedded store, PostgreSQL when the events live on a server
// (with EventStoreDB, PostgreSQL when DATABASE_URL is set, else the SQLite file). The projector
// runs in a worker thread of its own (PROJECTOR_THREAD=worker, see worker-projector.ts) or in
// this thread (`main`).
import type { EventStore } from '../../event-store/event-store';
import { upcast } from '../../domain/upcasters';
import { createReadModelDb } from '../../projections/read-model-db';
import type { ReadModelDb } from '../../projections/read-model-schema';
import { Projector, type ProjectorOptions } from '../../projections/projector';
import type { LiveProjector } from '../../projections/live-projector';
import { ALL_PROJECTIONS } from '../../projections/all-projections';
import type { AppConfig } from '../config';
import { resilientPool, usesPostgres } from '../postgres-pool';
import { WorkerProjector } from './worker-projector';
import { workerConfig } from './projector-worker-protocol';
import type { RanBatch } from '../observability/projector-telemetry';

export interface ReadSide {
  readonly db: ReadModelDb;
  readonly projector: LiveProjector;
  readonly dialect: 'sqlite' | 'postgres';
  /** The position of the last committed event. */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}

type ReadModelConfig = Pick<AppConfig, 'eventStore' | 'databaseUrl' | 'databaseSchema' | 'sqliteFile' | 'readModelFile'>;

/** Where the read models live for this configuration. */
export const readModelsOnPostgres = (config: Pick<AppConfig, 'eventStore' | 'databaseUrl'>): boolean => usesPostgres(config);

export function openReadModelDb(config: ReadModelConfig, sqlite: { readonly cacheSizeKib?: number } = {}): ReadModelDb {
  if (readModelsOnPostgres(config))
    return createReadModelDb({ kind: 'postgres', pool: resilientPool(config, 4), owned: true, schema: config.databaseSchema });
  return createReadModelDb({ kind: 'sqlite', file: config.sqliteFile === ':memory:' ? ':memory:' : config.readModelFile, ...sqlite });
}

export interface ReadSideOptions {
  /** Logger for projector warnings (a failing projection is retried, never silent). */
  readonly logger?: { warn(message: string, error?: unknown): void };
  readonly pollIntervalMs?: number;
  /** A failed projection is tried again after this long (the projector's default: 5 s). */
  readonly retryDelayMs?: number;
  /** Telemetry around each projector batch in this thread (see src/app/observability/projector-telemetry.ts). */
  readonly observeBatch?: ProjectorOptions['observeBatch'];
  /** Telemetry of each batch the worker thread ran (PROJECTOR_THREAD=worker). */
  readonly recordBatch?: (batch: RanBatch) => void;
}

/** The live projector's settings, the same in this thread and in the worker. */
export function liveProjectorOptions(
  config: Pick<AppConfig, 'eventStore' | 'databaseUrl'>,
  store: EventStore,
  db: ReadModelDb,
  options: Pick<ReadSideOptions, 'pollIntervalMs' | 'retryDelayMs' | 'logger'>,
): ProjectorOptions {
  return {
    store,
    db,
    projections: ALL_PROJECTIONS,
    upcast: (e) => upcast(e),
    // Several service instances on one database: one process runs each projection.
    advisoryLocks: readModelsOnPostgres(config),
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    // Under load, one projector transaction per 25 ms instead of one per append.
    lingerMs: 25,
    logger: options.logger,
    retryDelayMs: options.retryDelayMs,
  };
}

/**
 * The projector reads the store as written: personal fields stay encrypted in the read
 * models, so crypto-shredding a patient's key empties them too; queries decrypt.
 */
export function openReadSide(config: AppConfig, rawStore: EventStore, options: ReadSideOptions = {}): ReadSide {
  const db = openReadModelDb(config);
  const projector: LiveProjector =
    config.projectorThread === 'worker'
      ? new WorkerProjector({
          store: rawStore,
          projections: ALL_PROJECTIONS,
          worker: { config: workerConfig(config), pollIntervalMs: options.pollIntervalMs ?? 1000, retryDelayMs: options.retryDelayMs },
          logger: options.logger,
          recordBatch: options.recordBatch,
        })
      : new Projector({ ...liveProjectorOptions(config, rawStore, db, options), observeBatch: options.observeBatch });
  return {
    db,
    projector,
    dialect: readModelsOnPostgres(config) ? 'postgres' : 'sqlite',
    headPosition: () => rawStore.headPosition(),
    close: async () => {
      await projector.stop();
      await db.destroy();
    },
  };
}
