// Given a unit's episodes over two months, the outcomes report gives volumes, completion,
// time to end, plan adherence, messages, exemptions and registry pain, with no personal data.
import { queryOutcomes } from '../../src/projections/outcomes';
import { occasionsUntil } from '../../src/domain/episode/activity-plan';
import { BACKENDS, closeSharedPool, setup, type Setup } from './harness';
import { patientOf, start, therapistOf, THERAPISTS, UNITS } from './world';

const [U1, U2] = UNITS;
const T1 = therapistOf(U1, 0);
const patient = patientOf(U1);
const dueOccasions = (schedule: Parameters<typeof occasionsUntil>[0], lastDate: string) => occasionsUntil(schedule, lastDate).length;

afterAll(closeSharedPool);

for (const backend of BACKENDS) {
  // PostgreSQL runs only when DATABASE_URL names a server (CI starts one); otherwise skipped.
  const suite = backend.available ? describe : describe.skip;
  suite(`outcomes report (${backend.name})`, () => {
    let s: Setup;
    beforeAll(async () => {
      s = await setup(backend);
      const w = s.world;
      const at = (iso: string) => (w.now = Date.parse(iso));
      at('2026-03-02T09:00:00Z');
      for (const id of ['A', 'B', 'C', 'G']) await w.episode(id, start(id), T1);
      await w.episode('D', start('D', { exemption: 'Frikort' }), T1);
      await w.episode('F', start('F', { unitId: U2 }), therapistOf(U2));
      await w.episode('A', { type: 'RecordRegistryFollowUp', data: { timepoint: 'baseline', measures: { pain: 6, eqVas: 60 } } }, T1);
      await w.episode('B', { type: 'RecordRegistryFollowUp', data: { timepoint: 'baseline', measures: { pain: 8 } } }, T1);
      await w.episode('C', { type: 'ActivatePlan', data: {} }, T1);
      await w.episode('A', { type: 'SendMessage', data: { messageId: 'a1', newConversationId: 'ca', text: 'Hej' } }, patient);
      await w.episode('A', { type: 'SendMessage', data: { messageId: 'a2', conversationId: 'ca', newConversationId: 'x', text: 'Hej igen' } }, T1);
      await w.episode('C', { type: 'SendMessage', data: { messageId: 'c1', newConversationId: 'cc', text: 'Fråga' } }, patient);
      at('2026-03-07T10:00:00Z');
      await w.episode('G', { type: 'EndEpisode', data: { outcome: 'completed' } }, T1);
      at('2026-03-08T16:00:00Z');
      await w.episode('C', { type: 'ReportActivity', data: { occasion: '2026-03-08', answers: { trained: true } } }, patient);
      at('2026-03-12T10:00:00Z');
      await w.episode('B', { type: 'EndEpisode', data: { outcome: 'abandoned' } }, T1);
      at('2026-03-15T17:00:00Z');
      await w.episode('C', { type: 'ReportActivity', data: { occasion: '2026-03-15', answers: { trained: false } } }, patient);
      at('2026-03-30T10:00:00Z');
      await w.episode('A', { type: 'EndEpisode', data: { outcome: 'completed' } }, T1);
      await w.episode('A', { type: 'RecordRegistryFollowUp', data: { timepoint: '3-months', measures: { pain: 3 } } }, T1);
      at('2026-04-02T10:00:00Z');
      await w.episode('E', start('E'), T1);
      await s.projector.catchUp();
    });
    afterAll(() => s.close());

    it('summarises each unit and month of assignment', async () => {
      const report = await queryOutcomes(s.db, { today: '2026-03-25', dueOccasions });
      expect(report.map((l) => [l.unitId, l.month, l.assignments])).toEqual([
        [U1, '2026-03', 5],
        [U1, '2026-04', 1],
        [U2, '2026-03', 1],
      ]);
      expect(report[0]).toEqual({
        unitId: U1,
        month: '2026-03',
        assignments: 5,
        completed: 2,
        abandoned: 1,
        active: 2,
        completionRate: 0.4,
        abandonmentRate: 0.2,
        meanDaysToEnd: (28 + 10 + 5) / 3,
        medianDaysToEnd: 10,
        activityPlan: { episodesWithPlan: 1, occasionsReported: 2, occasionsDue: 3, adherence: 2 / 3 },
        messagesPerEpisode: 3 / 5,
        exemptions: 1,
        registry: { baseline: { count: 2, meanPain: 7 }, threeMonths: { count: 1, meanPain: 3 }, twelveMonths: { count: 0, meanPain: null } },
      });
      expect(report[1]).toMatchObject({ active: 1, completionRate: 0, meanDaysToEnd: null, medianDaysToEnd: null });
    });

    it('filters by unit and months, and leaves adherence open without the due-occasion function', async () => {
      expect((await queryOutcomes(s.db, { today: '2026-03-25', fromMonth: '2026-04' })).map((l) => l.month)).toEqual(['2026-04']);
      expect((await queryOutcomes(s.db, { today: '2026-03-25', toMonth: '2026-03', unitId: U2 })).map((l) => l.unitId)).toEqual([U2]);
      const [first] = await queryOutcomes(s.db, { today: '2026-03-25', unitId: U1 });
      expect(first.activityPlan).toEqual({ episodesWithPlan: 1, occasionsReported: 2, occasionsDue: null, adherence: null });
    });

    it('holds no personal data', async () => {
      const rows = await s.db.selectFrom('outcome_episodes').selectAll().execute();
      const text = JSON.stringify([rows, await queryOutcomes(s.db, { today: '2026-03-25', dueOccasions })]);
      for (const secret of ['191212121212', '1912-12-12', 'Hej', 'Frikort', ...THERAPISTS]) expect(text).not.toContain(secret);
    });
  });
}
