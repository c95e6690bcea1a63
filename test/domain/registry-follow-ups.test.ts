// The registry follow-up as a workflow: who may answer and how (staff from paper or phone at
// any time, the patient through 1177 inside the window), after the end, corrections as new
// events, the unit's window snapshotted at assignment, and measures on their instruments' scales.
import { episodeSpec, unitSpec } from './decider-specification';
import { GATEWAY_ID, NOW, THERAPIST_ID, UNIT_ID, assigned, asPatient, ended, episodeCompleted, obligationRaised, settingsWith, startAssignment } from './fixtures';
import { RecordRegistryFollowUp, type CommandOf } from '../../src/domain/episode/commands';
import type { EpisodeEvent, EventOf } from '../../src/domain/episode/events';

const episode = episodeSpec();
type Timepoint = CommandOf<'RecordRegistryFollowUp'>['data']['timepoint'];
const record = (timepoint: Timepoint, measures: CommandOf<'RecordRegistryFollowUp'>['data']['measures'], answeredVia?: 'paper' | 'phone' | '1177'): CommandOf<'RecordRegistryFollowUp'> => ({
  type: 'RecordRegistryFollowUp',
  data: { timepoint, measures, ...(answeredVia ? { answeredVia } : {}) },
});
type Correction = NonNullable<CommandOf<'RecordRegistryFollowUp'>['data']['correction']>;
const correct = (
  o: { timepoint?: Timepoint; measures?: CommandOf<'RecordRegistryFollowUp'>['data']['measures']; clear?: Correction['clear']; reason?: Correction['reason'] } = {},
): CommandOf<'RecordRegistryFollowUp'> => ({
  type: 'RecordRegistryFollowUp',
  data: {
    timepoint: o.timepoint ?? 'baseline',
    measures: o.measures ?? {},
    correction: { reason: o.reason ?? 'transcription-error', ...(o.clear ? { clear: o.clear } : {}) },
  },
});
const recorded = (timepoint: Timepoint, measures: EventOf<'RegistryFollowUpRecorded'>['data']['measures'], at = NOW): EventOf<'RegistryFollowUpRecorded'> => ({
  type: 'RegistryFollowUpRecorded',
  data: { timepoint, measures, answeredVia: 'paper', by: THERAPIST_ID, at },
});
/** Stockholm noon of a date, as an instant. */
const on = (date: string) => `${date}T11:00:00.000Z`;
const EQ5D = { mobility: 2, selfCare: 1, usualActivities: 3, painDiscomfort: 4, anxietyDepression: 1 };

describe('recording a follow-up: who answered and how', () => {
  it('records a paper or phone answer by staff, saying so', () => {
    episode
      .given(assigned())
      .when(record('baseline', { pain: 6, eq5d5l: EQ5D, eq5dIndex: 0.71, eqVas: 60 }, 'paper'))
      .then([{ type: 'RegistryFollowUpRecorded', data: { timepoint: 'baseline', measures: { pain: 6, eq5d5l: EQ5D, eq5dIndex: 0.71, eqVas: 60 }, answeredVia: 'paper', by: THERAPIST_ID, at: NOW } }]);
    episode.given(assigned()).when(record('baseline', { pain: 6 }, 'phone')).then(([e]) => expect(e).toMatchObject({ data: { answeredVia: 'phone' } }));
  });

  it('leaves the way out when staff do not say it (as in events written before it was kept)', () => {
    episode.given(assigned()).when(record('baseline', { pain: 6 })).then(([e]) => expect(e!.data).not.toHaveProperty('answeredVia'));
  });

  it("records the patient's own answer through 1177 inside the window, by the gateway", () => {
    episode
      .given(assigned())
      .when(record('baseline', { pain: 7, eqVas: 40 }), asPatient())
      .then([{ type: 'RegistryFollowUpRecorded', data: { timepoint: 'baseline', measures: { pain: 7, eqVas: 40 }, answeredVia: '1177', by: GATEWAY_ID, at: NOW } }]);
    episode.given(assigned()).when(record('baseline', { pain: 7 }, '1177'), asPatient()).then(([e]) => expect(e).toMatchObject({ data: { answeredVia: '1177' } }));
  });

  it('lets the patient answer only through 1177, and staff only from paper or phone', () => {
    episode.given(assigned()).when(record('baseline', { pain: 7 }, 'paper'), asPatient()).thenThrows('INVALID_ANSWER', 'unacceptable');
    episode.given(assigned()).when(record('baseline', { pain: 7 }, '1177')).thenThrows('INVALID_ANSWER', 'unacceptable');
  });

  it('refuses a timepoint recorded before, and a follow-up without any measure', () => {
    episode.given([...assigned(), recorded('baseline', { pain: 6 })]).when(record('baseline', { pain: 5 }, 'paper')).thenThrows('FOLLOW_UP_ALREADY_RECORDED');
    episode.given([...assigned(), recorded('baseline', { pain: 6 })]).when(record('baseline', { pain: 5 }), asPatient()).thenThrows('FOLLOW_UP_ALREADY_RECORDED');
    episode.given(assigned()).when(record('3-months', {}, 'paper')).thenThrows('NO_MEASURES', 'unacceptable');
    episode.given([]).when(record('baseline', { pain: 5 }, 'paper')).thenThrows('NOT_FOUND');
  });
});

