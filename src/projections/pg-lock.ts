// PostgreSQL: only one process runs a given projection at a time. Each projector holds a
// session-level advisory lock per projection it runs, on one dedicated client; the others
// skip that projection and try again each poll, so they take over within a poll interval
// when the holder dies (its session ends and PostgreSQL releases the lock). Correctness does
// not rest on the lock (the checkpoint is checked in every write transaction); it only saves
// the duplicate work of two processes racing on the same batches.
import type { Pool, PoolClient } from 'pg';

export class AdvisoryLocks {
  private client: PoolClient | undefined;
  private readonly held = new Set<string>();

  constructor(
    private readonly pool: Pool,
    /** Per read-model schema, so deployments sharing a database do not block each other. */
    private readonly namespace: string,
  ) {}

  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  /** Try to take the locks not yet held; returns the names held afterwards. */
  async tryAcquire(names: readonly string[]): Promise<ReadonlySet<string>> {
    try {
      const client = await this.connect();
      for (const name of names) {
        if (this.held.has(name)) continue;
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [`${this.namespace}:${name}`]);
        if (rows[0]?.ok) this.held.add(name);
      }
    } catch {
      this.drop(); // the session is gone, and with it every lock it held
    }
    return this.held;
  }

  async releaseAll(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.query('SELECT pg_advisory_unlock_all()');
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
    this.client = undefined;
    this.held.clear();
  }

  private async connect(): Promise<PoolClient> {
    if (this.client) return this.client;
    const client = await this.pool.connect();
    client.on('error', () => this.drop());
    this.client = client;
    return client;
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    this.held.clear();
    try {
      client?.release(new Error('advisory-lock session lost'));
    } catch {
      // already released
    }
  }
}
