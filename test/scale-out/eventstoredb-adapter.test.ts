// The EventStoreDB adapter against a scripted client (no server can run here): expected
// revisions in both directions, $all read from a position, and the catch-up subscription
// that resubscribes after a drop from the last event it saw. The resubscription waits run on
// jest's fake timers: the backoff is checked by advancing the clock, never by sleeping.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  type EventStoreDBClient,
  type Position,
} from '@eventstore/db-client';
import { WrongExpectedRevisionError, type NewEvent } from '../../src/event-store/event-store';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb-event-store';

const metadata = { actorId: 'SE2321000131-T001', role: 'therapist', commandId: 'c1', correlationId: 'c1', causationId: 'c1' };
const newEvent = (type = 'MessageSent'): NewEvent => ({ id: randomUUID(), type, schemaVersion: 2, data: { n: 1 }, metadata });

interface LogEntry {
  readonly streamId: string;
  readonly type: string;
  readonly position: Position;
}

class FakeSubscription extends EventEmitter {
  unsubscribed = false;
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }
  deliver(entry: LogEntry): void {
    this.emit('data', { event: recorded(entry) });
  }
}

function recorded(entry: LogEntry) {
  return {
    id: randomUUID(),
    streamId: entry.streamId,
    revision: 0n,
    type: entry.type,
    isJson: true,
    data: { n: 1 },
    metadata: { schemaVersion: 1, metadata },
    created: new Date('2026-11-22T09:00:00.000Z'),
    position: entry.position,
  };
}

const at = (commit: bigint): Position => ({ commit, prepare: commit });
const afterPosition = (p: Position, from: unknown) =>
  from === START ? true : p.commit > (from as Position).commit || (p.commit === (from as Position).commit && p.prepare >= (from as Position).prepare);

/** Scripted stand-in for EventStoreDBClient: records calls, answers from `log`. */
class FakeClient {
  readonly appends: { stream: string; expectedRevision: unknown }[] = [];
  readonly subscriptions: { fromPosition: unknown; subscription: FakeSubscription }[] = [];
  readonly readAllCalls: unknown[] = [];
  appendAnswer: () => unknown = () => ({ success: true, nextExpectedRevision: 0n, position: at(100n) });
  log: LogEntry[] = [];
  disposed = false;

  async appendToStream(stream: string, _events: unknown[], options: { expectedRevision: unknown }) {
    this.appends.push({ stream, expectedRevision: options.expectedRevision });
    return this.appendAnswer();
  }

  readAll(options: { fromPosition: unknown; maxCount: number; direction: string }) {
    this.readAllCalls.push(options.fromPosition);
    const log = options.direction === BACKWARDS ? [...this.log].reverse() : this.log;
    const from = options.fromPosition;
    const selected = log
      .filter((e) => (options.direction === FORWARDS ? afterPosition(e.position, from) : from === END || e.position.commit <= (from as Position).commit))
      .slice(0, options.maxCount);
    return (async function* () {
      for (const entry of selected) yield { event: recorded(entry) };
    })();
  }

  subscribeToAll(options: { fromPosition: unknown }) {
    const subscription = new FakeSubscription();
    this.subscriptions.push({ fromPosition: options.fromPosition, subscription });
    return subscription;
  }

  async dispose() {
    this.disposed = true;
  }
}

function open(): { client: FakeClient; store: EventStoreDbEventStore } {
  const client = new FakeClient();
  return { client, store: new EventStoreDbEventStore(client as unknown as EventStoreDBClient) };
}