describe("the patient's window", () => {
  // Assigned 2026-11-22, access until 2027-02-22: 3 months due then, window 2027-02-08 to 2027-03-24.
  it('opens 14 days before the due date and closes 30 days after it, both days included', () => {
    episode.given(assigned()).when(record('3-months', { pain: 3 }), asPatient(on('2027-02-07'))).thenThrows('OCCASION_NOT_YET_OPEN');
    episode.given(assigned()).when(record('3-months', { pain: 3 }), asPatient('2027-02-07T23:00:00.000Z')).then(([e]) => expect(e!.type).toBe('RegistryFollowUpRecorded'));
    episode.given(assigned()).when(record('3-months', { pain: 3 }), asPatient('2027-03-24T22:59:00.000Z')).then(([e]) => expect(e!.type).toBe('RegistryFollowUpRecorded'));
    episode.given(assigned()).when(record('3-months', { pain: 3 }), asPatient('2027-03-24T23:00:00.000Z')).thenThrows('REPORT_WINDOW_CLOSED');
  });

  it('closes the baseline 30 days after assignment', () => {
    episode.given(assigned()).when(record('baseline', { pain: 6 }), asPatient(on('2026-12-22'))).then(([e]) => expect(e!.type).toBe('RegistryFollowUpRecorded'));
    episode.given(assigned()).when(record('baseline', { pain: 6 }), asPatient(on('2026-12-23'))).thenThrows('REPORT_WINDOW_CLOSED');
  });

  it('moves the 3-month window to the end when the episode ended before the access period did', () => {
    const endedEarly = [...assigned(), episodeCompleted(on('2027-01-10')), obligationRaised('end', 3)];
    episode.given(endedEarly).when(record('3-months', { pain: 3 }), asPatient(on('2027-02-09'))).then(([e]) => expect(e!.type).toBe('RegistryFollowUpRecorded'));
    episode.given(endedEarly).when(record('3-months', { pain: 3 }), asPatient(on('2027-02-10'))).thenThrows('REPORT_WINDOW_CLOSED');
  });

  it('opens the 12-month follow-up after the end, and the patient answers it on the ended episode', () => {
    episode.given(ended()).when(record('12-months', { pain: 2 }), asPatient(on('2027-11-07'))).thenThrows('OCCASION_NOT_YET_OPEN');
    episode.given(ended()).when(record('12-months', { pain: 2, satisfaction: 4 }), asPatient(on('2027-11-08'))).then(([e]) => expect(e).toMatchObject({ data: { timepoint: '12-months', answeredVia: '1177' } }));
    episode.given(ended()).when(record('12-months', { pain: 2 }), asPatient(on('2027-12-23'))).thenThrows('REPORT_WINDOW_CLOSED');
  });

  it('does not hold staff, who record a late or early paper answer, also after the end', () => {
    episode.given(assigned()).when(record('3-months', { pain: 3 }, 'paper'), { now: on('2027-06-01') }).then(([e]) => expect(e!.type).toBe('RegistryFollowUpRecorded'));
    episode.given(ended()).when(record('12-months', { pain: 2 }, 'phone'), { now: on('2028-03-01') }).then(([e]) => expect(e!.type).toBe('RegistryFollowUpRecorded'));
  });

  it("follows the unit's own window, snapshotted at assignment", () => {
    const narrow = assigned({ followUpWindow: { daysBefore: 0, daysAfter: 7 } });
    episode.given(narrow).when(record('baseline', { pain: 6 }), asPatient(on('2026-11-29'))).then(([e]) => expect(e!.type).toBe('RegistryFollowUpRecorded'));
    episode.given(narrow).when(record('baseline', { pain: 6 }), asPatient(on('2026-11-30'))).thenThrows('REPORT_WINDOW_CLOSED');
    episode.given(narrow).when(record('3-months', { pain: 6 }), asPatient(on('2027-02-21'))).thenThrows('OCCASION_NOT_YET_OPEN');
  });
});

