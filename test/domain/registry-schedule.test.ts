// When the quality-registry follow-ups (BOA / Svenska Artrosregistret) are due: baseline at
// assignment, 3 months at the end of the access period or of the episode (whichever is
// first), 12 months after assignment; each with a window from the unit's settings.
import { followUpSchedule, followUpStatus, scheduledFollowUp, type FollowUpFacts } from '../../src/domain/registry/follow-up-schedule';
import { DEFAULT_FOLLOW_UP_WINDOW } from '../../src/domain/rules';

const facts = (o: Partial<FollowUpFacts> = {}): FollowUpFacts => ({ assignedOn: '2026-11-22', accessUntil: '2027-02-22', endedOn: null, ...o });

describe('follow-up due dates and windows', () => {
  it('are due at assignment, at the end of the access period and twelve months after assignment, 14 days before to 30 after', () => {
    expect(DEFAULT_FOLLOW_UP_WINDOW).toEqual({ daysBefore: 14, daysAfter: 30 });
    expect(followUpSchedule(facts())).toEqual([
      // The baseline window cannot open before the episode exists.
      { timepoint: 'baseline', dueOn: '2026-11-22', opensOn: '2026-11-22', closesOn: '2026-12-22' },
      { timepoint: '3-months', dueOn: '2027-02-22', opensOn: '2027-02-08', closesOn: '2027-03-24' },
      { timepoint: '12-months', dueOn: '2027-11-22', opensOn: '2027-11-08', closesOn: '2027-12-22' },
    ]);
  });

  it('moves the 3-month follow-up to the end when the episode ends before the access period does', () => {
    expect(scheduledFollowUp(facts({ endedOn: '2027-01-10' }), '3-months')).toEqual({ timepoint: '3-months', dueOn: '2027-01-10', opensOn: '2026-12-27', closesOn: '2027-02-09' });
    // Ended on the day itself or later: the end of the access period is first.
    expect(scheduledFollowUp(facts({ endedOn: '2027-02-22' }), '3-months').dueOn).toBe('2027-02-22');
    expect(scheduledFollowUp(facts({ endedOn: '2027-03-15' }), '3-months').dueOn).toBe('2027-02-22');
  });

  it('keeps the 12-month follow-up twelve months after assignment whatever the end', () => {
    expect(scheduledFollowUp(facts({ endedOn: '2026-11-23' }), '12-months').dueOn).toBe('2027-11-22');
    // A leap day falls back to the last day of February.
    expect(scheduledFollowUp(facts({ assignedOn: '2028-02-29', accessUntil: '2028-05-29' }), '12-months').dueOn).toBe('2029-02-28');
  });

  it("uses the unit's own window when the assignment carried one", () => {
    expect(followUpSchedule(facts({ window: { daysBefore: 0, daysAfter: 7 } }))).toEqual([
      { timepoint: 'baseline', dueOn: '2026-11-22', opensOn: '2026-11-22', closesOn: '2026-11-29' },
      { timepoint: '3-months', dueOn: '2027-02-22', opensOn: '2027-02-22', closesOn: '2027-03-01' },
      { timepoint: '12-months', dueOn: '2027-11-22', opensOn: '2027-11-22', closesOn: '2027-11-29' },
    ]);
  });
});

describe('follow-up status on a day', () => {
  const threeMonths = scheduledFollowUp(facts(), '3-months');

  it('is upcoming before the window, due inside it (both ends included) and overdue after it', () => {
    expect(followUpStatus(threeMonths, '2027-02-07', false)).toBe('upcoming');
    expect(followUpStatus(threeMonths, '2027-02-08', false)).toBe('due');
    expect(followUpStatus(threeMonths, '2027-03-24', false)).toBe('due');
    expect(followUpStatus(threeMonths, '2027-03-25', false)).toBe('overdue');
  });

  it('is recorded once recorded, whenever that is', () => {
    for (const today of ['2026-11-22', '2027-02-22', '2030-01-01']) expect(followUpStatus(threeMonths, today, true)).toBe('recorded');
  });
});
