// The follow-up read model: given episodes driven by the real decider, the due list follows
// the therapist, the end and the calendar, and the dashboard marks an episode whose
// follow-up is due.
import { episodesWithFollowUpDue, queryFollowUps } from '../../src/projections/registry-follow-ups';
import { queryDashboard } from '../../src/projections/dashboard';
import { REGISTRY_CALENDAR } from '../../src/app/registry/registry-calendar';
import { BACKENDS, closeSharedPool, setup, type Setup } from '../projections/harness';
import { adminOf, start, therapistOf, THERAPISTS, UNITS } from '../projections/world';

const [U1] = UNITS;
const T1 = therapistOf(U1, 0);
afterAll(closeSharedPool);

for (const backend of BACKENDS) {
  const suite = backend.available ? describe : describe.skip;
  suite(`registry follow-ups read model (${backend.name})`, () => {
    let s: Setup;
    beforeAll(async () => {
      s = await setup(backend);
      const w = s.world;
      w.now = Date.parse('2026-11-02T09:00:00Z');
      await w.episode('A', start('A'), T1);
      await w.episode('B', start('B'), T1);
      await w.episode('A', { type: 'RecordRegistryFollowUp', data: { timepoint: 'baseline', measures: { pain: 6 }, answeredVia: 'paper' } }, T1);
      await w.episode('B', { type: 'ChangeTherapist', data: { therapistId: THERAPISTS[1], reason: 'reassignment' } }, adminOf(U1));
      w.now = Date.parse('2026-12-20T09:00:00Z');
      await w.episode('A', { type: 'EndEpisode', data: { outcome: 'abandoned' } }, T1);
      await s.projector.catchUp();
    });
    afterAll(() => s.close());
    const list = (today: string, o: Partial<Parameters<typeof queryFollowUps>[1]> = {}) =>
      queryFollowUps(s.db, { unitId: U1, today, calendar: REGISTRY_CALENDAR, ...o }).then((xs) => xs.map((x) => `${x.episodeId} ${x.timepoint} ${x.status} ${x.dueOn} ${x.therapistId}`));

    it('lists each timepoint with its status on the day, following the therapist and the end', async () => {
      expect(await list('2026-11-10')).toEqual([`A baseline recorded 2026-11-02 ${THERAPISTS[0]}`, `B baseline due 2026-11-02 ${THERAPISTS[1]}`]);
      expect(await list('2026-12-21', { status: 'due' })).toEqual([`A 3-months due 2026-12-20 ${THERAPISTS[0]}`]);
      expect(await list('2026-12-21', { status: 'overdue', therapistId: THERAPISTS[1] })).toEqual([`B baseline overdue 2026-11-02 ${THERAPISTS[1]}`]);
      expect(await list('2027-11-01', { status: 'due' })).toEqual([`A 12-months due 2027-11-02 ${THERAPISTS[0]}`, `B 12-months due 2027-11-02 ${THERAPISTS[1]}`]);
      expect(await list('2026-11-10', { limit: 1, offset: 1 })).toEqual([`B baseline due 2026-11-02 ${THERAPISTS[1]}`]);
    });

    it("marks the dashboard's episodes that have a follow-up due", async () => {
      expect([...(await episodesWithFollowUpDue(s.db, ['A', 'B', 'none'], '2026-11-10', REGISTRY_CALENDAR))]).toEqual(['B']);
      const dashboard = await queryDashboard(s.db, { unitId: U1, followUpsDue: (ids) => episodesWithFollowUpDue(s.db, ids, '2026-11-10', REGISTRY_CALENDAR) });
      // A has ended, so it is off the dashboard (its 3-month follow-up is on the due list).
      expect(dashboard.episodes.map((e) => [e.episodeId, e.registryFollowUpDue])).toEqual([['B', true]]);
      expect((await queryDashboard(s.db, { unitId: U1 })).episodes[0]).not.toHaveProperty('registryFollowUpDue');
    });
  });
}
