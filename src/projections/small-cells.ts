// Small-cell suppression for health statistics: no figure is shown for fewer than 5
// patients. Primary: a cell of 1 to 4 patients is hidden (0 is shown: it tells nothing
// about anyone). Complementary, for every sum (a total and its parts): when the total is
// shown, the hidden parts together hold 0 or at least 5 patients, else the total minus the
// shown parts would give them away; when the total is hidden, not all its parts are shown,
// else they would add up to it. The smallest shown non-empty part is hidden next, until
// every sum holds.

/** What a hidden cell says. */
export const SUPPRESSED = 'fewer than 5';
export const MIN_PATIENTS = 5;

export interface Relation {
  readonly total: string;
  readonly parts: readonly string[];
}

/** The cells to hide, given each cell's patients and the sums between them. */
export function suppress(patients: ReadonlyMap<string, number>, relations: readonly Relation[]): Set<string> {
  const n = (key: string) => patients.get(key) ?? 0;
  const hidden = new Set([...patients].filter(([, count]) => count > 0 && count < MIN_PATIENTS).map(([key]) => key));
  for (let changed = true; changed; ) {
    changed = false;
    for (const { total, parts } of relations) {
      const inHidden = parts.filter((p) => hidden.has(p)).reduce((sum, p) => sum + n(p), 0);
      const holds = hidden.has(total) ? n(total) === 0 || parts.some((p) => hidden.has(p) && n(p) > 0) : inHidden === 0 || inHidden >= MIN_PATIENTS;
      if (holds) continue;
      const next = parts.filter((p) => !hidden.has(p) && n(p) > 0).sort((a, b) => n(a) - n(b) || a.localeCompare(b))[0];
      if (next === undefined && hidden.has(total)) continue;
      hidden.add(next ?? total);
      changed = true;
    }
  }
  return hidden;
}

export interface CellStats {
  readonly mean: number | null;
  readonly median: number | null;
}

export function cellStats(xs: readonly number[]): CellStats {
  if (xs.length === 0) return { mean: null, median: null };
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2 };
}
