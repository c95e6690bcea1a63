// The outcomes report's "how good" part, joined to its "how many" lines: each unit-month
// line gets its results, and the region's months are added (src/projections/outcome-results.ts).
import { occasionsUntil } from '../../domain/episode/activity-plan';
import { noResults, queryOutcomeResults, type OutcomeResultsAnswer } from '../../projections/outcome-results';
import type { OutcomesLine } from '../../projections/outcomes';
import type { ReadModelDb } from '../../projections/read-model-schema';
import { MIN_PATIENTS } from '../../projections/small-cells';
import { REGISTRY_CALENDAR } from './registry-calendar';

export async function withRegistryResults(
  db: ReadModelDb,
  lines: readonly OutcomesLine[],
  filter: { readonly unitId?: string; readonly fromMonth?: string; readonly toMonth?: string; readonly today: string },
): Promise<{ lines: (OutcomesLine & { results: OutcomeResultsAnswer['lines'][number]['results'] })[]; region: OutcomeResultsAnswer['region'] }> {
  const answer = await queryOutcomeResults(db, {
    ...filter,
    calendar: REGISTRY_CALENDAR,
    dueOccasions: (schedule, lastDate) => occasionsUntil(schedule, lastDate).length,
  });
  const byLine = new Map(answer.lines.map((l) => [`${l.unitId}\u0000${l.month}`, l.results]));
  return {
    lines: lines.map((l) => ({ ...l, registry: withoutSmallMeans(l.registry), results: byLine.get(`${l.unitId}\u0000${l.month}`) ?? noResults() })),
    region: answer.region,
  };
}

/** The older pain means per timepoint: null for fewer than 5 patients, as every figure of the report. */
function withoutSmallMeans(registry: OutcomesLine['registry']): OutcomesLine['registry'] {
  const cell = (c: { count: number; meanPain: number | null }) => ({ count: c.count, meanPain: c.count < MIN_PATIENTS ? null : c.meanPain });
  return { baseline: cell(registry.baseline), threeMonths: cell(registry.threeMonths), twelveMonths: cell(registry.twelveMonths) };
}
