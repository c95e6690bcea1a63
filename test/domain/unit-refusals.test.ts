// The care unit's refusals as the client reads them (code, kind, message, details), and the
// edges of its rules: an absence window that ends now, settings checked as a whole.
import { unitSpec } from './decider-specification';
import { ADMIN_ID, NOW, UNIT_ID, ZV051_CODES, unitAdmin } from './fixtures';
import type { UnitCommand } from '../../src/domain/unit/unit';
import { DEFAULT_UNIT_SETTINGS } from '../../src/domain/rules';

const unit = unitSpec();
const asAdmin = { actor: unitAdmin };
const changeSettings = (settings: Record<string, unknown>): UnitCommand =>
  ({ type: 'ChangeUnitSettings', data: { unitId: UNIT_ID, settings } }) as UnitCommand;
const publish = (from: string, to: string): UnitCommand => ({
  type: 'PublishAbsenceNotice',
  data: { unitId: UNIT_ID, noticeId: 'n-1', from, to, text: 'Mottagningen är stängd.' },
});
const later = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();

describe('ChangeUnitSettings refusals', () => {
  it('names every field that is not valid, nested paths joined with dots', () => {
    const error = unit
      .given([])
      .when(changeSettings({ feeSek: -1, journalCodes: { ...ZV051_CODES, end: ['GB020', 'zv051'] } }), asAdmin)
      .thenThrows('INVALID_SETTINGS', 'unacceptable');
    expect(error.message).toBe('The unit settings are not valid.');
    expect(error.details).toEqual([
      { path: 'feeSek', problem: expect.any(String) },
      { path: 'journalCodes.end.1', problem: 'a KVÅ code such as GB020' },
    ]);
  });

  it('names each obligation missing GB020 and each code not in force, in the order of the settings', () => {
    const error = unit
      .given([])
      .when(changeSettings({ journalCodes: { assignment: ['ZV044'], 'completed-school': ['GB020', 'ZV999'], conversation: ['GB020'], end: ['ZV998'] } }), asAdmin)
      .thenThrows('INVALID_SETTINGS', 'unacceptable');
    expect(error.message).toBe('The unit settings are not valid.');
    expect(error.details).toEqual([
      { path: 'journalCodes.assignment', problem: 'GB020 (artrosskola) is registered on every contact' },
      { path: 'journalCodes.completed-school', problem: 'ZV999 is not a KVÅ code in force' },
      { path: 'journalCodes.end', problem: 'GB020 (artrosskola) is registered on every contact' },
      { path: 'journalCodes.end', problem: 'ZV998 is not a KVÅ code in force' },
    ]);
  });

  it('accepts GB020 alone on an obligation', () => {
    unit
      .given([])
      .when(changeSettings({ journalCodes: { ...DEFAULT_UNIT_SETTINGS.journalCodes, conversation: ['GB020'] } }), asAdmin)
      .then(([e]) => expect(e).toMatchObject({ data: { settings: { journalCodes: { conversation: ['GB020'] } }, by: ADMIN_ID } }));
  });
});

describe('PublishAbsenceNotice refusals', () => {
  it('tells that the window must end after it starts, naming "to"', () => {
    const error = unit.given([]).when(publish('2026-12-24T00:00:00.000Z', '2026-12-23T00:00:00.000Z'), asAdmin).thenThrows('INVALID_ABSENCE_WINDOW', 'unacceptable');
    expect(error.message).toBe('The absence notice must end after it starts.');
    expect(error.details).toEqual([{ path: 'to', problem: 'not after from' }]);
  });

  it('refuses a window that ends now, and publishes one that ends a moment later', () => {
    const error = unit.given([]).when(publish('2026-11-20T08:00:00.000Z', later(0)), asAdmin).thenThrows('ABSENCE_WINDOW_PASSED', 'rule');
    expect(error.message).toBe('The absence window has already passed.');
    expect(error.details).toEqual([]);
    unit.given([]).when(publish('2026-11-20T08:00:00.000Z', later(1)), asAdmin).then((e) => expect(e).toHaveLength(1));
  });
});

describe('WithdrawAbsenceNotice refusals', () => {
  it('tells that there is no such notice', () => {
    const error = unit.given([]).when({ type: 'WithdrawAbsenceNotice', data: { unitId: UNIT_ID, noticeId: 'n-9' } }, asAdmin).thenThrows('NOT_FOUND', 'not_found');
    expect(error.message).toBe('No such absence notice.');
    expect(error.details).toEqual([]);
  });
});
