// Every refusal of the registry follow-up, with what the client is told: code, kind, message
// and details (field path and problem). Also the guards that only a state not built by
// events could reach (an episode without its assignment facts), and the comparison of
// measures when a correction adds or clears the EQ-5D-5L profile.
import { episodeSpec } from './decider-specification';
import { NOW, THERAPIST_ID, assigned, asPatient } from './fixtures';
import type { CommandOf, DecisionContext } from '../../src/domain/episode/commands';
import type { EpisodeEvent, EventOf } from '../../src/domain/episode/events';
import { evolve, initialState, type EpisodeState } from '../../src/domain/episode/state';
import { correctFollowUp, followUpFactsOf, recordFollowUp } from '../../src/domain/registry/follow-up-decide';
import { DomainError } from '../../src/domain/shared/domain-error';
import { itTellsEachRefusal, type Refusal } from './refusal-cases';

const episode = episodeSpec();
const fold = (events: readonly EpisodeEvent[]): EpisodeState => events.reduce(evolve, initialState());
type Data = CommandOf<'RecordRegistryFollowUp'>['data'];
const command = (data: Partial<Data>): CommandOf<'RecordRegistryFollowUp'> => ({
  type: 'RecordRegistryFollowUp',
  data: { timepoint: 'baseline', measures: { pain: 5 }, ...data },
});
const correction = (data: Partial<Data> = {}, clear?: NonNullable<Data['correction']>['clear']) =>
  command({ correction: { reason: 'transcription-error', ...(clear ? { clear } : {}) }, ...data });
const recorded = (measures: EventOf<'RegistryFollowUpRecorded'>['data']['measures']): EventOf<'RegistryFollowUpRecorded'> => ({
  type: 'RegistryFollowUpRecorded',
  data: { timepoint: 'baseline', measures, answeredVia: 'paper', by: THERAPIST_ID, at: NOW },
});
const on = (date: string) => `${date}T11:00:00.000Z`;
const EQ5D = { mobility: 2, selfCare: 1, usualActivities: 3, painDiscomfort: 4, anxietyDepression: 1 };


const withBaseline = [...assigned(), recorded({ pain: 6, eqVas: 60 })];

const refusals: Record<string, Refusal> = {
  'a follow-up on an episode never started': { given: [], when: command({ answeredVia: 'paper' }), code: 'NOT_FOUND', kind: 'not_found', message: 'No such episode.' },
  'a timepoint recorded before': {
    given: withBaseline,
    when: command({ answeredVia: 'paper' }),
    code: 'FOLLOW_UP_ALREADY_RECORDED',
    kind: 'rule',
    message: 'The baseline follow-up is already recorded.',
  },
  'a follow-up without any measure': { given: assigned(), when: command({ measures: {}, answeredVia: 'paper' }), code: 'NO_MEASURES', kind: 'unacceptable', message: 'A follow-up needs at least one measure.' },
  'a paper answer from the patient': {
    given: assigned(),
    when: command({ answeredVia: 'paper' }),
    context: asPatient(),
    code: 'INVALID_ANSWER',
    kind: 'unacceptable',
    message: 'The patient answers through 1177; a paper or phone answer is recorded by staff.',
    details: [{ path: 'answeredVia', problem: 'only 1177 for the patient' }],
  },
  'an answer through 1177 recorded by staff': {
    given: assigned(),
    when: command({ answeredVia: '1177' }),
    code: 'INVALID_ANSWER',
    kind: 'unacceptable',
    message: "Staff record a paper or phone answer; the answer through 1177 is the patient's own.",
    details: [{ path: 'answeredVia', problem: 'paper or phone for staff' }],
  },
  "the patient's answer before the window opens": {
    given: assigned(),
    when: command({ timepoint: '3-months' }),
    context: asPatient(on('2027-02-07')),
    code: 'OCCASION_NOT_YET_OPEN',
    kind: 'rule',
    message: 'The 3-months follow-up opens on 2027-02-08.',
  },
  "the patient's answer after the window closed": {
    given: assigned(),
    when: command({ timepoint: '3-months' }),
    context: asPatient(on('2027-03-25')),
    code: 'REPORT_WINDOW_CLOSED',
    kind: 'rule',
    message: 'The 3-months follow-up closed on 2027-03-24; your therapist can record a paper or phone answer.',
  },
  'a correction on an episode never started': { given: [], when: correction(), code: 'NOT_FOUND', kind: 'not_found', message: 'No such episode.' },
  'a correction by the patient': {
    given: withBaseline,
    when: correction(),
    context: asPatient(),
    code: 'INVALID_ANSWER',
    kind: 'unacceptable',
    message: 'A recorded follow-up is corrected by staff; the patient tells their therapist.',
    details: [{ path: 'correction', problem: 'staff only' }],
  },
  'a correction saying how the answer came': {
    given: withBaseline,
    when: correction({ answeredVia: 'phone' }),
    code: 'INVALID_ANSWER',
    kind: 'unacceptable',
    message: 'A correction keeps how the answer came; leave answeredVia out.',
    details: [{ path: 'answeredVia', problem: 'not with a correction' }],
  },
  'a correction of a timepoint never recorded': {
    given: withBaseline,
    when: correction({ timepoint: '12-months' }),
    code: 'NOT_FOUND',
    kind: 'not_found',
    message: 'No 12-months follow-up is recorded to correct.',
  },
  'a correction that corrects and clears the same measures': {
    given: withBaseline,
    when: correction({ measures: { pain: 4, eqVas: 50 } }, ['pain', 'eqVas']),
    code: 'INVALID_ANSWER',
    kind: 'unacceptable',
    message: 'A measure is either corrected or cleared, not both: pain, eqVas.',
    details: [
      { path: 'correction.clear.pain', problem: 'also corrected' },
      { path: 'correction.clear.eqVas', problem: 'also corrected' },
    ],
  },
  'a correction that clears every measure': {
    given: withBaseline,
    when: correction({ measures: {} }, ['pain', 'eqVas']),
    code: 'NO_MEASURES',
    kind: 'unacceptable',
    message: 'A follow-up keeps at least one measure.',
  },
};

