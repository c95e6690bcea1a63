// Opens the configured store for a command-line tool, from the same environment as the service.
import { loadConfig, ConfigError } from '../app/config';
import { openStore } from '../app/bootstrap';
import type { EventStore } from '../event-store/event-store';

export async function withStore<T>(work: (store: EventStore) => Promise<T>): Promise<T> {
  let store: EventStore | undefined;
  try {
    store = await openStore(loadConfig());
    return await work(store);
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    throw error;
  } finally {
    await store?.close();
  }
}