describe('the window at assignment', () => {
  it("snapshots the unit's own window in the assignment, and nothing when the unit keeps the default", () => {
    const window = { daysBefore: 7, daysAfter: 21 };
    episode.given([]).when(startAssignment(), { settings: settingsWith({ followUpWindow: window }) }).then(([a, , ], after) => {
      expect(a).toMatchObject({ type: 'AssignmentStarted', data: { followUpWindow: window } });
      expect(after.followUpWindow).toEqual(window);
    });
    episode.given([]).when(startAssignment()).then(([a], after) => {
      expect(a!.data).not.toHaveProperty('followUpWindow');
      expect(after).not.toHaveProperty('followUpWindow');
    });
  });

  it('is a unit setting, validated', () => {
    const change = (followUpWindow: unknown) => ({ type: 'ChangeUnitSettings' as const, data: { unitId: UNIT_ID, settings: { followUpWindow } as never } });
    unitSpec().given([]).when(change({ daysBefore: 7, daysAfter: 21 })).then(([e]) => expect(e).toMatchObject({ data: { settings: { followUpWindow: { daysBefore: 7, daysAfter: 21 } } } }));
    unitSpec().given([]).when(change({ daysBefore: -1, daysAfter: 21 })).thenThrows('INVALID_SETTINGS');
    unitSpec().given([]).when(change({ daysBefore: 7, daysAfter: 400 })).thenThrows('INVALID_SETTINGS');
  });
});

describe('measures on their instruments’ scales', () => {
  const parses = (measures: unknown) => RecordRegistryFollowUp.safeParse({ type: 'RecordRegistryFollowUp', data: { timepoint: 'baseline', measures } }).success;

  it('takes pain NRS 0-10 in whole numbers, EQ VAS 0-100, EQ-5D-5L five dimensions 1-5 beside the index as reported', () => {
    expect(parses({ pain: 0, eqVas: 100, eq5d5l: EQ5D, eq5dIndex: -0.2, satisfaction: 5, selfEfficacy: 7.5, physicalActivityDays: 7 })).toBe(true);
    expect(parses({ pain: 10, eqVas: 0, eq5dIndex: 1 })).toBe(true);
    for (const bad of [
      { pain: 11 }, { pain: -1 }, { pain: 6.5 }, { eqVas: 101 }, { eqVas: 55.5 }, { eq5dIndex: 1.01 },
      { eq5d5l: { ...EQ5D, mobility: 0 } }, { eq5d5l: { ...EQ5D, selfCare: 6 } }, { eq5d5l: { ...EQ5D, painDiscomfort: 2.5 } },
      { eq5d5l: { mobility: 1, selfCare: 1, usualActivities: 1, painDiscomfort: 1 } }, { eq5d5l: { ...EQ5D, vision: 1 } },
      { satisfaction: 6 }, { physicalActivityDays: 8 }, { walkingSpeed: 3 },
    ])
      expect([bad, parses(bad)]).toEqual([bad, false]);
  });
});

