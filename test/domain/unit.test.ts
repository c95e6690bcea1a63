// The care unit (stream unit-<hsa id>): settings and absence notices to citizens.
import { unitSpec, episodeSpec } from './decider-specification';
import { ADMIN_ID, NOW, UNIT_ID, ZV051_CODES, startAssignment, unitAdmin } from './fixtures';
import { activeNotices, evolveUnit, initialUnitState, unitStreamId, type UnitCommand, type UnitEvent } from '../../src/domain/unit/unit';
import { DEFAULT_UNIT_SETTINGS } from '../../src/domain/rules';

const unit = unitSpec();
const asAdmin = { actor: unitAdmin };
const changeSettings = (settings: Extract<UnitCommand, { type: 'ChangeUnitSettings' }>['data']['settings']): UnitCommand => ({
  type: 'ChangeUnitSettings',
  data: { unitId: UNIT_ID, settings },
});
const publish = (noticeId: string, from: string, to: string, text = 'Mottagningen är stängd under julhelgen.'): UnitCommand => ({
  type: 'PublishAbsenceNotice',
  data: { unitId: UNIT_ID, noticeId, from, to, text },
});
const withdraw = (noticeId: string): UnitCommand => ({ type: 'WithdrawAbsenceNotice', data: { unitId: UNIT_ID, noticeId } });
const published = (noticeId: string, from: string, to: string): UnitEvent => ({
  type: 'AbsenceNoticePublished',
  data: { unitId: UNIT_ID, noticeId, from, to, text: 'Stängt.', by: ADMIN_ID, at: NOW },
});
const XMAS_FROM = '2026-12-23T00:00:00+01:00';
const XMAS_TO = '2027-01-07T00:00:00+01:00';

describe('ChangeUnitSettings', () => {
  it('changes the named settings and records the whole resulting settings', () => {
    unit
      .given([])
      .when(changeSettings({ feeSek: 250, journalCodes: ZV051_CODES }), asAdmin)
      .then([{ type: 'UnitSettingsChanged', data: { unitId: UNIT_ID, settings: { ...DEFAULT_UNIT_SETTINGS, feeSek: 250, journalCodes: ZV051_CODES }, by: ADMIN_ID, at: NOW } }]);
  });

  it('keeps earlier changes when changing another setting', () => {
    const earlier: UnitEvent = { type: 'UnitSettingsChanged', data: { unitId: UNIT_ID, settings: { ...DEFAULT_UNIT_SETTINGS, feeSek: 250 }, by: ADMIN_ID, at: NOW } };
    unit
      .given([earlier])
      .when(changeSettings({ ageExemption: { under: 20, from: 85 } }), asAdmin)
      .then(([e]) => expect(e).toMatchObject({ data: { settings: { feeSek: 250, ageExemption: { under: 20, from: 85 }, accessMonths: 3 } } }));
  });

  it('refuses journal codes without GB020 (artrosskola is registered on every contact)', () => {
    const error = unit
      .given([])
      .when(changeSettings({ journalCodes: { ...ZV051_CODES, conversation: ['ZV051'] } }), asAdmin)
      .thenThrows('INVALID_SETTINGS', 'unacceptable');
    expect(error.details).toEqual([{ path: 'journalCodes.conversation', problem: 'GB020 (artrosskola) is registered on every contact' }]);
  });

  it('refuses a KVÅ code that is not in the code list', () => {
    const error = unit
      .given([])
      .when(changeSettings({ journalCodes: { ...ZV051_CODES, end: ['GB020', 'ZV999'] } }), asAdmin)
      .thenThrows('INVALID_SETTINGS', 'unacceptable');
    expect(error.details).toEqual([{ path: 'journalCodes.end', problem: 'ZV999 is not a KVÅ code in force' }]);
  });

  it.each([
    ['a negative fee', { feeSek: -5 }, 'feeSek'],
    ['an access period of 0 months', { accessMonths: 0 }, 'accessMonths'],
    ['an empty welcome text', { welcomeText: '' }, 'welcomeText'],
  ])('refuses %s', (_, settings, path) => {
    const error = unit.given([]).when(changeSettings(settings), asAdmin).thenThrows('INVALID_SETTINGS', 'unacceptable');
    expect(error.details).toEqual([expect.objectContaining({ path })]);
  });

  it('does nothing when the settings are unchanged', () => {
    unit.given([]).when(changeSettings({ feeSek: 200, accessMonths: 3 }), asAdmin).thenNothingHappened();
  });

  it('drives the next assignment: its fee, access period and KVÅ codes come from the unit\'s settings', () => {
    const changed = unit.given([]).when(changeSettings({ feeSek: 250, accessMonths: 6, journalCodes: ZV051_CODES }), asAdmin).then(() => undefined);
    const state = changed.reduce(evolveUnit, initialUnitState());
    episodeSpec()
      .given([])
      .when(startAssignment(), { settings: state.settings })
      .then(([a, fee, obligation]) => {
        expect(a).toMatchObject({ data: { accessUntil: '2027-05-22', journalCodes: ZV051_CODES } });
        expect(fee).toMatchObject({ type: 'FeeCharged', data: { amountSek: 250 } });
        expect(obligation).toMatchObject({ data: { kvaCodes: ['GB020', 'ZV051'] } });
      });
  });
});

