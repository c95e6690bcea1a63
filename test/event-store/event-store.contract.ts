// The one contract every EventStore adapter must pass. Each adapter's test file calls
// describeEventStoreContract with a factory that gives a fresh, empty store.

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../../src/event-store/event-store';
import { describeMultiStreamContract } from './multi-stream.contract';

export interface ContractFixture {
  readonly store: EventStore;
  /** Close `store` and open the same storage again (for durable adapters). */
  readonly reopen?: () => Promise<EventStore>;
  readonly cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** Positions are consecutive integers (SQL stores); EventStoreDB's are log offsets. */
  readonly gaplessPositions?: boolean;
  /** create() gives an empty log (default true); false for a shared server such as EventStoreDB. */
  readonly startsEmpty?: boolean;
  /** The store has multi-stream transactions (appendToStreams); default true. */
  readonly multiStream?: boolean;
}

export const metadata: EventMetadata = {
  actorId: 'SE2321000016-1234',
  actorName: 'Anna Fysioterapeut',
  role: 'physiotherapist',
  unitId: 'SE2321000016-ABCD',
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: 'cmd-1',
};

export function newEvent(type = 'SomethingHappened', data: Record<string, unknown> = {}, meta: EventMetadata = metadata): NewEvent {
  return { id: randomUUID(), type, schemaVersion: 1, data, metadata: meta };
}

export function events(count: number, prefix = 'e'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent('Counted', { n: i, label: `${prefix}-${i}` }));
}

export const streamName = (): string => `episode-${randomUUID()}`;

export async function readEverything(store: EventStore, after?: bigint, batchSize?: number): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const batch of store.readAll({ after, batchSize })) all.push(...batch);
  return all;
}

/** What the store should give back for an appended event, apart from what it assigns. */
function envelopeOf(event: NewEvent, streamId: string, revision: number) {
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    streamId,
    revision,
  };
}

function expectStrictlyIncreasing(positions: readonly bigint[], gapless: boolean): void {
  for (let i = 1; i < positions.length; i++) {
    if (gapless) expect(positions[i]).toBe(positions[i - 1] + 1n);
    else expect(positions[i] > positions[i - 1]).toBe(true);
  }
}

