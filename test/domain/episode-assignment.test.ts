// "Starta momentet" and "Välkomsttext": StartAssignment and EditWelcomeText.
import { episodeSpec } from './decider-specification';
import {
  ACCESS_UNTIL,
  EPISODE_ID,
  NOW,
  PERSONNUMMER,
  STAND_IN_ID,
  THERAPIST_ID,
  UNIT_ID,
  ZV051_CODES,
  assigned,
  assignmentStarted,
  ended,
  settingsWith,
  startAssignment,
  unitAdmin,
} from './fixtures';
import { DEFAULT_WELCOME_TEXT } from '../../src/domain/rules';

const episode = episodeSpec();

describe('StartAssignment', () => {
  it('starts the episode, charges 200 SEK and raises the assignment journal obligation (GB020, ZV044, Artrosbehandling)', () => {
    episode
      .given([])
      .when(startAssignment())
      .then([
        {
          type: 'AssignmentStarted',
          data: {
            episodeId: EPISODE_ID,
            unitId: UNIT_ID,
            patient: { personnummer: '191212121212', kind: 'personnummer', birthDate: '1912-12-12' },
            therapistId: THERAPIST_ID,
            assignedBy: THERAPIST_ID,
            diagnosis: { code: 'M17.1', examinedBy: THERAPIST_ID, examinedOn: null },
            welcomeText: DEFAULT_WELCOME_TEXT,
            accessUntil: '2027-02-22',
            warnings: [],
            journalCodes: {
              assignment: ['GB020', 'ZV044'],
              'completed-school': ['GB020', 'ZV044'],
              conversation: ['GB020', 'ZV044'],
              end: ['GB020', 'ZV044'],
            },
            at: NOW,
          },
        },
        { type: 'FeeCharged', data: { amountSek: 200, currency: 'SEK', at: NOW } },
        {
          type: 'JournalObligationRaised',
          data: {
            obligationId: 'assignment',
            trigger: 'assignment',
            triggerRevision: 0,
            conversationId: null,
            kvaCodes: ['GB020', 'ZV044'],
            diagnosisCode: 'M17.1',
            searchWord: 'Artrosbehandling',
            therapistId: THERAPIST_ID,
            at: NOW,
          },
        },
      ]);
  });

  it('charges the fee set in the unit settings', () => {
    episode
      .given([])
      .when(startAssignment(), { settings: settingsWith({ feeSek: 250 }) })
      .then(([, fee]) => expect(fee).toStrictEqual({ type: 'FeeCharged', data: { amountSek: 250, currency: 'SEK', at: NOW } }));
  });

  it('records an explicit fee exemption with its reason instead of the charge', () => {
    episode
      .given([])
      .when(startAssignment({ feeExemption: { reason: 'Frikort (högkostnadsskydd) till 2027-05-31', kind: 'high-cost-card' } }))
      .then((events) => {
        expect(events.filter((e) => e.type === 'FeeCharged')).toEqual([]);
        expect(events[1]).toStrictEqual({
          type: 'FeeExempted',
          data: { kind: 'high-cost-card', reason: 'Frikort (högkostnadsskydd) till 2027-05-31', waivedAmountSek: 200, at: NOW },
        });
      });
  });

  it('records an exemption without a kind as "other", waiving the unit fee', () => {
    episode
      .given([])
      .when(startAssignment({ feeExemption: { reason: 'Beslut av verksamhetschef' } }), { settings: settingsWith({ feeSek: 300 }) })
      .then(([, fee]) =>
        expect(fee).toStrictEqual({ type: 'FeeExempted', data: { kind: 'other', reason: 'Beslut av verksamhetschef', waivedAmountSek: 300, at: NOW } }),
      );
  });

  it('exempts by the unit age rule "from" (85 or older), with the reason recorded', () => {
    episode
      .given([])
      .when(startAssignment(), { settings: settingsWith({ ageExemption: { from: 85 } }) })
      .then(([, fee]) =>
        expect(fee).toStrictEqual({
          type: 'FeeExempted',
          data: { kind: 'age', reason: 'Regional age rule: age 113, 85 or older', waivedAmountSek: 200, at: NOW },
        }),
      );
  });

  it('exempts by the unit age rule "under" (a child), with the reason recorded', () => {
    episode
      .given([])
      .when(startAssignment({ personnummer: '20190101-2391' }), { settings: settingsWith({ ageExemption: { under: 18 } }) })
      .then(([, fee]) =>
        expect(fee).toStrictEqual({ type: 'FeeExempted', data: { kind: 'age', reason: 'Regional age rule: age 7, under 18', waivedAmountSek: 200, at: NOW } }),
      );
  });

  it('charges a patient outside the age rule', () => {
    episode
      .given([])
      .when(startAssignment({ personnummer: '20190101-2391' }), { settings: settingsWith({ ageExemption: { from: 85 } }) })
      .then(([, fee]) => expect(fee).toStrictEqual({ type: 'FeeCharged', data: { amountSek: 200, currency: 'SEK', at: NOW } }));
  });

  it('lets an explicit exemption win over the age rule: still exactly one fee line', () => {
    episode
      .given([])
      .when(startAssignment({ feeExemption: { reason: 'Frikort', kind: 'high-cost-card' } }), { settings: settingsWith({ ageExemption: { from: 85 } }) })
      .then((events) => {
        const feeLines = events.filter((e) => e.type === 'FeeCharged' || e.type === 'FeeExempted');
        expect(feeLines).toStrictEqual([{ type: 'FeeExempted', data: { kind: 'high-cost-card', reason: 'Frikort', waivedAmountSek: 200, at: NOW } }]);
      });
  });

  it('computes age on the Stockholm date: 23:30 UTC on New Year\'s Eve is already the birthday', () => {
    // 20190101-2391 turns 7 on 2026-01-01; in UTC it is still 2025-12-31 (age 6).
    episode
      .given([])
      .when(startAssignment({ personnummer: '20190101-2391' }), { now: '2025-12-31T23:30:00.000Z', settings: settingsWith({ ageExemption: { under: 7 } }) })
      .then(([, fee]) => expect(fee.type).toBe('FeeCharged'));
  });

  it('gives access until the assignment date plus 3 months', () => {
    episode.given([]).when(startAssignment()).then(([a]) => expect(a).toMatchObject({ data: { accessUntil: '2027-02-22' } }));
  });

  it('takes the access period from the unit settings', () => {
    episode
      .given([])
      .when(startAssignment(), { settings: settingsWith({ accessMonths: 6 }) })
      .then(([a]) => expect(a).toMatchObject({ data: { accessUntil: '2027-05-22' } }));
  });

  it('dates the assignment in Stockholm: 23:30 UTC on 2026-11-22 is 2026-11-23, so access runs to 2027-02-23', () => {
    episode
      .given([])
      .when(startAssignment(), { now: '2026-11-22T23:30:00.000Z' })
      .then(([a]) => expect(a).toMatchObject({ data: { accessUntil: '2027-02-23', at: '2026-11-22T23:30:00.000Z' } }));
  });

  it('clamps the access end to the month end (30 November + 3 months = 28 February)', () => {
    episode
      .given([])
      .when(startAssignment(), { now: '2026-11-30T10:00:00.000Z' })
      .then(([a]) => expect(a).toMatchObject({ data: { accessUntil: '2027-02-28' } }));
  });

  it('uses the welcome text given by the therapist, else the unit default', () => {
    episode
      .given([])
      .when(startAssignment({ welcomeText: 'Välkommen, börja med handartros.' }))
      .then(([a]) => expect(a).toMatchObject({ data: { welcomeText: 'Välkommen, börja med handartros.' } }));
    episode
      .given([])
      .when(startAssignment(), { settings: settingsWith({ welcomeText: 'Enhetens välkomsttext.' }) })
      .then(([a]) => expect(a).toMatchObject({ data: { welcomeText: 'Enhetens välkomsttext.' } }));
  });

  it.each([
    [{ hasLoggedIn: false, notificationsEnabled: true }, ['PATIENT_NEVER_LOGGED_IN']],
    [{ hasLoggedIn: true, notificationsEnabled: false }, ['NOTIFICATIONS_DISABLED']],
    [{ hasLoggedIn: false, notificationsEnabled: false }, ['PATIENT_NEVER_LOGGED_IN', 'NOTIFICATIONS_DISABLED']],
    [{ hasLoggedIn: true, notificationsEnabled: true }, []],
  ])('still assigns, keeping the warnings on the event (%j -> %j)', (patientStatus, warnings) => {
    episode
      .given([])
      .when(startAssignment({ patientStatus }))
      .then(([a, ...rest]) => {
        expect(a).toMatchObject({ type: 'AssignmentStarted', data: { warnings } });
        expect(rest.map((e) => e.type)).toEqual(['FeeCharged', 'JournalObligationRaised']);
      });
  });

  it('registers the unit\'s own KVÅ codes (ZV051 instead of ZV044) on the obligation and keeps them on the episode', () => {
    episode
      .given([])
      .when(startAssignment(), { settings: settingsWith({ journalCodes: ZV051_CODES }) })
      .then(([a, , obligation]) => {
        expect(a).toMatchObject({ data: { journalCodes: ZV051_CODES } });
        expect(obligation).toMatchObject({ data: { trigger: 'assignment', kvaCodes: ['GB020', 'ZV051'] } });
      });
  });

  it('stores a samordningsnummer in 12 digits, with its kind and real birth date', () => {
    episode
      .given([])
      .when(startAssignment({ personnummer: '202601612381' }))
      .then(([a]) =>
        expect(a).toMatchObject({ data: { patient: { personnummer: '202601612381', kind: 'samordningsnummer', birthDate: '2026-01-01' } } }),
      );
  });

  it('stores a 10-digit personnummer with "+" (100 years or older) in its 12-digit form', () => {
    episode
      .given([])
      .when(startAssignment({ personnummer: '121212+1212' }))
      .then(([a]) => expect(a).toMatchObject({ data: { patient: { personnummer: '191212121212', birthDate: '1912-12-12' } } }));
  });

  it('normalises the ICD-10-SE code and carries the diagnosis and who examined the patient', () => {
    episode
      .given([])
      .when(startAssignment({ diagnosisCode: 'm161', examinedBy: STAND_IN_ID, examinedOn: '2026-11-10' }))
      .then(([a, , obligation]) => {
        expect(a).toMatchObject({ data: { diagnosis: { code: 'M16.1', examinedBy: STAND_IN_ID, examinedOn: '2026-11-10' } } });
        expect(obligation).toMatchObject({ data: { diagnosisCode: 'M16.1' } });
      });
  });

  it('makes the chosen therapist responsible (and the obligation theirs) when an administrator assigns', () => {
    episode
      .given([])
      .when(startAssignment({ therapistId: STAND_IN_ID }), { actor: unitAdmin })
      .then(([a, , obligation]) => {
        expect(a).toMatchObject({ data: { therapistId: STAND_IN_ID, assignedBy: unitAdmin.id, diagnosis: { examinedBy: STAND_IN_ID } } });
        expect(obligation).toMatchObject({ data: { therapistId: STAND_IN_ID } });
      });
  });

  it('refuses an invalid personnummer (wrong check digit) without echoing it', () => {
    const error = episode.given([]).when(startAssignment({ personnummer: '19121212-1213' })).thenThrows('INVALID_PERSONNUMMER', 'unacceptable');
    expect(error.details).toEqual([{ path: 'personnummer', problem: 'check digit does not match' }]);
  });

  it.each(['J45.9', 'M20.1', 'M17.7'])('refuses a diagnosis outside the osteoarthritis block M15-M19 (%s)', (diagnosisCode) => {
    episode.given([]).when(startAssignment({ diagnosisCode })).thenThrows('UNKNOWN_DIAGNOSIS_CODE', 'unacceptable');
  });

  it('refuses to start an episode twice', () => {
    episode.given(assigned()).when(startAssignment()).thenThrows('EPISODE_ALREADY_STARTED');
  });

  it('refuses to start an ended episode again', () => {
    episode.given(ended()).when(startAssignment()).thenThrows('EPISODE_ALREADY_STARTED');
  });

  it('refuses with the personnummer kept out of the message and details', () => {
    // The helper checks every spelling (raw, 12 and 10 digits) against message and details.
    episode.given([]).when(startAssignment({ personnummer: PERSONNUMMER, diagnosisCode: 'X99' })).thenThrows('UNKNOWN_DIAGNOSIS_CODE');
  });
});

