// No figure for fewer than 5 patients: small cells are hidden, and so is the next smallest
// part of a shown sum whose hidden parts would otherwise be worked out from the rest.
import { MIN_PATIENTS, SUPPRESSED, cellStats, suppress } from '../../src/projections/small-cells';

const cells = (o: Record<string, number>) => new Map(Object.entries(o));

describe('small-cell suppression', () => {
  it('says "fewer than 5" and hides 1 to 4 patients, never 0 or 5', () => {
    expect([SUPPRESSED, MIN_PATIENTS]).toEqual(['fewer than 5', 5]);
    expect([...suppress(cells({ a: 0, b: 1, c: 4, d: 5, e: 40 }), [])].sort()).toEqual(['b', 'c']);
  });

  it('hides the smallest shown part too when a shown total would give a small hidden part away', () => {
    // 12 = 3 + 9: the total minus 9 would show the 3.
    expect([...suppress(cells({ t: 12, a: 3, b: 9 }), [{ total: 't', parts: ['a', 'b'] }])].sort()).toEqual(['a', 'b']);
    // 20 = 2 + 3 + 6 + 9: the hidden 2 and 3 together are 5, enough.
    expect([...suppress(cells({ t: 20, a: 2, b: 3, c: 6, d: 9 }), [{ total: 't', parts: ['a', 'b', 'c', 'd'] }])].sort()).toEqual(['a', 'b']);
    // 15 = 1 + 0 + 6 + 8: the empty part hides nothing, so the 6 goes.
    expect([...suppress(cells({ t: 15, a: 1, b: 0, c: 6, d: 8 }), [{ total: 't', parts: ['a', 'b', 'c', 'd'] }])].sort()).toEqual(['a', 'c']);
  });

  it('follows the sums until every one holds, across levels', () => {
    // Region R = unit U + unit V; U = U1 + U2. V (2) is small, so U goes too; then U1 + U2
    // would add up to U (and R - U to V), so one of U's parts goes as well.
    const hidden = suppress(cells({ R: 14, U: 12, V: 2, U1: 6, U2: 6 }), [
      { total: 'R', parts: ['U', 'V'] },
      { total: 'U', parts: ['U1', 'U2'] },
    ]);
    expect([...hidden].sort()).toEqual(['U', 'U1', 'V']);
    // Within U, one part of 4 hidden forces the other part; then R = U + V holds.
    const deeper = suppress(cells({ R: 30, U: 10, V: 20, U1: 4, U2: 6 }), [
      { total: 'R', parts: ['U', 'V'] },
      { total: 'U', parts: ['U1', 'U2'] },
    ]);
    expect([...deeper].sort()).toEqual(['U1', 'U2']);
  });

  it('summarises a cell by its mean and median', () => {
    expect(cellStats([])).toEqual({ mean: null, median: null });
    expect(cellStats([3, -1, 2])).toEqual({ mean: 4 / 3, median: 2 });
    expect(cellStats([4, 1, 2, 3])).toEqual({ mean: 2.5, median: 2.5 });
  });
});
