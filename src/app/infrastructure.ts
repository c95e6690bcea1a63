// Everything the service runs on, built from configuration: the event store (raw, and
// the encrypting view the application uses), the patient keyring, and their closing.
import type { Pool } from 'pg';
import type { EventStore } from '../event-store/event-store';
import { createEventStore } from '../event-store/create-event-store';
import type { AppConfig } from './config';
import { EncryptingEventStore, PersonalDataCipher } from './privacy/encrypting-event-store';
import { Keyring } from './privacy/keyring';
import { PostgresKeyStore, SqliteKeyStore, type KeyStore } from './privacy/key-store';
import { loadMasterKey } from './privacy/master-key';
import { PostgresAccessLogStore, SqliteAccessLogStore, type AccessLogStore } from './access-log/access-log-store';
import { singleStreamAppends } from './write/fault-points';
import { resilientPool, usesPostgres } from './postgres-pool';

export interface Infrastructure {
  /** The store as written: personal fields encrypted. Projections read this. */
  readonly rawStore: EventStore;
  /** The store the application uses: personal fields encrypted on append, decrypted on read. */
  readonly store: EventStore;
  readonly cipher: PersonalDataCipher;
  readonly keyring: Keyring;
  readonly accessLog: AccessLogStore;
  close(): Promise<void>;
}

export async function openAccessLogStore(config: AppConfig): Promise<{ store: AccessLogStore; close(): Promise<void> }> {
  if (usesPostgres(config)) {
    const pool = resilientPool(config, 2);
    return { store: new PostgresAccessLogStore(pool, config.databaseSchema ?? 'public'), close: () => pool.end() };
  }
  const store = new SqliteAccessLogStore(config.sqliteFile === ':memory:' ? ':memory:' : config.accessLogFile);
  return { store, close: () => store.close() };
}

export async function openRawStore(config: AppConfig): Promise<EventStore> {
  return createEventStore({
    kind: config.eventStore,
    sqliteFile: config.sqliteFile,
    databaseUrl: config.databaseUrl,
    postgresSchema: config.databaseSchema,
    eventStoreDbUrl: config.eventStoreDbUrl,
  });
}

export async function openInfrastructure(config: AppConfig, options: { rawStore?: EventStore } = {}): Promise<Infrastructure> {
  const rawStore = options.rawStore ?? (await openRawStore(config));
  let pool: Pool | undefined;
  let keyStore: KeyStore;
  let accessLog: AccessLogStore;
  if (usesPostgres(config)) {
    pool = resilientPool(config, 4);
    keyStore = new PostgresKeyStore(pool, config.databaseSchema ?? 'public');
    accessLog = new PostgresAccessLogStore(pool, config.databaseSchema ?? 'public');
  } else {
    keyStore = new SqliteKeyStore(config.sqliteFile === ':memory:' ? ':memory:' : config.keyStoreFile);
    accessLog = new SqliteAccessLogStore(config.sqliteFile === ':memory:' ? ':memory:' : config.accessLogFile);
  }
  const keyring = new Keyring(keyStore, loadMasterKey(config.dataEncryptionKey, config.masterKeyFile));
  const cipher = new PersonalDataCipher(keyring);
  return {
    rawStore,
    store: new EncryptingEventStore(singleStreamAppends(rawStore), cipher),
    cipher,
    keyring,
    accessLog,
    close: async () => {
      await rawStore.close();
      await keyStore.close();
      await accessLog.close();
      await pool?.end();
    },
  };
}
