// Where a bench run keeps its data: a temporary directory (SQLite files, the master key) and,
// for PostgreSQL, a schema of its own that is dropped at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig, type AppConfig } from '../src/app/config';

export type StoreKind = 'sqlite' | 'postgres';

export interface BenchStore {
  readonly kind: StoreKind;
  readonly dir: string;
  readonly schema?: string;
  readonly databaseUrl?: string;
  /** Environment for loadConfig, also handed to child processes. */
  readonly env: Record<string, string>;
  config(): AppConfig;
  /** Bytes the event log takes on disk. */
  eventBytes(): Promise<number>;
  destroy(): Promise<void>;
}

export async function createBenchStore(kind: StoreKind, databaseUrl: string | undefined): Promise<BenchStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `artrosskola-bench-${kind}-`));
  const env: Record<string, string> = { DATA_DIR: dir, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', EVENT_STORE: kind };
  // Set to compare the projector's threads side by side (default: the service's own choice).
  if (process.env.PROJECTOR_THREAD) env.PROJECTOR_THREAD = process.env.PROJECTOR_THREAD;
  let schema: string | undefined;
  if (kind === 'postgres') {
    if (!databaseUrl) throw new Error('--store postgres needs DATABASE_URL');
    schema = `bench_${process.pid}_${Date.now().toString(36)}`;
    Object.assign(env, { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema });
  }
  const withClient = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    kind,
    dir,
    schema,
    databaseUrl,
    env,
    config: () => loadConfig({ ...env } as NodeJS.ProcessEnv),
    eventBytes: async () => {
      if (kind === 'sqlite') {
        const file = path.join(dir, 'events.db');
        return [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
      }
      return withClient(async (c) => {
        const r = await c.query<{ bytes: string }>(
          `SELECT (pg_total_relation_size($1::regclass) + pg_total_relation_size($2::regclass))::text AS bytes`,
          [`"${schema}".events`, `"${schema}".streams`],
        );
        return Number(r.rows[0]!.bytes);
      });
    },
    destroy: async () => {
      if (kind === 'postgres')
        await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_live" CASCADE`)).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
