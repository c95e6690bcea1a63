// The multi-stream append of the port (appendToStreams): all streams or none, each with
// its own expected revision. Stores with multi-stream transactions (SQLite, PostgreSQL)
// must pass this; a store without them (EventStoreDB) must not pretend to have one.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { type EventStore, type NewEvent, type RecordedEvent, WrongExpectedRevisionError } from '../../src/event-store/event-store';

/** The contract suite's own helpers, passed in (this file is part of it). */
interface Helpers {
  readonly events: (count: number, prefix?: string) => NewEvent[];
  readonly streamName: () => string;
  readonly readEverything: (store: EventStore, after?: bigint, batchSize?: number) => Promise<RecordedEvent[]>;
}

export function describeMultiStreamContract(getStore: () => EventStore, has: boolean, gapless: boolean, h: Helpers): void {
  const { events, streamName, readEverything } = h;

  if (!has) {
    it('has no multi-stream append (callers fall back to one stream after another)', () => {
      expect(getStore().appendToStreams).toBeUndefined();
    });
    return;
  }

  const multi = (store: EventStore) => store.appendToStreams!.bind(store);

  describe('appendToStreams', () => {
    it('writes every stream in one go, in the order given, each with its own revision', async () => {
      const store = getStore();
      const a = streamName();
      const b = streamName();
      await store.appendToStream(b, events(2), { expectedRevision: 'no_stream' });
      const head = await store.headPosition();
      const [ra, rb] = await multi(store)([
        { streamId: a, events: events(1, 'a'), expectedRevision: 'no_stream' },
        { streamId: b, events: events(2, 'b'), expectedRevision: 1 },
      ]);
      expect(ra!.nextExpectedRevision).toBe(0);
      expect(rb!.nextExpectedRevision).toBe(3);
      expect(rb!.records.map((r) => r.revision)).toEqual([2, 3]);
      const log = await readEverything(store, head);
      expect(log.map((r) => r.streamId)).toEqual([a, b, b]);
      const positions = log.map((r) => r.position);
      for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
      if (gapless) expect(positions).toEqual([head + 1n, head + 2n, head + 3n]);
      expect([...ra!.records, ...rb!.records]).toEqual(log);
      expect(await store.readStream(a)).toEqual(ra!.records);
    });

    it('writes nothing at all when one stream is not as expected, and names that stream', async () => {
      const store = getStore();
      const a = streamName();
      const b = streamName();
      await store.appendToStream(b, events(1), { expectedRevision: 'no_stream' });
      const head = await store.headPosition();
      const attempt = multi(store)([
        { streamId: a, events: events(2), expectedRevision: 'no_stream' },
        { streamId: b, events: events(1), expectedRevision: 'no_stream' },
      ]);
      await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(attempt).rejects.toMatchObject({ streamId: b, actual: 0 });
      expect(await store.readStream(a)).toEqual([]);
      expect(await store.headPosition()).toBe(head);
      expect(await readEverything(store, head)).toEqual([]);
    });

    it('lets exactly one of several racing appends on a shared stream win; the losers write nothing anywhere', async () => {
      const store = getStore();
      const shared = streamName();
      const own = Array.from({ length: 6 }, () => streamName());
      const outcomes = await Promise.allSettled(
        own.map((s) =>
          multi(store)([
            { streamId: shared, events: events(1), expectedRevision: 'no_stream' },
            { streamId: s, events: events(2), expectedRevision: 'no_stream' },
          ]),
        ),
      );
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const [i, o] of outcomes.entries()) {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(own[i]!)).length).toBe(i === won[0] ? 2 : 0);
      }
      expect((await store.readStream(shared)).length).toBe(1);
    });

    it('is judged on its own beside single-stream appends made at the same time', async () => {
      const store = getStore();
      const s = streamName();
      const t = streamName();
      const [single, refused, other] = await Promise.allSettled([
        store.appendToStream(s, events(1), { expectedRevision: 'no_stream' }),
        multi(store)([
          { streamId: t, events: events(1), expectedRevision: 'no_stream' },
          { streamId: s, events: events(1), expectedRevision: 'no_stream' }, // the single one took it
        ]),
        store.appendToStream(streamName(), events(1), { expectedRevision: 'no_stream' }),
      ]);
      expect(single.status).toBe('fulfilled');
      expect(refused.status).toBe('rejected');
      expect(other.status).toBe('fulfilled');
      expect(await store.readStream(t)).toEqual([]);
      expect((await store.readStream(s)).length).toBe(1);
    });

    it('writes nothing when an event id is already stored in another stream', async () => {
      const store = getStore();
      const taken = events(1)[0]!;
      await store.appendToStream(streamName(), [taken], { expectedRevision: 'no_stream' });
      const a = streamName();
      const head = await store.headPosition();
      await expect(
        multi(store)([
          { streamId: a, events: events(1), expectedRevision: 'no_stream' },
          { streamId: streamName(), events: [{ ...taken }], expectedRevision: 'no_stream' },
        ]),
      ).rejects.toThrow();
      expect(await store.readStream(a)).toEqual([]);
      expect(await store.headPosition()).toBe(head);
    });

    it('refuses no streams, a stream named twice, and a stream without events', async () => {
      const store = getStore();
      const s = streamName();
      await expect(multi(store)([])).rejects.toThrow(/no streams/);
      await expect(
        multi(store)([
          { streamId: s, events: events(1), expectedRevision: 'any' },
          { streamId: s, events: events(1), expectedRevision: 'any' },
        ]),
      ).rejects.toThrow(/twice/);
      await expect(multi(store)([{ streamId: s, events: [], expectedRevision: 'any' }])).rejects.toThrow(/no events/);
      expect(await store.readStream(s)).toEqual([]);
    });

    // Property: any mix of multi-stream appends, some refused, keeps each stream gapless and
    // the log equal to exactly the accepted appends' events, in the order they were accepted.
    it('keeps streams gapless and the log exact for random multi-stream appends', async () => {
      const store = getStore();
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.array(fc.record({ stream: fc.integer({ min: 0, max: 3 }), size: fc.integer({ min: 1, max: 3 }), stale: fc.boolean() }), { minLength: 1, maxLength: 3 }),
            { minLength: 1, maxLength: 10 },
          ),
          async (plan) => {
            const streams = Array.from({ length: 4 }, () => `episode-${randomUUID()}`);
            const revision = [-1, -1, -1, -1];
            const head = await store.headPosition();
            const accepted: RecordedEvent[] = [];
            for (const step of plan) {
              const parts = [...new Map(step.map((p) => [p.stream, p])).values()];
              const anyStale = parts.some((p) => p.stale);
              const appends = parts.map((p) => ({ streamId: streams[p.stream]!, events: events(p.size), expectedRevision: p.stale ? revision[p.stream]! + 5 : revision[p.stream]! }));
              if (anyStale) {
                await expect(multi(store)(appends)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
                continue;
              }
              const results = await multi(store)(appends);
              parts.forEach((p, i) => (revision[p.stream] = results[i]!.nextExpectedRevision));
              accepted.push(...results.flatMap((r) => r.records));
            }
            for (const [i, s] of streams.entries())
              expect((await store.readStream(s)).map((e) => e.revision)).toEqual(Array.from({ length: revision[i]! + 1 }, (_, r) => r));
            expect(await readEverything(store, head, 5)).toEqual(accepted);
          },
        ),
        { numRuns: 20 },
      );
    });
  });
}
