// Given an episode's history, its progress view and its conversations read as the therapist follows them.
import { queryEpisodeProgress } from '../../src/projections/episode-progress';
import { queryMessages } from '../../src/projections/messages';
import { catalogue } from '../../src/domain/reference/catalogue';
import { BACKENDS, closeSharedPool, setup, type Setup } from './harness';
import { adminOf, patientOf, start, therapistOf, THERAPISTS, UNITS } from './world';

const U1 = UNITS[0];
const T1 = therapistOf(U1, 0);
const patient = patientOf(U1);

afterAll(closeSharedPool);

for (const backend of BACKENDS) {
  // PostgreSQL runs only when DATABASE_URL names a server (CI starts one); otherwise skipped.
  const suite = backend.available ? describe : describe.skip;
  suite(`episode progress and messages (${backend.name})`, () => {
    let s: Setup;
    beforeEach(async () => {
      s = await setup(backend);
    });
    afterEach(() => s.close());

    it('follows modules, parts, exercises, the activity plan with its reports, messages, fee and the end', async () => {
      const w = s.world;
      await w.episode('A', start('A', { diagnosisCode: 'M16.1', exemption: 'Frikort 2026' }), T1);
      await w.episode('A', { type: 'HideModule', data: { moduleId: 'hand' } }, T1);
      await w.episode('A', { type: 'CompletePart', data: { moduleId: 'hip-knee', partId: 'hk-training-introduction' } }, patient);
      await w.episode('A', { type: 'RevealExercises', data: { programme: 'leg', exerciseIds: ['leg-sit-to-stand', 'leg-bridge'] } }, T1);
      await w.episode('A', { type: 'ActivatePlan', data: {} }, T1);
      await w.episode('A', { type: 'EditWelcomeText', data: { text: 'Välkommen, Anna!' } }, T1);
      w.now = Date.parse('2026-03-08T16:30:00Z'); // Sunday: the first weekly occasion
      expect(await w.episode('A', { type: 'ReportActivity', data: { occasion: '2026-03-08', answers: { trained: true } } }, patient)).toMatchObject({ ok: true });
      await w.episode('A', { type: 'SendMessage', data: { messageId: 'm1', newConversationId: 'c1', text: 'Hej' } }, patient);
      await w.episode('A', { type: 'ChangeTherapist', data: { therapistId: THERAPISTS[1], reason: 'absence' } }, adminOf(U1));
      await s.projector.catchUp();

      const modules = catalogue.modules;
      const v = await queryEpisodeProgress(s.db, 'A', { modules });
      expect(v).not.toBeNull();
      if (!v) return;
      const state = w.state('A');
      expect(v).toMatchObject({
        episodeId: 'A',
        unitId: U1,
        revision: state.revision,
        status: 'active',
        outcome: null,
        patient: { personnummer: '191212121212', kind: 'personnummer', birthDate: '1912-12-12' },
        therapistId: THERAPISTS[1],
        ordinaryTherapistId: THERAPISTS[0],
        accessUntil: '2026-06-02',
        diagnosis: { code: 'M16.1', examinedBy: THERAPISTS[0], examinedOn: null },
        welcomeText: 'Välkommen, Anna!',
        fee: { kind: 'exempted', exemptionKind: 'high-cost-card', reason: 'Frikort 2026', waivedAmountSek: 200 },
        messages: { count: 1, unread: 1 },
        journalObligationsOutstanding: 2, // assignment, conversation
        warnings: [],
        endedAt: null,
      });
      expect(v.modules.map((m) => [m.moduleId, m.visible, m.partsDone.map((p) => p.partId)])).toEqual([
        ['hip-knee', true, ['hk-training-introduction']],
        ['hand', false, []],
      ]);
      expect(v.modules[0].parts?.filter((p) => p.done).map((p) => p.partId)).toEqual(['hk-training-introduction']);
      expect(v.exercises.leg.map((x) => x.exerciseId)).toEqual(['leg-sit-to-stand', 'leg-bridge']);
      expect(v.activityPlan?.schedule).toEqual(state.plan?.schedule);
      expect(v.activityPlan?.questions).toEqual(state.plan?.questions);
      expect(v.activityPlan?.reportedOccasions).toEqual([{ occasion: '2026-03-08', reportedAt: '2026-03-08T16:30:00.000Z' }]);

      await w.episode('A', { type: 'EndEpisode', data: { outcome: 'completed' } }, T1);
      await s.projector.catchUp();
      const ended = await queryEpisodeProgress(s.db, 'A');
      expect(ended).toMatchObject({
        status: 'completed',
        outcome: 'completed',
        endedAt: w.iso,
        schoolCompleted: { basis: 'ended-as-completed', moduleId: null },
        revision: w.state('A').revision,
      });
      expect(await queryEpisodeProgress(s.db, 'nope')).toBeNull();
    });

    it('ends the absence cover when the episode moves back to the ordinary therapist, whatever the reason', async () => {
      const w = s.world;
      await w.episode('A', start('A'), T1);
      await w.episode('A', { type: 'ChangeTherapist', data: { therapistId: THERAPISTS[1], reason: 'absence' } }, adminOf(U1));
      await w.episode('A', { type: 'ChangeTherapist', data: { therapistId: THERAPISTS[2], reason: 'absence' } }, adminOf(U1));
      await s.projector.catchUp();
      expect(await queryEpisodeProgress(s.db, 'A')).toMatchObject({ therapistId: THERAPISTS[2], ordinaryTherapistId: THERAPISTS[0] });
      await w.episode('A', { type: 'ChangeTherapist', data: { therapistId: THERAPISTS[0], reason: 'absence' } }, adminOf(U1));
      await s.projector.catchUp();
      expect(await queryEpisodeProgress(s.db, 'A')).toMatchObject({ therapistId: THERAPISTS[0], ordinaryTherapistId: null });
      expect(w.state('A').absentTherapistId).toBeNull();
    });

    it('decrypts stored personal fields through the app’s reveal at query time', async () => {
      await s.world.episode('A', start('A'), T1);
      await s.projector.catchUp();
      const reveal = (v: string) => (v === '191212121212' ? 'revealed-pnr' : `clear(${v})`);
      const v = await queryEpisodeProgress(s.db, 'A', { reveal });
      expect(v?.patient.personnummer).toBe('revealed-pnr');
      expect(v?.welcomeText.startsWith('clear(')).toBe(true);
    });

    it('groups messages into conversations in order, with read markers for patient messages and the inbox flag', async () => {
      const w = s.world;
      await w.episode('A', start('A'), T1);
      await w.episode('A', { type: 'SendMessage', data: { messageId: 'm1', newConversationId: 'c1', text: 'Ont i knät' } }, patient);
      w.advance(5);
      await w.episode('A', { type: 'SendMessage', data: { messageId: 't1', newConversationId: 'c2', text: 'Ny fråga', notifyInbox: false } }, T1);
      w.advance(5);
      await w.episode('A', { type: 'SendMessage', data: { messageId: 'm2', conversationId: 'c1', newConversationId: 'x', text: 'Fortfarande ont' } }, patient);
      await w.episode('A', { type: 'SendMessage', data: { messageId: 't2', conversationId: 'c1', newConversationId: 'x', text: 'Vila idag' } }, T1);
      await w.episode('A', { type: 'SendMessage', data: { messageId: 'm3', conversationId: 'c2', newConversationId: 'x', text: 'Tack' } }, patient);
      await w.episode('A', { type: 'MarkMessagesRead', data: { upToMessageId: 'm2' } }, T1);
      await s.projector.catchUp();

      const view = await queryMessages(s.db, 'A');
      expect(view.unitId).toBe(U1);
      expect(view.unread).toBe(1);
      expect(view.conversations.map((c) => [c.conversationId, c.messages.map((m) => m.messageId)])).toEqual([
        ['c1', ['m1', 'm2', 't2']],
        ['c2', ['t1', 'm3']],
      ]);
      const byId = Object.fromEntries(view.conversations.flatMap((c) => c.messages).map((m) => [m.messageId, m]));
      expect(byId.m1).toMatchObject({ senderRole: 'patient', senderId: '1177-sob-gateway', text: 'Ont i knät', read: true, notifyInbox: false });
      expect(byId.m2.read).toBe(true);
      expect(byId.m3).toMatchObject({ read: false, readAt: null });
      expect(byId.t1).toMatchObject({ senderRole: 'therapist', senderId: THERAPISTS[0], read: null, notifyInbox: false });
      expect(byId.t2).toMatchObject({ notifyInbox: true, text: 'Vila idag' });
      expect(byId.m1.readAt).toBe(w.iso);

      const masked = await queryMessages(s.db, 'A', { reveal: () => '[removed]' });
      expect(masked.conversations[0].messages[0].text).toBe('[removed]');
      expect(await queryMessages(s.db, 'nope')).toEqual({ episodeId: 'nope', unitId: null, unread: 0, conversations: [] });
    });
  });
}