describe('EditWelcomeText', () => {
  const text = 'Välkommen! Börja gärna med modulen om handartros.';

  it('edits the welcome text, naming who edited it', () => {
    episode
      .given(assigned())
      .when({ type: 'EditWelcomeText', data: { text } }, { actor: unitAdmin })
      .then([{ type: 'WelcomeTextEdited', data: { text, by: unitAdmin.id, at: NOW } }]);
  });

  it('does nothing when the text is unchanged', () => {
    episode.given(assigned({ welcomeText: text })).when({ type: 'EditWelcomeText', data: { text } }).thenNothingHappened();
  });

  it('does nothing when the edit repeats the last edit', () => {
    episode
      .given([...assigned(), { type: 'WelcomeTextEdited', data: { text, by: THERAPIST_ID, at: NOW } }])
      .when({ type: 'EditWelcomeText', data: { text } })
      .thenNothingHappened();
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when({ type: 'EditWelcomeText', data: { text } }).thenThrows('NOT_FOUND', 'not_found');
  });

  it('refuses after the end', () => {
    episode.given(ended()).when({ type: 'EditWelcomeText', data: { text } }).thenThrows('EPISODE_ENDED');
  });
});

// The past-event builder and the decider agree: what the decider emits is what `assigned()` gives.
it('assigned() is exactly what StartAssignment emits with the defaults', () => {
  episode.given([]).when(startAssignment()).then(assigned());
  expect(assignmentStarted().data.accessUntil).toBe(ACCESS_UNTIL);
});
