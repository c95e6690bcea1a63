// Dates that match YYYY-MM-DD but are no calendar date are refused as a rule, never thrown
// as a RangeError (which the HTTP edge would answer with a 500).
import { episodeSpec } from './decider-specification';
import { assigned } from './fixtures';
import { isValidDate } from '../../src/domain/shared/time';

describe('calendar dates', () => {
  it.each(['2026-13-01', '2026-00-10', '2026-02-30', '2026-04-31', '2025-02-29'])('%s is not a calendar date', (d) => {
    expect(isValidDate(d)).toBe(false);
  });
  it.each(['2026-01-31', '2028-02-29', '2026-12-31'])('%s is a calendar date', (d) => {
    expect(isValidDate(d)).toBe(true);
  });

  it('refuses an activity plan starting on month 13 with INVALID_SCHEDULE', () => {
    episodeSpec()
      .given(assigned())
      .when({ type: 'ActivatePlan', data: { schedule: { startDate: '2026-13-01' } } })
      .thenThrows('INVALID_SCHEDULE');
  });
});
