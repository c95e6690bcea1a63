import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import { StoreUnavailableError } from '../../src/event-store/event-store';
import { EventStoreDbEventStore, toEsdbExpected } from '../../src/event-store/eventstoredb-event-store';
import { describeEventStoreContract } from './event-store.contract';

const url = process.env.EVENTSTOREDB_URL;
// These suites need an EventStoreDB server, which cannot be installed on every machine
// (not on the development one). Without EVENTSTOREDB_URL they are skipped, not failed.
const describeIfEsdb = url ? describe : describe.skip;
if (!url) {
  console.log('EventStoreDB event-store suites were NOT run: EVENTSTOREDB_URL is not set (e.g. esdb://localhost:2113?tls=false).');
}

describeIfEsdb('EventStoreDB event store', () => {
  describeEventStoreContract(
    'EventStoreDB',
    async () => {
      const store = await EventStoreDbEventStore.connect(url as string);
      return { store, cleanup: () => store.close() };
    },
    // One shared server: the log is not empty, and positions are log offsets.
    { startsEmpty: false, gaplessPositions: false, multiStream: false },
  );
});

// These need no server.
describe('EventStoreDB adapter without a server', () => {
  it('maps expected revisions to the client', () => {
    expect(toEsdbExpected('any')).toBe(ANY);
    expect(toEsdbExpected('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpected(-1)).toBe(NO_STREAM);
    expect(toEsdbExpected('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpected(0)).toBe(0n);
    expect(toEsdbExpected(41)).toBe(41n);
  });

  it('fails with StoreUnavailableError when the server cannot be reached', async () => {
    await expect(EventStoreDbEventStore.connect('esdb://127.0.0.1:1?tls=false')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
