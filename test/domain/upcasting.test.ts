// Schema evolution: a stored event of an older schema version is lifted to the current shape
// on read, step by step; the stored event itself is never changed.
import { upcast, type StoredShape, type Upcaster } from '../../src/domain/upcasters';
import { EPISODE_EVENT_VERSIONS, EpisodeEvent } from '../../src/domain/episode/events';
import { deepFreeze } from './decider-specification';

const AT = '2026-11-22T09:00:00.000Z';

describe('upcasting a stored event', () => {
  it('lifts FeeCharged v1 to v2 with the currency SEK, which the current schema takes', () => {
    const stored = deepFreeze({ type: 'FeeCharged', schemaVersion: 1, data: { amountSek: 200, at: AT } });
    const current = upcast(stored);
    expect(current).toEqual({ type: 'FeeCharged', schemaVersion: 2, data: { amountSek: 200, currency: 'SEK', at: AT } });
    expect(current.schemaVersion).toBe(EPISODE_EVENT_VERSIONS.FeeCharged);
    expect(EpisodeEvent.safeParse({ type: current.type, data: current.data }).success).toBe(true);
  });

  it('leaves the stored event as it was', () => {
    const stored = { type: 'FeeCharged', schemaVersion: 1, data: { amountSek: 200, at: AT } };
    upcast(stored);
    expect(stored).toEqual({ type: 'FeeCharged', schemaVersion: 1, data: { amountSek: 200, at: AT } });
  });

  it('returns an event of the current version as it is', () => {
    const current = { type: 'FeeCharged', schemaVersion: 2, data: { amountSek: 200, currency: 'SEK', at: AT } };
    expect(upcast(current)).toBe(current);
    const other = { type: 'PartCompleted', schemaVersion: 1, data: { moduleId: 'hip-knee', partId: 'hk-pain', at: AT } };
    expect(upcast(other)).toBe(other);
  });

  it('runs a chain of steps in order until no step is registered', () => {
    const registry: Record<string, Upcaster> = {
      'Example@1': (data) => ({ ...data, steps: ['1->2'] }),
      'Example@2': (data) => ({ ...data, steps: [...(data.steps as string[]), '2->3'] }),
    };
    const stored: StoredShape = { type: 'Example', schemaVersion: 1, data: { value: 7 } };
    expect(upcast(stored, registry)).toEqual({ type: 'Example', schemaVersion: 3, data: { value: 7, steps: ['1->2', '2->3'] } });
    expect(upcast({ ...stored, schemaVersion: 2, data: { steps: [] } }, registry)).toEqual({ type: 'Example', schemaVersion: 3, data: { steps: ['2->3'] } });
  });

  it('keeps the envelope\'s other fields', () => {
    const stored = { type: 'FeeCharged', schemaVersion: 1, data: { amountSek: 0, at: AT }, streamId: 'episode-1', revision: 1 };
    expect(upcast(stored)).toMatchObject({ streamId: 'episode-1', revision: 1, schemaVersion: 2 });
  });
});
