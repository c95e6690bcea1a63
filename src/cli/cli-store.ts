// Opens the configured store for a command-line tool, from the same environment as the service.
import { loadConfig, ConfigError, type AppConfig } from '../app/config';
import { openInfrastructure, type Infrastructure } from '../app/infrastructure';
import type { EventStore } from '../event-store/event-store';

/** The decrypted view of the configured store (personal fields readable unless erased). */
export async function withStore<T>(work: (store: EventStore, infrastructure: Infrastructure, config: AppConfig) => Promise<T>): Promise<T> {
  let infrastructure: Infrastructure | undefined;
  try {
    const config = loadConfig();
    infrastructure = await openInfrastructure(config);
    return await work(infrastructure.store, infrastructure, config);
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    throw error;
  } finally {
    await infrastructure?.close();
  }
}
