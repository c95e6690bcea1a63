// The event feed on PostgreSQL, where appends of several writers commit concurrently: a
// client that drops the connection at random bytes while three writers append, resuming with
// Last-Event-ID each time, ends with exactly the store's events in position order, none
// missed and none twice. Runs when DATABASE_URL names a server.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Client } from 'pg';
import type { RecordedEvent } from '../../src/event-store/event-store';
import { startApp, UNIT, type TestApp } from '../e2e/harness';
import { PG_EXAMPLE, sayNotRun } from '../scale-out/not-run';
import { connect, type SseMessage } from './sse-client';

const url = process.env.DATABASE_URL;
const schema = `feed_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
let t: TestApp;
let port: number;

if (!url) sayNotRun('test/contract/event-feed.postgres.test.ts', 'DATABASE_URL', PG_EXAMPLE);
const maybe = url ? describe : describe.skip;

maybe('the event feed on PostgreSQL', () => {
  beforeAll(async () => {
    t = await startApp({ env: { EVENT_STORE: 'postgres', DATABASE_URL: url!, DATABASE_SCHEMA: schema, RATE_LIMIT_PER_MINUTE: '0' } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    const db = new Client({ connectionString: url });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
  });

  const auth = () => t.auth('integration', { unit: null });
  const ids = (messages: readonly SseMessage[]) => messages.map((m) => m.id!);

  async function storeEvents(after: bigint): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const batch of t.infrastructure.rawStore.readAll({ after })) out.push(...batch);
    return out;
  }

  const event = (writer: number, i: number) => ({
    id: randomUUID(),
    type: 'AbsenceNoticeWithdrawn',
    schemaVersion: 1,
    data: { unitId: `${UNIT}-${writer}`, noticeId: `feed-pg-${i}`, by: 'SE2321000131-A001', at: '2026-11-22T09:00:00.000Z' },
    metadata: { actorId: 'SE2321000131-A001', role: 'unit_admin', unitId: UNIT, commandId: randomUUID(), correlationId: 'feed-pg', causationId: 'feed-pg' },
  });

  it('resumes with Last-Event-ID after drops at random bytes while three writers append, ending with exactly the store\'s events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 3, maxLength: 8 }), async (drops) => {
        const start = await t.store.headPosition();
        let finalHead: string | undefined;
        const writers = Promise.all(
          [0, 1, 2].map(async (w) => {
            for (let i = 0; i < 15; i++) await t.store.appendToStream(`unit-${UNIT}-${w}`, [event(w, i), event(w, i + 100)], { expectedRevision: 'any' });
          }),
        ).then(async () => {
          finalHead = (await t.store.headPosition()).toString();
        });
        const seen: string[] = [];
        let last = start.toString();
        const complete = (m: readonly SseMessage[]) => finalHead !== undefined && (m[m.length - 1]?.id ?? last) === finalHead;
        for (const bytes of drops) {
          const sse = connect(port, '/events/stream', { ...auth(), 'Last-Event-ID': last }, { dropAfterBytes: bytes });
          await sse.status;
          await Promise.race([sse.until(complete), writers.then(() => sse.until(complete))]);
          sse.close();
          seen.push(...ids(sse.messages));
          last = seen[seen.length - 1] ?? last;
        }
        await writers;
        if (last !== finalHead) {
          const rest = connect(port, '/events/stream', { ...auth(), 'Last-Event-ID': last });
          await rest.until((m) => m[m.length - 1]?.id === finalHead);
          rest.close();
          seen.push(...ids(rest.messages));
        }
        expect(seen).toEqual((await storeEvents(start)).map((r) => r.position.toString()));
      }),
      { numRuns: 3 },
    );
  }, 120_000);
});
