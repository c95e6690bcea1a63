// Group commit on PostgreSQL: appends that wait while another commits go in one transaction,
// yet each is judged alone, in the order it was made: a refused append (wrong revision, a
// duplicate event id) writes nothing and leaves the others of its group written.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
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

  it('appends in one round trip: one statement, one ReadyForQuery, no BEGIN or COMMIT', async () => {
    // Every round trip of the extended or simple protocol ends with the server's ReadyForQuery,
    // and the client waits for it before its next statement: counting them counts round trips.
    const seen = new Set<Client>();
    let readyForQuery = 0;
    const texts: string[] = [];
    const original = Client.prototype.query;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const connection = (this as unknown as { connection: NodeJS.EventEmitter }).connection;
      if (!seen.has(this)) {
        seen.add(this);
        connection.on('readyForQuery', () => (readyForQuery += 1));
      }
      const config = args[0];
      texts.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    try {
      const s = `episode-${randomUUID()}`;
      await store.appendToStream(s, [event()], { expectedRevision: 'no_stream' }); // warm: the named statement is parsed
      readyForQuery = 0;
      texts.length = 0;
      for (let revision = 0; revision < 10; revision++) await store.appendToStream(s, [event(), event()], { expectedRevision: revision * 2 });
      expect(texts).toHaveLength(10);
      expect(readyForQuery).toBe(10);
      expect(texts.every((t) => /append_group/.test(t) && !/\b(BEGIN|COMMIT)\b/i.test(t))).toBe(true);
      // A multi-stream append is one member of a group: also one round trip.
      readyForQuery = 0;
      await store.appendToStreams([
        { streamId: `episode-${randomUUID()}`, events: [event()], expectedRevision: 'no_stream' },
        { streamId: `patient-${randomUUID()}`, events: [event()], expectedRevision: 'no_stream' },
      ]);
      expect(readyForQuery).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });
});