describe('correcting a recorded follow-up', () => {
  const history: EpisodeEvent[] = [...assigned(), recorded('baseline', { pain: 6, eqVas: 60, eq5d5l: EQ5D })];

  it('is a new event naming what it corrects and each value it changes, by whom and when', () => {
    const later = on('2026-11-25');
    episode
      .given(history)
      .when(correct({ measures: { pain: 5, eqVas: 60 }, reason: 'transcription-error' }), { now: later })
      .then([
        {
          type: 'RegistryFollowUpRecorded',
          data: {
            timepoint: 'baseline',
            measures: { pain: 5, eqVas: 60, eq5d5l: EQ5D },
            correction: { correctsRevision: 3, changes: [{ measure: 'pain', from: 6, to: 5 }], reason: 'transcription-error' },
            by: THERAPIST_ID,
            at: later,
          },
        },
      ]);
  });

  it('leaves the recording as it was and folds the corrected values, counting the corrections', () => {
    episode.given(history).when(correct({ measures: { eq5d5l: { ...EQ5D, mobility: 3 } }, clear: ['eqVas'] })).then(([e], after) => {
      expect(e).toMatchObject({ data: { correction: { changes: [{ measure: 'eqVas', from: 60, to: null }, { measure: 'eq5d5l', from: EQ5D, to: { ...EQ5D, mobility: 3 } }] } } });
      expect(after.followUps.baseline).toEqual({ measures: { pain: 6, eq5d5l: { ...EQ5D, mobility: 3 } }, revision: 4, answeredVia: 'paper', by: THERAPIST_ID, at: NOW, corrections: 1 });
    });
    expect(history[3]).toEqual(recorded('baseline', { pain: 6, eqVas: 60, eq5d5l: EQ5D }));
  });

  it('names the previous correction when it corrects again', () => {
    const once: EpisodeEvent = {
      type: 'RegistryFollowUpRecorded',
      data: { timepoint: 'baseline', measures: { pain: 5, eqVas: 60, eq5d5l: EQ5D }, correction: { correctsRevision: 3, changes: [{ measure: 'pain', from: 6, to: 5 }], reason: 'other' }, by: THERAPIST_ID, at: NOW },
    };
    episode.given([...history, once]).when(correct({ measures: { pain: 4 } })).then(([e], after) => {
      expect(e).toMatchObject({ data: { correction: { correctsRevision: 4, changes: [{ measure: 'pain', from: 5, to: 4 }] } } });
      expect(after.followUps.baseline).toMatchObject({ revision: 5, corrections: 2 });
    });
  });

  it('writes nothing when nothing changes', () => {
    episode.given(history).when(correct({ measures: { pain: 6, eq5d5l: { ...EQ5D } } })).thenNothingHappened();
  });

  it('is for staff: the patient cannot correct, and a correction keeps how the answer came', () => {
    episode.given(history).when(correct({ measures: { pain: 2 } }), asPatient()).thenThrows('INVALID_ANSWER', 'unacceptable');
    const via: CommandOf<'RecordRegistryFollowUp'> = { ...correct({ measures: { pain: 2 } }), data: { ...correct({ measures: { pain: 2 } }).data, answeredVia: 'phone' } };
    episode.given(history).when(via).thenThrows('INVALID_ANSWER', 'unacceptable');
  });

  it('refuses to correct what was never recorded, to clear every measure, or to correct and clear one measure', () => {
    episode.given(history).when(correct({ timepoint: '3-months', measures: { pain: 2 } })).thenThrows('NOT_FOUND');
    episode.given(history).when(correct({ clear: ['pain', 'eqVas', 'eq5d5l'] })).thenThrows('NO_MEASURES', 'unacceptable');
    episode.given(history).when(correct({ measures: { pain: 2 }, clear: ['pain'] })).thenThrows('INVALID_ANSWER', 'unacceptable');
    episode.given([]).when(correct({ measures: { pain: 2 } })).thenThrows('NOT_FOUND');
  });

  it('stays possible after the end', () => {
    episode.given([...ended(), recorded('3-months', { pain: 3 })]).when(correct({ timepoint: '3-months', measures: { pain: 2 } })).then(([e]) => expect(e).toMatchObject({ type: 'RegistryFollowUpRecorded', data: { correction: { reason: 'transcription-error' } } }));
  });
});