export function describeEventStoreContract(
  adapterName: string,
  create: () => Promise<ContractFixture>,
  options: ContractOptions = {},
): void {
  const gapless = options.gaplessPositions ?? false;
  const startsEmpty = options.startsEmpty ?? true;
  const multiStream = options.multiStream ?? true;

  describe(`EventStore contract: ${adapterName}`, () => {
    let fixture: ContractFixture;
    let store: EventStore;
    /** The head when the test began: the log this test sees starts after it. */
    let base: bigint;

    beforeEach(async () => {
      fixture = await create();
      store = fixture.store;
      base = await store.headPosition();
      if (startsEmpty) expect(base).toBe(0n);
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('appends and reads a stream back in order, envelopes intact', async () => {
      const streamId = streamName();
      const rich = newEvent('EpisodeStarted', {
        patient: { name: 'Åsa Öberg', age: 67 },
        tags: ['knä', 'höft'],
        nothing: null,
        yes: true,
        fee: 200.5,
      }, { ...metadata, idempotencyKey: 'key-1', requestHash: 'abc', extra: { nested: [1, 2] } });
      const plain = newEvent('PlanAssigned', { planId: 'p1' });
      const before = Date.now();
      const result = await store.appendToStream(streamId, [rich, plain], { expectedRevision: 'no_stream' });
      const after = Date.now();

      expect(result.nextExpectedRevision).toBe(1);
      expect(result.records).toHaveLength(2);
      expect(result.lastPosition).toBe(result.records[1].position);
      const read = await store.readStream(streamId);
      expect(read).toEqual(result.records);
      expect(read[0]).toMatchObject(envelopeOf(rich, streamId, 0));
      expect(read[1]).toMatchObject(envelopeOf(plain, streamId, 1));
      for (const record of read) {
        expect(record.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        const at = Date.parse(record.recordedAt);
        expect(at).toBeGreaterThanOrEqual(before - 5000); // servers may have their own clock
        expect(at).toBeLessThanOrEqual(after + 5000);
        expect(typeof record.position).toBe('bigint');
      }
    });

    it('numbers revisions 0..n-1 without gaps across appends', async () => {
      const streamId = streamName();
      let expected: ExpectedRevision = 'no_stream';
      for (const size of [1, 3, 2, 5]) {
        const result = await store.appendToStream(streamId, events(size), { expectedRevision: expected });
        expected = result.nextExpectedRevision;
      }
      const read = await store.readStream(streamId);
      expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 11 }, (_, i) => i));
      expect(expected).toBe(10);
    });

    it('gives strictly increasing positions across streams, and readAll follows them', async () => {
      const a = streamName();
      const b = streamName();
      const appended: RecordedEvent[] = [];
      appended.push(...(await store.appendToStream(a, events(2), { expectedRevision: 'no_stream' })).records);
      appended.push(...(await store.appendToStream(b, events(3), { expectedRevision: 'no_stream' })).records);
      appended.push(...(await store.appendToStream(a, events(1), { expectedRevision: 1 })).records);
      expectStrictlyIncreasing(appended.map((e) => e.position), gapless);
      if (gapless) expect(appended[0].position).toBe(base + 1n);
      const all = await readEverything(store, base);
      expect(all).toEqual(appended);
    });

    describe('expected revision', () => {
      async function expectRefused(streamId: string, expected: ExpectedRevision, actual: number): Promise<void> {
        const head = await store.headPosition();
        const streamBefore = await store.readStream(streamId);
        const attempt = store.appendToStream(streamId, events(2), { expectedRevision: expected });
        await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await attempt.catch((error: WrongExpectedRevisionError) => {
          expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', streamId, expected, actual });
        });
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream(streamId)).toEqual(streamBefore);
      }

      it("'no_stream' (and -1) succeeds on a new stream and is refused on an existing one", async () => {
        const s = streamName();
        await store.appendToStream(s, events(2), { expectedRevision: 'no_stream' });
        await expectRefused(s, 'no_stream', 1);
        await expectRefused(s, -1, 1);
        const t = streamName();
        await expect(store.appendToStream(t, events(1), { expectedRevision: -1 })).resolves.toMatchObject({ nextExpectedRevision: 0 });
      });

      it("'stream_exists' is refused on a new stream and succeeds on an existing one", async () => {
        const s = streamName();
        await expectRefused(s, 'stream_exists', -1);
        await store.appendToStream(s, events(1), { expectedRevision: 'no_stream' });
        const result = await store.appendToStream(s, events(2), { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(2);
      });

      it("'any' succeeds whether or not the stream exists", async () => {
        const s = streamName();
        expect((await store.appendToStream(s, events(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(0);
        expect((await store.appendToStream(s, events(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(1);
      });

      it('an exact revision succeeds only when it is the last revision', async () => {
        const s = streamName();
        await expectRefused(s, 0, -1);
        await store.appendToStream(s, events(3), { expectedRevision: 'no_stream' });
        await expectRefused(s, 1, 2);
        await expectRefused(s, 3, 2);
        const result = await store.appendToStream(s, events(1), { expectedRevision: 2 });
        expect(result.nextExpectedRevision).toBe(3);
        expect(result.records[0].revision).toBe(3);
      });
    });

    it('lets exactly one of several concurrent appends with the same expected revision win', async () => {
      const s = streamName();
      await store.appendToStream(s, events(1), { expectedRevision: 'no_stream' });
      const attempts = await Promise.allSettled(
        Array.from({ length: 6 }, () => store.appendToStream(s, events(2), { expectedRevision: 0 })),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(5);
      for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1, 2]);
    });

    it('accepts concurrent appends to different streams, each with its own positions', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.appendToStream(streamName(), events(3), { expectedRevision: 'no_stream' })),
      );
      const positions = results.flatMap((r) => r.records.map((e) => e.position)).sort((x, y) => (x < y ? -1 : 1));
      expect(new Set(positions).size).toBe(24);
      expect((await readEverything(store, base)).map((e) => e.position)).toEqual(positions);
    });

    it('reads a stream from and to a revision, and an unknown stream as empty', async () => {
      const s = streamName();
      await store.appendToStream(s, events(10), { expectedRevision: 'no_stream' });
      const revisions = async (o: { from?: number; to?: number }) => (await store.readStream(s, o)).map((e) => e.revision);
      expect(await revisions({ from: 3 })).toEqual([3, 4, 5, 6, 7, 8, 9]);
      expect(await revisions({ to: 2 })).toEqual([0, 1, 2]);
      expect(await revisions({ from: 4, to: 6 })).toEqual([4, 5, 6]);
      expect(await revisions({ from: 9, to: 20 })).toEqual([9]);
      expect(await revisions({ from: 10 })).toEqual([]);
      expect(await store.readStream(streamName())).toEqual([]);
    });

    it('reads nothing from an empty store (or after the head), and head position is 0 when empty', async () => {
      const batches: RecordedEvent[][] = [];
      for await (const batch of store.readAll({ after: base })) batches.push(batch);
      expect(batches).toEqual([]);
      if (startsEmpty) expect(await store.headPosition()).toBe(0n);
    });

    it('reads the global log after a position, in batches of the requested size', async () => {
      const s = streamName();
      await store.appendToStream(s, events(700), { expectedRevision: 'no_stream' });
      await store.appendToStream(s, events(500), { expectedRevision: 699 });
      const sizes: number[] = [];
      const seen: RecordedEvent[] = [];
      for await (const batch of store.readAll({ after: base })) {
        sizes.push(batch.length);
        seen.push(...batch);
      }
      expect(sizes).toEqual([500, 500, 200]);
      expect(seen.map((e) => e.revision)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
      expectStrictlyIncreasing(seen.map((e) => e.position), gapless);

      const tail = await readEverything(store, seen[1099].position, 30);
      expect(tail.map((e) => e.revision)).toEqual(Array.from({ length: 100 }, (_, i) => 1100 + i));
      const small: number[] = [];
      for await (const batch of store.readAll({ after: seen[1189].position, batchSize: 4 })) small.push(batch.length);
      expect(small).toEqual([4, 4, 2]);
      expect(await readEverything(store, seen[1199].position)).toEqual([]);
      expect(await store.headPosition()).toBe(seen[1199].position);
    });

    it('appends a large batch (2,000 events) atomically', async () => {
      const s = streamName();
      const result = await store.appendToStream(s, events(2000), { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(1999);
      expect(result.records).toHaveLength(2000);
      const read = await store.readStream(s);
      expect(read).toHaveLength(2000);
      expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
      expectStrictlyIncreasing(read.map((e) => e.position), gapless);
      expect(await store.headPosition()).toBe(result.lastPosition);
    });

    it('keeps unicode and large payloads byte for byte', async () => {
      const s = streamName();
      const text = 'Åsa Öström i Västerås: knä- och höftartros ✅ 🦵🏽 👩‍⚕️ — שלום עליכם مرحبا \u200f';
      const big = 'åäö€🦴'.repeat(80_000); // ~1 MB of UTF-8
      const unicode = newEvent('Anteckning', { text, 'nyckel-åäö': 'värde' }, { ...metadata, actorName: 'Örjan Ångström 🧑‍⚕️' });
      const large = newEvent('Stort', { big, items: Array.from({ length: 1000 }, (_, i) => ({ i, t: 'ä' })) });
      await store.appendToStream(s, [unicode, large], { expectedRevision: 'no_stream' });
      const [first, second] = await store.readStream(s);
      expect(first.data).toEqual(unicode.data);
      expect(first.metadata.actorName).toBe('Örjan Ångström 🧑‍⚕️');
      expect(second.data.big).toBe(big);
      expect(Buffer.byteLength(big)).toBeGreaterThan(1_000_000);
      expect(second.data).toEqual(large.data);
    });

    it('tells onAppended listeners after commit, until they unsubscribe', async () => {
      const s = streamName();
      const heard: bigint[] = [];
      const readableWhenTold: Promise<boolean>[] = [];
      const unsubscribe = store.onAppended((position) => {
        heard.push(position);
        // The read starts inside the listener: it sees what was committed when it was told.
        readableWhenTold.push(readEverything(store, base).then((all) => all.some((e) => e.position === position)));
      });
      const { lastPosition } = await store.appendToStream(s, events(2), { expectedRevision: 'no_stream' });
      await waitFor(() => heard.some((p) => p >= lastPosition), 'onAppended to be told of the append');
      expect(await Promise.all(readableWhenTold)).toEqual(heard.map(() => true));
      unsubscribe();
      const late: bigint[] = [];
      store.onAppended((p) => late.push(p))(); // subscribed and at once unsubscribed
      const countBefore = heard.length;
      await store.appendToStream(s, events(1), { expectedRevision: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(late).toEqual([]);
      expect(heard).toHaveLength(countBefore);
    });

    it('refuses an append of no events, and writes nothing', async () => {
      const s = streamName();
      await expect(store.appendToStream(s, [], { expectedRevision: 'any' })).rejects.toThrow(/no events/);
      expect(await store.readStream(s)).toEqual([]);
      expect(await store.headPosition()).toBe(base);
    });

    it('refuses event ids that are not UUIDs, and writes nothing', async () => {
      const s = streamName();
      const bad = { ...newEvent(), id: 'not-a-uuid' };
      await expect(store.appendToStream(s, [newEvent(), bad], { expectedRevision: 'any' })).rejects.toThrow(/UUID/);
      expect(await store.headPosition()).toBe(base);
    });

    it('keeps everything across a reopen and continues the positions', async () => {
      if (!fixture.reopen) return; // only for durable adapters
      const s = streamName();
      const first = await store.appendToStream(s, events(3), { expectedRevision: 'no_stream' });
      store = await fixture.reopen();
      expect(await store.readStream(s)).toEqual(first.records);
      expect(await store.headPosition()).toBe(first.lastPosition);
      const second = await store.appendToStream(s, events(2), { expectedRevision: 2 });
      expect(second.records[0].position > first.lastPosition).toBe(true);
      if (gapless) expect(second.records[0].position).toBe(first.lastPosition + 1n);
      expect((await readEverything(store, base)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    });

    describeMultiStreamContract(() => store, multiStream, gapless, { events, streamName, readEverything });

    // Property: whatever the interleaving of appends over a few streams, each stream's
    // revisions are 0..n-1 and readAll returns exactly the appended events, in append order.
    it('keeps streams gapless and the log exact for random interleavings of appends', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ stream: fc.integer({ min: 0, max: 3 }), size: fc.integer({ min: 1, max: 4 }) }), {
            minLength: 1,
            maxLength: 15,
          }),
          async (plan) => {
            const streams = [streamName(), streamName(), streamName(), streamName()];
            const head = await store.headPosition();
            const appended: RecordedEvent[] = [];
            const lastRevision = [-1, -1, -1, -1];
            for (const step of plan) {
              const result = await store.appendToStream(streams[step.stream], events(step.size), {
                expectedRevision: lastRevision[step.stream],
              });
              lastRevision[step.stream] = result.nextExpectedRevision;
              appended.push(...result.records);
            }
            for (const [i, s] of streams.entries()) {
              const revisions = (await store.readStream(s)).map((e) => e.revision);
              expect(revisions).toEqual(Array.from({ length: lastRevision[i] + 1 }, (_, r) => r));
            }
            expect(await readEverything(store, head, 7)).toEqual(appended);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}

export async function waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  await withTimeout(
    (async () => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
    })(),
    ms,
    `timed out waiting for ${what}`,
  );
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
