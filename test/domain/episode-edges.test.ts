// Edge cases of the episode decider that the mutation run found unpinned: the very first
// message, a reply naming a stale new-conversation id, free-text plan answers, and the
// regional fee age rule exactly at its `under` and `from` ages (with the recorded reason).
import { episodeSpec } from './decider-specification';
import { GATEWAY_ID, NOW, THERAPIST_ID, asPatient, assigned, messageSent, obligationRaised, settingsWith, startAssignment } from './fixtures';
import type { CommandOf } from '../../src/domain/episode/commands';
import type { EpisodeEvent, EventOf, PlanQuestion } from '../../src/domain/episode/events';

const episode = episodeSpec();

describe('MarkMessagesRead at the first message', () => {
  it('marks the very first message of the episode (index 0) as read', () => {
    episode
      .given([...assigned(), messageSent('msg-1', 'conv-1', { startsConversation: true })])
      .when({ type: 'MarkMessagesRead', data: { upToMessageId: 'msg-1' } })
      .then([{ type: 'MessagesRead', data: { upToMessageId: 'msg-1', by: THERAPIST_ID, at: NOW } }]);
  });
});

describe('SendMessage: a reply and its newConversationId', () => {
  /** Two conversations: conv-1 (revisions 3-4) and conv-2 (5-6). */
  const twoConversations = (): EpisodeEvent[] => [
    ...assigned(),
    messageSent('msg-1', 'conv-1', { startsConversation: true }),
    obligationRaised('conversation', 3, { conversationId: 'conv-1' }),
    messageSent('msg-2', 'conv-2', { startsConversation: true }),
    obligationRaised('conversation', 5, { conversationId: 'conv-2' }),
  ];

  it('ignores the newConversationId of a reply, even when it names another existing conversation', () => {
    episode
      .given(twoConversations())
      .when({ type: 'SendMessage', data: { messageId: 'msg-3', conversationId: 'conv-2', newConversationId: 'conv-1', text: 'Tack, det går bättre nu.' } }, asPatient())
      .then([
        {
          type: 'MessageSent',
          data: {
            messageId: 'msg-3',
            conversationId: 'conv-2',
            startsConversation: false,
            senderRole: 'patient',
            senderId: GATEWAY_ID,
            text: 'Tack, det går bättre nu.',
            notifyInbox: false,
            at: NOW,
          },
        },
      ]);
  });

  it('still refuses a new conversation whose id is taken', () => {
    episode
      .given(twoConversations())
      .when({ type: 'SendMessage', data: { messageId: 'msg-3', newConversationId: 'conv-1', text: 'Hej igen!' } }, asPatient())
      .thenThrows('DUPLICATE_CONVERSATION', 'unacceptable');
  });
});

describe('ReportActivity: answers of every answer type', () => {
  const QUESTIONS: PlanQuestion[] = [
    { id: 'trained', text: 'Har du tränat enligt ditt program?', answerType: 'yes-no', mandatory: false },
    { id: 'activity-type', text: 'Vilken typ av aktivitet utförde du?', answerType: 'text', mandatory: true },
    { id: 'experience', text: 'Hur upplevde du träningen?', answerType: 'scale-0-10', mandatory: false },
  ];
  const withPlan = (): EpisodeEvent[] => [
    ...assigned(),
    {
      type: 'PlanActivated',
      data: {
        questions: QUESTIONS,
        schedule: { startDate: '2026-11-22', repeat: 'until-further-notice', endDate: null, interval: 'weekly', weekday: 'sunday', time: '16:00', reportWindowDays: 3 },
        by: THERAPIST_ID,
        at: NOW,
      },
    },
  ];
  const report = (answers: CommandOf<'ReportActivity'>['data']['answers']): CommandOf<'ReportActivity'> => ({
    type: 'ReportActivity',
    data: { occasion: '2026-11-22', answers },
  });

  it('accepts a free-text answer to a text question', () => {
    episode
      .given(withPlan())
      .when(report({ 'activity-type': 'Promenad, 30 minuter' }), asPatient())
      .then([{ type: 'ActivityReported', data: { occasion: '2026-11-22', answers: { 'activity-type': 'Promenad, 30 minuter' }, at: NOW } }]);
  });

  it('accepts a text, a yes-no and a scale answer together', () => {
    const answers = { trained: true, 'activity-type': 'Cykling', experience: 10 };
    episode
      .given(withPlan())
      .when(report(answers), asPatient())
      .then([{ type: 'ActivityReported', data: { occasion: '2026-11-22', answers, at: NOW } }]);
  });

  it('refuses a number as the answer to a text question', () => {
    const error = episode.given(withPlan()).when(report({ 'activity-type': 5 }), asPatient()).thenThrows('INVALID_ANSWER', 'unacceptable');
    expect(error.details).toEqual([{ path: 'answers.activity-type', problem: 'expected text' }]);
  });
});

describe('StartAssignment: the regional fee age rule at its boundaries', () => {
  // 20190101-2391 is 7 on 2026-11-22; 19121212-1212 is 113.
  const CHILD = '20190101-2391';
  const feeLine = (personnummer: string, ageExemption: { under?: number; from?: number }) => {
    let line: EpisodeEvent | undefined;
    episode
      .given([])
      .when(startAssignment({ personnummer }), { settings: settingsWith({ ageExemption }) })
      .then(([, f]) => {
        line = f;
      });
    return line;
  };
  const exempted = (reason: string): EventOf<'FeeExempted'> => ({
    type: 'FeeExempted',
    data: { kind: 'age', reason: `Regional age rule: ${reason}`, waivedAmountSek: 200, at: NOW },
  });
  const charged: EventOf<'FeeCharged'> = { type: 'FeeCharged', data: { amountSek: 200, currency: 'SEK', at: NOW } };

  it('exempts a patient exactly at the "from" age (from 7: a 7-year-old)', () => {
    expect(feeLine(CHILD, { from: 7 })).toStrictEqual(exempted('age 7, 7 or older'));
  });

  it('charges a patient one year under the "from" age (from 8: a 7-year-old)', () => {
    expect(feeLine(CHILD, { from: 8 })).toStrictEqual(charged);
  });

  it('charges a patient exactly at the "under" age (under 7: a 7-year-old)', () => {
    expect(feeLine(CHILD, { under: 7 })).toStrictEqual(charged);
  });

  it('exempts a patient one year under the "under" age (under 8: a 7-year-old)', () => {
    expect(feeLine(CHILD, { under: 8 })).toStrictEqual(exempted('age 7, under 8'));
  });

  it('with both rules, records the "from" reason for an old patient (under 18, from 85: 113 years)', () => {
    expect(feeLine('19121212-1212', { under: 18, from: 85 })).toStrictEqual(exempted('age 113, 85 or older'));
  });

  it('with both rules, records the "under" reason for a child (under 18, from 85: 7 years)', () => {
    expect(feeLine(CHILD, { under: 18, from: 85 })).toStrictEqual(exempted('age 7, under 18'));
  });

  it('with rules that meet (under 7, from 7), a 7-year-old is exempted for being 7 or older, not under 7', () => {
    expect(feeLine(CHILD, { under: 7, from: 7 })).toStrictEqual(exempted('age 7, 7 or older'));
  });

  it('charges everyone between the two rules (under 7, from 8: a 7-year-old)', () => {
    expect(feeLine(CHILD, { under: 7, from: 8 })).toStrictEqual(charged);
  });
});