describe('EventStoreDB adapter (scripted client)', () => {
  describe('expected revisions', () => {
    it.each([
      ['any', ANY],
      ['no_stream', NO_STREAM],
      [-1, NO_STREAM],
      ['stream_exists', STREAM_EXISTS],
      [0, 0n],
      [41, 41n],
    ] as const)('sends our %p to the client as %p', async (ours, theirs) => {
      const { client, store } = open();
      await store.appendToStream('episode-1', [newEvent()], { expectedRevision: ours });
      expect(client.appends).toEqual([{ stream: 'episode-1', expectedRevision: theirs }]);
    });

    it("answers the client's next revision and commit position as ours", async () => {
      const { client, store } = open();
      client.appendAnswer = () => ({ success: true, nextExpectedRevision: 7n, position: at(4242n) });
      const result = await store.appendToStream('episode-1', [newEvent()], { expectedRevision: 6 });
      expect(result.nextExpectedRevision).toBe(7);
      expect(result.lastPosition).toBe(4242n);
      expect(result.records.map((r) => [r.revision, r.position])).toEqual([[7, 4242n]]);
    });

    it.each([
      ['no_stream' as const, -1],
      [4n, 4],
    ])("turns the client's wrong-expected-version (actual %p) into ours (actual %p)", async (current, actual) => {
      const { client, store } = open();
      client.appendAnswer = () => {
        throw new WrongExpectedVersionError(undefined, { streamName: 'episode-1', expected: 2n, current });
      };
      const failure = store.appendToStream('episode-1', [newEvent()], { expectedRevision: 2 });
      await expect(failure).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(failure).rejects.toMatchObject({ streamId: 'episode-1', expected: 2, actual });
    });
  });

  it('reads $all strictly after a position, without system events, in batches of the requested size', async () => {
    const { client, store } = open();
    client.log = [
      { streamId: 'episode-1', type: 'AssignmentStarted', position: at(5n) },
      { streamId: 'episode-1', type: 'FeeCharged', position: at(10n) },
      { streamId: '$stats-127.0.0.1:2113', type: '$statsCollected', position: at(15n) },
      { streamId: 'episode-2', type: 'AssignmentStarted', position: at(20n) },
      { streamId: 'episode-2', type: 'FeeCharged', position: at(25n) },
      { streamId: 'episode-1', type: 'MessageSent', position: at(30n) },
    ];
    const batches: bigint[][] = [];
    for await (const batch of store.readAll({ after: 10n, batchSize: 2 })) batches.push(batch.map((e) => e.position));
    expect(batches).toEqual([[20n, 25n], [30n]]);
    expect(client.readAllCalls[0]).toEqual(at(10n)); // the read starts at the position itself, which is skipped

    const everything: bigint[] = [];
    for await (const batch of store.readAll()) everything.push(...batch.map((e) => e.position));
    expect(everything).toEqual([5n, 10n, 20n, 25n, 30n]);
    expect(await store.headPosition()).toBe(30n);
  });

  describe('catch-up subscription', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('tells listeners of new events, and after a drop resubscribes from the last event it saw', async () => {
      const { client, store } = open();
      const heard: bigint[] = [];
      store.onAppended((p) => heard.push(p));
      expect(client.subscriptions.map((s) => s.fromPosition)).toEqual([END]);

      const first = client.subscriptions[0].subscription;
      first.emit('confirmation');
      first.deliver({ streamId: 'episode-1', type: 'AssignmentStarted', position: at(10n) });
      first.deliver({ streamId: '$settings', type: '$metadata', position: at(11n) }); // not ours
      first.deliver({ streamId: 'episode-1', type: 'FeeCharged', position: at(12n) });
      expect(heard).toEqual([10n, 12n]);

      first.emit('error', new Error('connection dropped'));
      expect(first.unsubscribed).toBe(true);
      jest.advanceTimersByTime(100);
      expect(client.subscriptions).toHaveLength(2);
      expect(client.subscriptions[1].fromPosition).toEqual(at(12n));

      first.deliver({ streamId: 'episode-1', type: 'MessageSent', position: at(13n) }); // the dropped one is ignored
      const second = client.subscriptions[1].subscription;
      second.deliver({ streamId: 'episode-1', type: 'MessageSent', position: at(14n) });
      expect(heard).toEqual([10n, 12n, 14n]);

      second.emit('close'); // an ended stream counts as a drop too
      jest.advanceTimersByTime(200);
      expect(client.subscriptions).toHaveLength(3);
      expect(client.subscriptions[2].fromPosition).toEqual(at(14n));
      await store.close();
    });

    it('backs off between repeated drops (100, 200, 400 ms), starts over after a confirmation, and stops resubscribing once closed', async () => {
      const { client, store } = open();
      store.onAppended(() => undefined);
      const drop = (n: number) => client.subscriptions[n - 1].subscription.emit('error', new Error('unavailable'));
      // Each wait is the one before doubled, as long as no subscription is confirmed between.
      for (const [n, wait] of [[1, 100], [2, 200], [3, 400]] as const) {
        drop(n);
        jest.advanceTimersByTime(wait - 1);
        expect(client.subscriptions).toHaveLength(n); // not yet
        jest.advanceTimersByTime(1);
        expect(client.subscriptions).toHaveLength(n + 1);
      }
      // A confirmed subscription resets the backoff.
      client.subscriptions[3].subscription.emit('confirmation');
      drop(4);
      jest.advanceTimersByTime(99);
      expect(client.subscriptions).toHaveLength(4);
      jest.advanceTimersByTime(1);
      expect(client.subscriptions).toHaveLength(5);

      const last = client.subscriptions[4].subscription;
      await store.close();
      expect(last.unsubscribed).toBe(true);
      expect(client.disposed).toBe(true);
      last.emit('error', new Error('after close'));
      jest.advanceTimersByTime(60_000); // past the longest backoff
      expect(client.subscriptions).toHaveLength(5);
    });

    it('drops a pending resubscription when closed during the backoff', async () => {
      const { client, store } = open();
      store.onAppended(() => undefined);
      client.subscriptions[0].subscription.emit('error', new Error('unavailable'));
      await store.close();
      jest.advanceTimersByTime(60_000);
      expect(client.subscriptions).toHaveLength(1);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
