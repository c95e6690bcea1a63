// Messages and the responsible therapist: SendMessage, MarkMessagesRead, ChangeTherapist.
import { episodeSpec } from './decider-specification';
import {
  GATEWAY_ID,
  NOW,
  STAND_IN_ID,
  THERAPIST_ID,
  THIRD_THERAPIST_ID,
  ZV051_CODES,
  asPatient,
  assigned,
  ended,
  endedAfter,
  messageSent,
  obligationRaised,
  standIn,
  therapistChanged,
  unitAdmin,
} from './fixtures';
import type { CommandOf } from '../../src/domain/episode/commands';
import type { EpisodeEvent } from '../../src/domain/episode/events';
import { foldEpisode } from '../../src/domain/episode/decider';
import { unreadCount } from '../../src/domain/episode/state';

const episode = episodeSpec();
const TEXT = 'Hur går det med träningen?';
const send = (o: Partial<CommandOf<'SendMessage'>['data']> = {}): CommandOf<'SendMessage'> => ({
  type: 'SendMessage',
  data: { messageId: 'msg-1', newConversationId: 'conv-1', text: TEXT, ...o },
});
const readUpTo = (upToMessageId: string): CommandOf<'MarkMessagesRead'> => ({ type: 'MarkMessagesRead', data: { upToMessageId } });
const change = (therapistId: string, reason: 'absence' | 'reassignment' | 'return'): CommandOf<'ChangeTherapist'> => ({
  type: 'ChangeTherapist',
  data: { therapistId, reason },
});

/** A conversation the patient started (revisions 3-4), then a reply from the therapist (5). */
const withConversation = (): EpisodeEvent[] => [
  ...assigned(),
  messageSent('msg-1', 'conv-1', { startsConversation: true }),
  obligationRaised('conversation', 3, { conversationId: 'conv-1' }),
  messageSent('msg-2', 'conv-1', { senderRole: 'therapist', senderId: THERAPIST_ID, notifyInbox: true }),
];