describe('registry follow-up refusals name the problem', () => itTellsEachRefusal(refusals));

describe('an episode without its assignment facts', () => {
  const ctx: DecisionContext = { now: NOW, actor: { id: THERAPIST_ID, role: 'therapist', unitId: 'SE2321000131-E001' } };
  const active = (o: Partial<EpisodeState>): EpisodeState => ({ ...initialState(), status: 'active', ...o });
  const refusal = (fn: () => unknown): DomainError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('not refused');
  };

  it('has no follow-up dates without both its assignment day and its access period', () => {
    const facts = followUpFactsOf(fold(assigned()));
    expect(facts).toMatchObject({ assignedOn: '2026-11-22', endedOn: null });
    expect(followUpFactsOf(active({ assignedAt: NOW, accessUntil: null }))).toBeNull();
    expect(followUpFactsOf(active({ assignedAt: null, accessUntil: '2027-02-22' }))).toBeNull();
  });

  it('is not found for a follow-up, whatever its status says', () => {
    const error = refusal(() => recordFollowUp(command({ answeredVia: 'paper' }), active({ assignedAt: null, accessUntil: null }), ctx));
    expect([error.code, error.message]).toEqual(['NOT_FOUND', 'No such episode.']);
    // A state that says "none" is not found even with facts beside it.
    const none = refusal(() => recordFollowUp(command({ answeredVia: 'paper' }), { ...initialState(), assignedAt: NOW, accessUntil: '2027-02-22' }, ctx));
    expect([none.code, none.message]).toEqual(['NOT_FOUND', 'No such episode.']);
    const corrected = refusal(() => correctFollowUp(correction(), { ...initialState(), followUps: fold(withBaseline).followUps }, ctx));
    expect([corrected.code, corrected.message]).toEqual(['NOT_FOUND', 'No such episode.']);
  });
});

describe('a correction compares measure by measure', () => {
  it('names a profile it adds, from nothing', () => {
    episode
      .given(withBaseline)
      .when(correction({ measures: { eq5d5l: EQ5D } }))
      .then(([e]) => expect(e).toMatchObject({ data: { correction: { changes: [{ measure: 'eq5d5l', from: null, to: EQ5D }] } } }));
  });

  it('names a profile it clears, to nothing, beside a value it changes', () => {
    episode
      .given([...assigned(), recorded({ pain: 6, eq5d5l: EQ5D })])
      .when(correction({ measures: { pain: 2 } }, ['eq5d5l']))
      .then(([e]) =>
        expect(e).toMatchObject({
          data: {
            measures: { pain: 2 },
            correction: {
              changes: [
                { measure: 'pain', from: 6, to: 2 },
                { measure: 'eq5d5l', from: EQ5D, to: null },
              ],
            },
          },
        }),
      );
  });

  it('names one changed dimension of the profile', () => {
    episode
      .given([...assigned(), recorded({ eq5d5l: EQ5D })])
      .when(correction({ measures: { eq5d5l: { ...EQ5D, mobility: 3 } } }))
      .then(([e]) => expect(e).toMatchObject({ data: { correction: { changes: [{ measure: 'eq5d5l', from: EQ5D, to: { ...EQ5D, mobility: 3 } }] } } }));
  });
});
