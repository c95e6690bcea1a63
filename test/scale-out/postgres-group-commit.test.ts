// Group commit on PostgreSQL: appends that wait while another commits go in one transaction,
// yet each is judged alone, in the order it was made: a refused append (wrong revision, a
// duplicate event id) writes nothing and leaves the others of its group written.
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { WrongExpectedRevisionError, type NewEvent } from '../../src/event-store/event-store';
import { PG_EXAMPLE, sayNotRun } from './not-run';

const url = process.env.DATABASE_URL;
if (!url) sayNotRun('PostgreSQL group-commit suite', 'DATABASE_URL', PG_EXAMPLE);

const metadata = { actorId: 'SE2321000131-T001', role: 'therapist', commandId: 'c1', correlationId: 'c1', causationId: 'c1' };
const event = (id = randomUUID()): NewEvent => ({ id, type: 'MessageSent', schemaVersion: 1, data: { n: 1 }, metadata });

(url ? describe : describe.skip)('PostgreSQL group commit', () => {
  const schema = `es_group_${randomBytes(4).toString('hex')}`;
  let store: PostgresEventStore;
  let admin: Pool;
  beforeAll(async () => {
    admin = new Pool({ connectionString: url, max: 1 });
    store = await PostgresEventStore.create({ connectionString: url, schema, poolSize: 4 });
  });
  afterAll(async () => {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('judges each append of a group alone and in order', async () => {
    const s = `episode-${randomUUID()}`;
    const taken = randomUUID();
    await store.appendToStream(`episode-${randomUUID()}`, [event(taken)], { expectedRevision: 'no_stream' });
    // Made in one turn of the event loop: they queue behind each other and group.
    const results = await Promise.allSettled([
      store.appendToStream(s, [event(), event()], { expectedRevision: 'no_stream' }),
      store.appendToStream(s, [event()], { expectedRevision: 1 }), // judged after the first of its group
      store.appendToStream(s, [event()], { expectedRevision: 1 }), // stale by then: refused
      store.appendToStream(`episode-${randomUUID()}`, [event(taken)], { expectedRevision: 'no_stream' }), // duplicate id
      store.appendToStream(`episode-${randomUUID()}`, [event()], { expectedRevision: 'no_stream' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    const stream = await store.readStream(s);
    expect(stream.map((e) => e.revision)).toEqual([0, 1, 2]);
    const all: bigint[] = [];
    for await (const batch of store.readAll()) all.push(...batch.map((e) => e.position));
    expect(all).toEqual(all.map((_, i) => BigInt(i + 1))); // gapless: the refused wrote nothing
    expect(all).toHaveLength(5);
  });

  it('answers each append with its own records and positions', async () => {
    const streams = Array.from({ length: 20 }, () => `episode-${randomUUID()}`);
    const answers = await Promise.all(streams.map((s) => store.appendToStream(s, [event(), event()], { expectedRevision: 'no_stream' })));
    for (const [i, a] of answers.entries()) {
      expect(a.records.map((r) => r.streamId)).toEqual([streams[i], streams[i]]);
      expect(a.lastPosition).toBe(a.records[1]!.position);
      expect(a.records[1]!.position - a.records[0]!.position).toBe(1n);
      expect((await store.readStream(streams[i]!)).map((r) => r.position)).toEqual(a.records.map((r) => r.position));
    }
  });
});