describe('SendMessage', () => {
  it('starts a conversation from the therapist, notifying the inbox by default, and raises its journal obligation', () => {
    episode
      .given(assigned())
      .when(send())
      .then([
        {
          type: 'MessageSent',
          data: { messageId: 'msg-1', conversationId: 'conv-1', startsConversation: true, senderRole: 'therapist', senderId: THERAPIST_ID, text: TEXT, notifyInbox: true, at: NOW },
        },
        {
          type: 'JournalObligationRaised',
          data: {
            obligationId: 'conversation-conv-1',
            trigger: 'conversation',
            triggerRevision: 3,
            conversationId: 'conv-1',
            kvaCodes: ['GB020', 'ZV044'],
            diagnosisCode: 'M17.1',
            searchWord: 'Artrosbehandling',
            therapistId: THERAPIST_ID,
            at: NOW,
          },
        },
      ]);
  });

  it('lets the therapist untick "Avisera till inkorgen"', () => {
    episode.given(assigned()).when(send({ notifyInbox: false })).then(([m]) => expect(m).toMatchObject({ data: { notifyInbox: false } }));
  });

  it('starts a conversation from the patient, with its obligation', () => {
    episode
      .given(assigned())
      .when(send({ text: 'Knät svullnar efter övningarna.' }), asPatient())
      .then(([m, o]) => {
        expect(m).toStrictEqual({
          type: 'MessageSent',
          data: {
            messageId: 'msg-1',
            conversationId: 'conv-1',
            startsConversation: true,
            senderRole: 'patient',
            senderId: GATEWAY_ID,
            text: 'Knät svullnar efter övningarna.',
            notifyInbox: false,
            at: NOW,
          },
        });
        expect(o).toStrictEqual(obligationRaised('conversation', 3, { conversationId: 'conv-1' }));
      });
  });

  it('does not notify the patient\'s own inbox of the patient\'s message', () => {
    episode.given(assigned()).when(send({ notifyInbox: true }), asPatient()).then(([m]) => expect(m).toMatchObject({ data: { notifyInbox: false } }));
  });

  it('adds a reply to the named conversation without a new obligation', () => {
    episode
      .given(withConversation())
      .when(send({ messageId: 'msg-3', conversationId: 'conv-1', newConversationId: 'conv-unused' }), asPatient())
      .then([
        { type: 'MessageSent', data: { messageId: 'msg-3', conversationId: 'conv-1', startsConversation: false, senderRole: 'patient', senderId: GATEWAY_ID, text: TEXT, notifyInbox: false, at: NOW } },
      ]);
  });

  it('raises one obligation per conversation: a second conversation gets its own', () => {
    episode
      .given(withConversation())
      .when(send({ messageId: 'msg-3', newConversationId: 'conv-2' }))
      .then(([, o]) => expect(o).toStrictEqual(obligationRaised('conversation', 6, { conversationId: 'conv-2' })));
  });

  it('puts the responsible therapist and the unit\'s KVÅ codes on the conversation obligation', () => {
    episode
      .given([...assigned({ journalCodes: ZV051_CODES }), therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence')])
      .when(send(), asPatient())
      .then(([, o]) => expect(o).toMatchObject({ data: { therapistId: STAND_IN_ID, kvaCodes: ['GB020', 'ZV051'] } }));
  });

  it('does nothing when a message id is sent again (a retry)', () => {
    episode.given(withConversation()).when(send({ messageId: 'msg-2', conversationId: 'conv-1' })).thenNothingHappened();
  });

  it('refuses a reply to a conversation the episode does not have', () => {
    episode.given(withConversation()).when(send({ messageId: 'msg-3', conversationId: 'conv-404' })).thenThrows('UNKNOWN_CONVERSATION', 'unacceptable');
  });

  it('refuses the patient\'s message after the access period', () => {
    episode.given(assigned()).when(send(), asPatient('2027-02-23T10:00:00.000Z')).thenThrows('ACCESS_PERIOD_OVER');
  });

  it('still lets the therapist write after the access period', () => {
    episode.given(assigned()).when(send(), { now: '2027-02-23T10:00:00.000Z' }).then((e) => expect(e.map((x) => x.type)).toEqual(['MessageSent', 'JournalObligationRaised']));
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(send()).thenThrows('NOT_FOUND');
  });

  it('refuses after the end, from either side', () => {
    episode.given(ended()).when(send()).thenThrows('EPISODE_ENDED');
    episode.given(ended()).when(send(), asPatient()).thenThrows('EPISODE_ENDED');
  });
});

describe('MarkMessagesRead and the unread marker', () => {
  /** Patient messages msg-1, msg-3, msg-5; therapist replies msg-2 and msg-4. */
  const history = (): EpisodeEvent[] => [
    ...withConversation(),
    messageSent('msg-3', 'conv-1'),
    messageSent('msg-4', 'conv-1', { senderRole: 'therapist', senderId: THERAPIST_ID, notifyInbox: true }),
    messageSent('msg-5', 'conv-1'),
  ];

  it('counts the patient\'s messages as unread until the therapist reads them', () => {
    expect(unreadCount(foldEpisode(history()))).toBe(3);
  });

  it('never counts the therapist\'s own messages as unread', () => {
    expect(unreadCount(foldEpisode([...assigned(), messageSent('msg-1', 'conv-1', { senderRole: 'therapist', senderId: THERAPIST_ID, startsConversation: true })]))).toBe(0);
  });

  it('marks messages read up to one message, leaving later ones unread', () => {
    episode
      .given(history())
      .when(readUpTo('msg-3'))
      .then((events, after) => {
        expect(events).toStrictEqual([{ type: 'MessagesRead', data: { upToMessageId: 'msg-3', by: THERAPIST_ID, at: NOW } }]);
        expect(unreadCount(after)).toBe(1);
      });
  });

  it('clears the marker when read up to the last message', () => {
    episode.given(history()).when(readUpTo('msg-5')).then((_, after) => expect(unreadCount(after)).toBe(0));
  });

  it('does nothing when the message is already read', () => {
    const read: EpisodeEvent = { type: 'MessagesRead', data: { upToMessageId: 'msg-5', by: THERAPIST_ID, at: NOW } };
    episode.given([...history(), read]).when(readUpTo('msg-3')).thenNothingHappened();
    episode.given([...history(), read]).when(readUpTo('msg-5')).thenNothingHappened();
  });

  it('refuses a message the episode does not have', () => {
    episode.given(history()).when(readUpTo('msg-404')).thenThrows('UNKNOWN_MESSAGE', 'unacceptable');
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(readUpTo('msg-1')).thenThrows('NOT_FOUND');
  });

  it('refuses after the end', () => {
    episode.given(endedAfter(history())).when(readUpTo('msg-5')).thenThrows('EPISODE_ENDED');
  });
});

describe('ChangeTherapist ("Byt behandlare")', () => {
  const absent = () => [...assigned(), therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence')];

  it('moves the patient to a stand-in during an absence', () => {
    episode
      .given(assigned())
      .when(change(STAND_IN_ID, 'absence'), { actor: unitAdmin })
      .then([{ type: 'TherapistChanged', data: { fromTherapistId: THERAPIST_ID, toTherapistId: STAND_IN_ID, reason: 'absence', by: unitAdmin.id, at: NOW } }]);
  });

  it('moves the patient back to the ordinary therapist on return', () => {
    episode
      .given(absent())
      .when(change(THERAPIST_ID, 'return'), { actor: standIn })
      .then([{ type: 'TherapistChanged', data: { fromTherapistId: STAND_IN_ID, toTherapistId: THERAPIST_ID, reason: 'return', by: STAND_IN_ID, at: NOW } }]);
  });

  it('remembers the ordinary therapist across a second absence', () => {
    const twice = [...absent(), therapistChanged(STAND_IN_ID, THIRD_THERAPIST_ID, 'absence')];
    episode.given(twice).when(change(THERAPIST_ID, 'return')).then(([e]) => expect(e).toMatchObject({ data: { fromTherapistId: THIRD_THERAPIST_ID, toTherapistId: THERAPIST_ID } }));
    episode.given(twice).when(change(STAND_IN_ID, 'return')).thenThrows('NOT_ORDINARY_THERAPIST');
  });

  it('reassigns for good to another therapist', () => {
    episode
      .given(assigned())
      .when(change(THIRD_THERAPIST_ID, 'reassignment'), { actor: unitAdmin })
      .then([{ type: 'TherapistChanged', data: { fromTherapistId: THERAPIST_ID, toTherapistId: THIRD_THERAPIST_ID, reason: 'reassignment', by: unitAdmin.id, at: NOW } }]);
  });

  it('refuses to move the patient to the therapist they already have', () => {
    episode.given(assigned()).when(change(THERAPIST_ID, 'reassignment')).thenThrows('SAME_THERAPIST');
  });

  it('refuses a return when there was no absence', () => {
    episode.given(assigned()).when(change(STAND_IN_ID, 'return')).thenThrows('NO_ABSENCE_TO_RETURN_FROM');
  });

  it('refuses a return after a reassignment ended the absence', () => {
    episode.given([...absent(), therapistChanged(STAND_IN_ID, THIRD_THERAPIST_ID, 'reassignment')]).when(change(THERAPIST_ID, 'return')).thenThrows('NO_ABSENCE_TO_RETURN_FROM');
  });

  it('refuses a second return', () => {
    episode.given([...absent(), therapistChanged(STAND_IN_ID, THERAPIST_ID, 'return')]).when(change(STAND_IN_ID, 'return')).thenThrows('NO_ABSENCE_TO_RETURN_FROM');
  });

  it('refuses a "return" to someone other than the ordinary therapist', () => {
    episode.given(absent()).when(change(THIRD_THERAPIST_ID, 'return')).thenThrows('NOT_ORDINARY_THERAPIST');
  });

  it('refuses on a missing episode', () => {
    episode.given([]).when(change(STAND_IN_ID, 'absence')).thenThrows('NOT_FOUND');
  });

  it('refuses after the end', () => {
    episode.given(ended()).when(change(STAND_IN_ID, 'absence')).thenThrows('EPISODE_ENDED');
  });
});
