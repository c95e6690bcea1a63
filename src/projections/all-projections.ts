// The projections the app runs, in one list (a registry, not a re-exporting barrel).
import type { Projection } from './projection';
import { absenceNoticesProjection } from './absence-notices';
import { billingLedgerProjection } from './billing-ledger';
import { dashboardProjection } from './dashboard';
import { episodeProgressProjection } from './episode-progress';
import { journalObligationsProjection } from './journal-obligations';
import { messagesProjection } from './messages';
import { outcomesProjection } from './outcomes';
import { registryFollowUpsProjection } from './registry-follow-ups';

export const ALL_PROJECTIONS: readonly Projection[] = [
  dashboardProjection,
  episodeProgressProjection,
  messagesProjection,
  absenceNoticesProjection,
  billingLedgerProjection,
  journalObligationsProjection,
  outcomesProjection,
  registryFollowUpsProjection,
];

export const PROJECTION_NAMES = ALL_PROJECTIONS.map((p) => p.name);
