// Absence notices of the unit: edge cases the mutation run found unpinned.
import { unitSpec } from './decider-specification';
import { ADMIN_ID, NOW, UNIT_ID, unitAdmin } from './fixtures';
import { initialUnitState, type UnitCommand, type UnitEvent } from '../../src/domain/unit/unit';

const unit = unitSpec();
const asAdmin = { actor: unitAdmin };
const XMAS = { from: '2026-12-23T00:00:00+01:00', to: '2027-01-07T00:00:00+01:00' };
const EASTER = { from: '2027-03-26T00:00:00+01:00', to: '2027-03-30T00:00:00+02:00' };
const publish = (noticeId: string, window: { from: string; to: string }, text = 'Mottagningen är stängd.'): UnitCommand => ({
  type: 'PublishAbsenceNotice',
  data: { unitId: UNIT_ID, noticeId, ...window, text },
});
const published = (noticeId: string, window: { from: string; to: string }, text = 'Mottagningen är stängd.'): UnitEvent => ({
  type: 'AbsenceNoticePublished',
  data: { unitId: UNIT_ID, noticeId, ...window, text, by: ADMIN_ID, at: NOW },
});

describe('absence notices', () => {
  it('a new unit has no notices', () => {
    expect(initialUnitState().notices).toEqual([]);
  });

  it('the first notice published is then the only one', () => {
    unit
      .given([])
      .when(publish('xmas', XMAS), asAdmin)
      .then((events, after) => {
        expect(events).toStrictEqual([published('xmas', XMAS)]);
        expect(after.notices).toStrictEqual([{ noticeId: 'xmas', ...XMAS, text: 'Mottagningen är stängd.' }]);
      });
  });

  it('publishes a second notice beside one already published', () => {
    unit
      .given([published('xmas', XMAS)])
      .when(publish('easter', EASTER, 'Stängt under påsken.'), asAdmin)
      .then((events, after) => {
        expect(events).toStrictEqual([published('easter', EASTER, 'Stängt under påsken.')]);
        expect(after.notices.map((n) => n.noticeId)).toEqual(['xmas', 'easter']);
      });
  });

  it('does nothing when a notice with the same id is published again beside another', () => {
    unit.given([published('xmas', XMAS), published('easter', EASTER)]).when(publish('easter', EASTER), asAdmin).thenNothingHappened();
  });
});
