// Schema evolution: a stored episode of old schema versions (a fixture written before
// FeeCharged v2 existed) still replays to the same states, with its events upcast on read.
import fixture from './fixtures/episode-schema-v1.json';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store';
import { buildTimeline, diff } from '../../src/app/timeline/timeline';
import { EPISODE_EVENT_VERSIONS } from '../../src/domain/episode/events';
import { upcast, UPCASTERS } from '../../src/domain/upcasters';
import { initialState } from '../../src/domain/episode/state';

async function storeWithFixture() {
  const store = new SqliteEventStore(':memory:');
  await store.appendToStream(
    `episode-${fixture.episodeId}`,
    fixture.events.map((e) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata as never })),
    { expectedRevision: 'no_stream' },
  );
  return store;
}

describe('stored events of old schema versions', () => {
  it('the fixture holds FeeCharged v1, an old version', () => {
    expect(fixture.events.find((e) => e.type === 'FeeCharged')).toEqual(expect.objectContaining({ schemaVersion: 1, data: { amountSek: 200, at: expect.any(String) } }));
    expect(EPISODE_EVENT_VERSIONS.FeeCharged).toBe(2);
  });

  it('replay to the same state at every revision after the upcaster was added', async () => {
    const store = await storeWithFixture();
    const timeline = buildTimeline(fixture.episodeId, await store.readStream(`episode-${fixture.episodeId}`));
    expect(timeline.integrity).toEqual({ ok: true, problems: [] });
    expect(timeline.entries.map((e) => e.state)).toEqual(fixture.statesAfterEachEvent);
    await store.close();
  });

  it('show the upcast event in its current shape, and the version it was stored as', async () => {
    const store = await storeWithFixture();
    const fee = buildTimeline(fixture.episodeId, await store.readStream(`episode-${fixture.episodeId}`)).entries.find((e) => e.type === 'FeeCharged')!;
    expect(fee).toEqual(expect.objectContaining({ schemaVersion: 2, storedSchemaVersion: 1, data: expect.objectContaining({ amountSek: 200, currency: 'SEK' }) }));
    // The store itself is never rewritten.
    expect((await store.readStream(`episode-${fixture.episodeId}`))[1]!.schemaVersion).toBe(1);
    await store.close();
  });

  it('upcasters chain until the current version and leave current events alone', () => {
    const registry = { 'X@1': (d: Readonly<Record<string, unknown>>) => ({ ...d, b: 1 }), 'X@2': (d: Readonly<Record<string, unknown>>) => ({ ...d, c: 2 }) };
    expect(upcast({ type: 'X', schemaVersion: 1, data: { a: 0 } }, registry)).toEqual({ type: 'X', schemaVersion: 3, data: { a: 0, b: 1, c: 2 } });
    const current = { type: 'FeeCharged', schemaVersion: 2, data: { amountSek: 200, currency: 'SEK', at: 'x' } };
    expect(upcast(current)).toBe(current);
    // Every upcaster lifts a version below the current one.
    for (const key of Object.keys(UPCASTERS)) {
      const [type, from] = key.split('@') as [keyof typeof EPISODE_EVENT_VERSIONS, string];
      expect(Number(from)).toBeLessThan(EPISODE_EVENT_VERSIONS[type]);
    }
  });
});

describe('the fixture keeps every old version', () => {
  // One stored event per (type, old version) that an upcaster lifts: adding an upcaster without its fixture fails here.
  it('holds a stored event of every version an upcaster lifts', () => {
    const stored = new Set(fixture.events.map((e) => `${e.type}@${e.schemaVersion}`));
    for (const key of Object.keys(UPCASTERS)) expect(stored).toContain(key);
  });

  // The timeline reads as it did before the upcaster: each entry's changes are those between the states recorded
  // with the fixture (before FeeCharged v2 existed), and its data is the stored data, the upcast event's plus the new field only.
  it('shows the same changes and data as before the upcaster was added', async () => {
    const store = await storeWithFixture();
    const entries = buildTimeline(fixture.episodeId, await store.readStream(`episode-${fixture.episodeId}`)).entries;
    const before = fixture.statesAfterEachEvent as Record<string, unknown>[];
    entries.forEach((entry, i) => {
      const { revision: _a, ...previous } = i === 0 ? initialState() : (before[i - 1]! as { revision: number });
      const { revision: _b, ...next } = before[i]! as { revision: number };
      expect(entry.changes).toEqual(diff(previous, next));
      const storedEvent = fixture.events[i]!;
      expect(entry.data).toEqual(storedEvent.type === 'FeeCharged' ? { ...storedEvent.data, currency: 'SEK' } : storedEvent.data);
    });
    await store.close();
  });
});
