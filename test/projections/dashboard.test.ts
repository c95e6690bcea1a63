// Given episodes and unit events, the dashboard and the absence notices read as a therapist expects.
import { queryDashboard } from '../../src/projections/dashboard';
import { currentAbsenceNotice, queryAbsenceNotices } from '../../src/projections/absence-notices';
import { catalogue } from '../../src/domain/reference/catalogue';
import { BACKENDS, closeSharedPool, setup, type Setup } from './harness';
import { adminOf, patientOf, start, therapistOf, THERAPISTS, UNITS } from './world';

const PARTS = Object.fromEntries(catalogue.modules.map((m) => [m.id, m.parts.length]));
const [U1, U2] = UNITS;
const T1 = therapistOf(U1, 0);
const patient = patientOf(U1);
const send = (messageId: string, text = 'Hej!', conversationId?: string) =>
  ({ type: 'SendMessage', data: { messageId, newConversationId: `c-${messageId}`, text, ...(conversationId ? { conversationId } : {}) } }) as const;

afterAll(closeSharedPool);

for (const backend of BACKENDS) {
  // PostgreSQL runs only when DATABASE_URL names a server (CI starts one); otherwise skipped.
  const suite = backend.available ? describe : describe.skip;
  suite(`dashboard and absence notices (${backend.name})`, () => {
    let s: Setup;
    beforeEach(async () => {
      s = await setup(backend);
      const w = s.world;
      await w.episode('A', start('A', { loggedIn: false }), T1);
      w.advance(60);
      await w.episode('B', start('B', { therapistId: THERAPISTS[1], personnummer: '20190101-2391' }), T1);
      w.advance(60);
      await w.episode('C', start('C', { unitId: U2 }), therapistOf(U2));
      w.advance(60);
      await w.episode('A', { type: 'CompletePart', data: { moduleId: 'hip-knee', partId: 'hk-about-osteoarthritis' } }, patient);
      await w.episode('A', { type: 'CompletePart', data: { moduleId: 'hip-knee', partId: 'hk-pain' } }, patient);
      await w.episode('A', { type: 'CompletePart', data: { moduleId: 'hand', partId: 'hand-pain' } }, patient);
      await w.episode('A', { type: 'HideModule', data: { moduleId: 'hand' } }, T1);
      await w.episode('A', send('m1'), patient);
      await w.episode('A', send('m2', 'Och en fråga till', 'c-m1'), patient);
    });
    afterEach(() => s.close());

    it('lists the unit’s active episodes with masked patient, progress over visible parts, unread marker and warnings', async () => {
      await s.projector.catchUp();
      const view = await queryDashboard(s.db, { unitId: U1, partsPerModule: PARTS });
      expect(view.episodes.map((e) => e.episodeId)).toEqual(['A', 'B']);
      const a = view.episodes[0];
      expect(a.patient).toEqual({ personnummerMasked: '19121212-****' });
      expect(JSON.stringify(view)).not.toContain('191212121212');
      expect(a.progress).toEqual({ partsDone: 2, totalParts: PARTS['hip-knee'], hiddenModules: ['hand'] });
      expect(a.unreadMessages).toMatchObject({ marker: true, count: 2 });
      expect(a.warnings).toEqual(['PATIENT_NEVER_LOGGED_IN', 'NOTIFICATIONS_DISABLED']);
      expect(a.therapistId).toBe(THERAPISTS[0]);
      expect(a.accessUntil).toBe('2026-06-02');
      expect(view.episodes[1].progress).toEqual({ partsDone: 0, totalParts: PARTS['hip-knee'] + PARTS.hand, hiddenModules: [] });
      expect(view.absenceNotice).toBeNull();
    });

    it('sorts by assignment date both ways and filters by therapist, following a change of therapist', async () => {
      await s.world.episode('B', { type: 'ChangeTherapist', data: { therapistId: THERAPISTS[2], reason: 'absence' } }, adminOf(U1));
      await s.projector.catchUp();
      const desc = await queryDashboard(s.db, { unitId: U1, sort: '-assignedAt' });
      expect(desc.episodes.map((e) => e.episodeId)).toEqual(['B', 'A']);
      expect((await queryDashboard(s.db, { unitId: U1, therapistId: THERAPISTS[1] })).episodes).toEqual([]);
      expect((await queryDashboard(s.db, { unitId: U1, therapistId: THERAPISTS[2] })).episodes.map((e) => e.episodeId)).toEqual(['B']);
      expect((await queryDashboard(s.db, { unitId: U2 })).episodes.map((e) => e.episodeId)).toEqual(['C']);
    });

    it('clears the unread marker as the therapist reads, also when reading up to their own reply', async () => {
      const w = s.world;
      await w.episode('A', { type: 'MarkMessagesRead', data: { upToMessageId: 'm1' } }, T1);
      await s.projector.catchUp();
      expect((await queryDashboard(s.db, { unitId: U1 })).episodes[0].unreadMessages).toMatchObject({ marker: true, count: 1 });
      await w.episode('A', send('r1', 'Svar', 'c-m1'), T1);
      await w.episode('A', { type: 'MarkMessagesRead', data: { upToMessageId: 'r1' } }, T1);
      await s.projector.catchUp();
      expect((await queryDashboard(s.db, { unitId: U1 })).episodes[0].unreadMessages).toMatchObject({ marker: false, count: 0 });
    });

    it('drops ended episodes', async () => {
      await s.world.episode('A', { type: 'EndEpisode', data: { outcome: 'abandoned' } }, T1);
      await s.projector.catchUp();
      expect((await queryDashboard(s.db, { unitId: U1 })).episodes.map((e) => e.episodeId)).toEqual(['B']);
    });

    it('joins the unit’s absence notice in force, and lists, filters and withdraws notices', async () => {
      const w = s.world;
      const from = new Date(w.now - 3_600_000).toISOString();
      const to = new Date(w.now + 7 * 86_400_000).toISOString();
      await w.unit(U1, { type: 'PublishAbsenceNotice', data: { unitId: U1, noticeId: 'n1', from, to, text: 'Mottagningen är stängd v. 12' } }, adminOf(U1));
      const later = new Date(w.now + 30 * 86_400_000).toISOString();
      const laterTo = new Date(w.now + 31 * 86_400_000).toISOString();
      await w.unit(U1, { type: 'PublishAbsenceNotice', data: { unitId: U1, noticeId: 'n2', from: later, to: laterTo, text: 'Stängt' } }, adminOf(U1));
      await s.projector.catchUp();
      const view = await queryDashboard(s.db, { unitId: U1, now: w.iso });
      expect(view.absenceNotice).toMatchObject({ noticeId: 'n1', text: 'Mottagningen är stängd v. 12', from, to, withdrawn: false });
      expect((await queryDashboard(s.db, { unitId: U2, now: w.iso })).absenceNotice).toBeNull();
      expect((await queryAbsenceNotices(s.db, U1)).map((n) => n.noticeId)).toEqual(['n1', 'n2']);
      expect((await queryAbsenceNotices(s.db, U1, { activeAt: later })).map((n) => n.noticeId)).toEqual(['n2']);

      await w.unit(U1, { type: 'WithdrawAbsenceNotice', data: { unitId: U1, noticeId: 'n1' } }, adminOf(U1));
      await s.projector.catchUp();
      expect(await currentAbsenceNotice(s.db, U1, w.iso)).toBeNull();
      expect((await queryAbsenceNotices(s.db, U1)).map((n) => n.noticeId)).toEqual(['n2']);
      const all = await queryAbsenceNotices(s.db, U1, { includeWithdrawn: true });
      expect(all.map((n) => [n.noticeId, n.withdrawn])).toEqual([['n1', true], ['n2', false]]);
    });
  });
}