describe('PublishAbsenceNotice', () => {
  it('publishes a unit-wide notice to citizens for a time window', () => {
    unit
      .given([])
      .when(publish('n-1', XMAS_FROM, XMAS_TO), asAdmin)
      .then([
        {
          type: 'AbsenceNoticePublished',
          data: { unitId: UNIT_ID, noticeId: 'n-1', from: XMAS_FROM, to: XMAS_TO, text: 'Mottagningen är stängd under julhelgen.', by: ADMIN_ID, at: NOW },
        },
      ]);
  });

  it('publishes a notice already in force', () => {
    unit.given([]).when(publish('n-1', '2026-11-20T08:00:00.000Z', '2026-11-24T08:00:00.000Z'), asAdmin).then((e) => expect(e).toHaveLength(1));
  });

  it.each([
    ['ends before it starts', XMAS_TO, XMAS_FROM],
    ['ends when it starts', XMAS_FROM, XMAS_FROM],
    ['ends when it starts, written in another offset', '2026-12-23T00:00:00+01:00', '2026-12-22T23:00:00.000Z'],
  ])('refuses a window that %s', (_, from, to) => {
    const error = unit.given([]).when(publish('n-1', from, to), asAdmin).thenThrows('INVALID_ABSENCE_WINDOW', 'unacceptable');
    expect(error.details).toEqual([{ path: 'to', problem: 'not after from' }]);
  });

  it('refuses a window that has already passed', () => {
    unit.given([]).when(publish('n-1', '2026-11-01T08:00:00.000Z', '2026-11-22T09:00:00.000Z'), asAdmin).thenThrows('ABSENCE_WINDOW_PASSED');
  });

  it('does nothing when the same notice is published again', () => {
    unit.given([published('n-1', XMAS_FROM, XMAS_TO)]).when(publish('n-1', XMAS_FROM, XMAS_TO), asAdmin).thenNothingHappened();
  });
});

describe('WithdrawAbsenceNotice', () => {
  it('withdraws a published notice', () => {
    unit
      .given([published('n-1', XMAS_FROM, XMAS_TO)])
      .when(withdraw('n-1'), asAdmin)
      .then([{ type: 'AbsenceNoticeWithdrawn', data: { unitId: UNIT_ID, noticeId: 'n-1', by: ADMIN_ID, at: NOW } }]);
  });

  it('refuses a notice that does not exist', () => {
    unit.given([published('n-1', XMAS_FROM, XMAS_TO)]).when(withdraw('n-2'), asAdmin).thenThrows('NOT_FOUND', 'not_found');
  });

  it('refuses a notice already withdrawn', () => {
    const gone: UnitEvent = { type: 'AbsenceNoticeWithdrawn', data: { unitId: UNIT_ID, noticeId: 'n-1', by: ADMIN_ID, at: NOW } };
    unit.given([published('n-1', XMAS_FROM, XMAS_TO), gone]).when(withdraw('n-1'), asAdmin).thenThrows('NOT_FOUND');
  });
});

describe('notices in force', () => {
  const state = [published('n-1', XMAS_FROM, XMAS_TO), published('n-2', '2027-07-01T00:00:00+02:00', '2027-08-01T00:00:00+02:00')].reduce(
    evolveUnit,
    initialUnitState(),
  );

  it('shows a notice from its start (inclusive) to its end (exclusive)', () => {
    expect(activeNotices(state, '2026-12-22T22:59:59.999Z')).toEqual([]);
    expect(activeNotices(state, '2026-12-22T23:00:00.000Z').map((n) => n.noticeId)).toEqual(['n-1']);
    expect(activeNotices(state, '2027-01-06T22:59:59.999Z').map((n) => n.noticeId)).toEqual(['n-1']);
    expect(activeNotices(state, '2027-01-06T23:00:00.000Z')).toEqual([]);
  });

  it('no longer shows a withdrawn notice', () => {
    const after = evolveUnit(state, { type: 'AbsenceNoticeWithdrawn', data: { unitId: UNIT_ID, noticeId: 'n-1', by: ADMIN_ID, at: NOW } });
    expect(activeNotices(after, '2026-12-24T12:00:00.000Z')).toEqual([]);
    expect(after.notices.map((n) => n.noticeId)).toEqual(['n-2']);
  });

  it('lives in the stream unit-<hsa id>', () => {
    expect(unitStreamId(UNIT_ID)).toBe('unit-SE2321000131-E001');
  });
});
