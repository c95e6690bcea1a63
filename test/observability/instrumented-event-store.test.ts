// The store wrapper is transparent: the event-store contract suite, multi-stream appends
// included, passes through it (with telemetry recording), as it does on the bare adapter.
import { InstrumentedEventStore } from '../../src/app/observability/instrumented-event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import type { EventStore } from '../../src/event-store/event-store';
import { describeEventStoreContract } from '../event-store/event-store.contract';
import { startTestTelemetry, type TestTelemetry } from './telemetry-harness';

let telemetry: TestTelemetry;
beforeAll(() => {
  telemetry = startTestTelemetry();
});
afterAll(async () => telemetry?.stop());

describeEventStoreContract(
  'SQLite :memory: through InstrumentedEventStore',
  async () => {
    const store = new InstrumentedEventStore(new SqliteEventStore(':memory:'), 'sqlite');
    return { store, cleanup: () => store.close() };
  },
  { gaplessPositions: true },
);

it('has appendToStreams exactly when the adapter has it (EventStoreDB has none)', async () => {
  const inner = new SqliteEventStore(':memory:');
  expect(typeof new InstrumentedEventStore(inner, 'sqlite').appendToStreams).toBe('function');
  const oneStreamOnly: EventStore = {
    appendToStream: (streamId, events, options) => inner.appendToStream(streamId, events, options),
    readStream: (streamId, options) => inner.readStream(streamId, options),
    readAll: (options) => inner.readAll(options),
    headPosition: () => inner.headPosition(),
    onAppended: (listener) => inner.onAppended(listener),
    close: () => inner.close(),
  };
  expect(new InstrumentedEventStore(oneStreamOnly, 'eventstoredb').appendToStreams).toBeUndefined();
  await inner.close();
});
