// The "how good" part of `GET /reports/outcomes`: registry coverage, change from baseline,
// satisfaction, by adherence band and by outcome, per unit and month and for the region;
// any cell of fewer than 5 patients says so instead of a figure.
import { z } from 'zod';
import { OutcomesView } from '../system/report-answers';
import { Month } from '../system/answer-fields';

const Hidden = z.object({ suppressed: z.literal('fewer than 5') }).meta({ description: 'Fewer than 5 patients (or a cell that would let one be worked out): no figure.' });
const share = z.number().min(0).max(1).nullable();

const ChangeCell = z.union([
  z.object({
    patients: z.number().int().min(0).meta({ example: 24 }),
    meanChange: z.number().nullable().meta({ description: 'Later value minus baseline.', example: -1.8 }),
    medianChange: z.number().nullable().meta({ example: -2 }),
    improvedShare: share.meta({ description: 'Pain: at least 2 points lower; EQ-5D index and EQ VAS: higher.', example: 0.54 }),
  }),
  Hidden,
]);
const ScoreCell = z.union([z.object({ patients: z.number().int().min(0), mean: z.number().nullable(), median: z.number().nullable() }), Hidden]);
const CoverageCell = z.union([
  z.object({
    eligible: z.number().int().min(0).meta({ description: 'Episodes whose window has opened (or that recorded it early).', example: 30 }),
    recorded: z.number().int().min(0).meta({ example: 24 }),
    share: share.meta({ example: 0.8 }),
  }),
  Hidden,
]);
const Changes = z.object({ pain: ChangeCell, eq5dIndex: ChangeCell, eqVas: ChangeCell });
const ResultSet = z.object({
  change: z.object({ threeMonths: Changes, twelveMonths: Changes }),
  satisfaction: z.object({ threeMonths: ScoreCell, twelveMonths: ScoreCell }).meta({ description: 'Satisfaction 1-5 at the follow-up.' }),
});
export const OutcomeResults = ResultSet.extend({
  coverage: z.object({ baseline: CoverageCell, threeMonths: CoverageCell, twelveMonths: CoverageCell }),
  byAdherence: z
    .object({ 'under-50': ResultSet, '50-79': ResultSet, '80-plus': ResultSet, 'no-plan': ResultSet })
    .meta({ description: 'By activity-plan adherence: under 50 %, 50-79 %, 80 % and over, and no plan (or no occasion due yet).' }),
  byOutcome: z.object({ completed: ResultSet, abandoned: ResultSet, active: ResultSet }),
});

const Line = OutcomesView.shape.lines.element;

/** `GET /reports/outcomes` with the results (no personal data). */
export const OutcomesReport = OutcomesView.extend({
  lines: z.array(Line.extend({ results: OutcomeResults })),
  region: z.array(z.object({ month: Month, results: OutcomeResults })).meta({ description: 'Every unit together, per month of assignment, whatever the unit filter.' }),
});
