// Fresh ids are ULIDs: 26 Crockford base-32 characters, time-ordered, and not repeated.
import { decodeTime, isValid } from 'ulid';
import { newId } from '../../src/app/ids';

describe('fresh ids', () => {
  it('are valid ULIDs carrying the current time, all different over many draws (pool refills included)', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(ids.every((id) => isValid(id) && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(decodeTime(ids[0]!)).toBeGreaterThanOrEqual(before);
    // The random part uses every character of the alphabet: the pooled bytes are not stuck.
    expect(new Set(ids.flatMap((id) => [...id.slice(10)])).size).toBe(32);
  });
});
