// The PostgreSQL event store while the server ends its sessions (restart, failover, an
// administrator): every append either commits whole or fails with StoreUnavailableError,
// the process keeps running, and the log stays gapless with every stream's revisions intact.
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { StoreUnavailableError, type NewEvent } from '../../src/event-store/event-store';
import { PG_EXAMPLE, sayNotRun } from './not-run';

const url = process.env.DATABASE_URL;
if (!url) sayNotRun('PostgreSQL session-loss suite', 'DATABASE_URL', PG_EXAMPLE);

const metadata = { actorId: 'SE2321000131-T001', role: 'therapist', commandId: 'c1', correlationId: 'c1', causationId: 'c1' };
const events = (n: number): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'MessageSent', schemaVersion: 1, data: { i }, metadata }));

(url ? describe : describe.skip)('PostgreSQL event store when the server ends its sessions', () => {
  const schema = `es_sessions_${randomBytes(4).toString('hex')}`;
  const appName = `es-sessions-${randomBytes(4).toString('hex')}`;
  let admin: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    admin = new Pool({ connectionString: url, max: 2 });
    const connection = new URL(url as string);
    connection.searchParams.set('application_name', appName);
    store = await PostgresEventStore.create({ connectionString: connection.toString(), schema, poolSize: 4 });
  });
  afterAll(async () => {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('commits each append whole or refuses it as unavailable, and the log stays exact', async () => {
    const streams = Array.from({ length: 4 }, () => `episode-${randomUUID()}`);
    const committed = new Map<string, number>(); // event id -> its stream's revision
    const failures: { error: unknown; ids: string[] }[] = [];
    let writing = true;

    const write = async (stream: string) => {
      for (let i = 0; i < 40; i++) {
        const batch = events(1 + (i % 3));
        try {
          const result = await store.appendToStream(stream, batch, { expectedRevision: 'any' });
          result.records.forEach((r) => committed.set(r.id, r.revision));
        } catch (error) {
          failures.push({ error, ids: batch.map((e) => e.id) });
        }
      }
    };
    // Meanwhile end every session of the store, again and again, wherever it is.
    let terminated = 0;
    const terminate = async () => {
      while (writing) {
        const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
        terminated += rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    };
    const killing = terminate();
    await Promise.all(streams.map(write));
    writing = false;
    await killing;

    expect(terminated).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.error).toBeInstanceOf(StoreUnavailableError);

    // A failed append may have committed just before its session ended (COMMIT sent, answer
    // lost): then its events are in the log, whole. Every acknowledged event is there.
    const stored = await admin.query<{ position: string; event_id: string; stream_id: string; revision: number }>(
      `SELECT position::text, event_id, stream_id, revision FROM "${schema}".events e ORDER BY e.position`,
    );
    expect(stored.rows.map((r) => Number(r.position))).toEqual(stored.rows.map((_, i) => i + 1));
    const byId = new Map(stored.rows.map((r) => [r.event_id, r.revision]));
    for (const [id, revision] of committed) expect(byId.get(id)).toBe(revision);
    for (const f of failures) expect([0, f.ids.length]).toContain(f.ids.filter((id) => byId.has(id)).length);
    for (const stream of streams) {
      const revisions = stored.rows.filter((r) => r.stream_id === stream).map((r) => r.revision);
      expect(revisions).toEqual(revisions.map((_, i) => i));
    }
    // And the store still works.
    const after = await store.appendToStream(streams[0], events(1), { expectedRevision: 'any' });
    expect(after.lastPosition).toBe(BigInt(stored.rows.length + 1));
  });
});
