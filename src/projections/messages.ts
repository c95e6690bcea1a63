// Messages between patient and therapist, per episode, grouped into conversations in the
// order sent. A patient message carries whether (and when) the therapist has read it.
// Message texts are personal data: stored as the events carry them (ciphertext when the
// projector reads the app's raw store, so crypto-shredding the patient's key empties them
// here too) and decrypted at query time through `reveal`.
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model-schema';
import type { TableSpecFor } from './table-spec';
import { decodeRow, type RowSession } from './row-cache';
import { episodeData, episodeIdOf, episodeKeys, reveal, typeSet, type Reveal } from './event-data';
import { noteMessage, noteRead, unreadCount, type AfterRead } from './unread';

interface MessageRow {
  message_key: string;
  episode_id: string;
  message_id: string;
  conversation_id: string;
  /** 1, 2, ... within the episode, in the order sent. */
  seq: number;
  sender_role: 'therapist' | 'patient';
  sender_id: string;
  sent_at: string;
  text: string;
  notify_inbox: boolean;
  starts_conversation: boolean;
  read_at: string | null;
  read_by: string | null;
  position: number;
}

interface ThreadRow {
  episode_id: string;
  unit_id: string;
  message_count: number;
  after_read: AfterRead;
  position: number;
}

const messages: TableSpecFor<'messages'> = {
  name: 'messages',
  key: 'message_key',
  columns: { message_key: 'text', episode_id: 'text', seq: 'int', position: 'bigint' },
  fields: [
    'message_id', 'conversation_id', 'sender_role', 'sender_id', 'sent_at', 'text', 'notify_inbox', 'starts_conversation',
    'read_at', 'read_by',
  ],
  indexes: { episode: ['episode_id', 'seq'] },
};

const threads: TableSpecFor<'message_episodes'> = {
  name: 'message_episodes',
  key: 'episode_id',
  columns: { episode_id: 'text', position: 'bigint' },
  fields: ['unit_id', 'message_count', 'after_read'],
};

const keyOf = (episodeId: string, messageId: string) => `${episodeId}/${messageId}`;

export const messagesProjection: Projection = {
  name: 'messages',
  version: 1,
  tables: [messages, threads],
  handles: typeSet('AssignmentStarted', 'MessageSent', 'MessagesRead'),
  async apply(batch: readonly RecordedEvent[], session: RowSession) {
    const eps = session.table<ThreadRow>('message_episodes');
    const msgs = session.table<MessageRow>('messages');
    await eps.load(episodeKeys(batch));
    // Messages a read in this batch may mark, and those sent (to skip any already stored).
    const wanted: string[] = [];
    for (const e of batch) {
      const id = episodeIdOf(e);
      if (id === undefined) continue;
      if (e.type === 'MessageSent') wanted.push(keyOf(id, episodeData(e, 'MessageSent').messageId));
      if (e.type === 'MessagesRead') for (const [mid] of eps.get(id)?.after_read ?? []) wanted.push(keyOf(id, mid));
    }
    await msgs.load(wanted);

    for (const e of batch) {
      const id = episodeIdOf(e);
      if (id === undefined) continue;
      const position = Number(e.position);
      if (e.type === 'AssignmentStarted') {
        if (!eps.get(id)) eps.set(id, { episode_id: id, unit_id: episodeData(e, 'AssignmentStarted').unitId, message_count: 0, after_read: [], position });
        continue;
      }
      const ep = eps.get(id);
      if (!ep || position <= ep.position) continue;
      ep.position = position;
      eps.set(id, ep); // marks it changed; the mutations below land in the same object
      if (e.type === 'MessageSent') {
        const d = episodeData(e, 'MessageSent');
        const key = keyOf(id, d.messageId);
        if (msgs.get(key)) continue;
        ep.message_count += 1;
        noteMessage(ep.after_read, d.messageId, d.senderRole === 'patient');
        msgs.set(key, {
          message_key: key, episode_id: id, message_id: d.messageId, conversation_id: d.conversationId, seq: ep.message_count,
          sender_role: d.senderRole, sender_id: d.senderId, sent_at: d.at, text: d.text, notify_inbox: d.notifyInbox,
          starts_conversation: d.startsConversation, read_at: null, read_by: null, position,
        });
      } else {
        const d = episodeData(e, 'MessagesRead');
        const { list, read } = noteRead(ep.after_read, d.upToMessageId);
        ep.after_read = list;
        for (const mid of read) {
          const m = msgs.get(keyOf(id, mid));
          if (m && m.read_at === null) msgs.set(m.message_key, { ...m, read_at: d.at, read_by: d.by, position });
        }
      }
    }
  },
};

export interface MessageView {
  readonly messageId: string;
  readonly conversationId: string;
  readonly senderRole: 'therapist' | 'patient';
  readonly senderId: string;
  readonly sentAt: string;
  readonly text: string;
  /** Patient messages: read by the therapist or not. Therapist messages: null (no read receipt). */
  readonly read: boolean | null;
  readonly readAt: string | null;
  /** "Avisera till inkorgen". */
  readonly notifyInbox: boolean;
}

export interface ConversationView {
  readonly conversationId: string;
  readonly startedAt: string;
  readonly messages: readonly MessageView[];
}

export interface EpisodeMessages {
  readonly episodeId: string;
  /** Null when the projection has not seen the episode's assignment. */
  readonly unitId: string | null;
  readonly unread: number;
  readonly conversations: readonly ConversationView[];
}

/** An episode's conversations, ordered by their first message, each in the order sent. */
export async function queryMessages(
  db: ReadModelDb,
  episodeId: string,
  options: { /** Decrypts stored message texts. */ readonly reveal?: Reveal } = {},
): Promise<EpisodeMessages> {
  const [thread, rows] = await Promise.all([
    db.selectFrom('message_episodes').selectAll().where('episode_id', '=', episodeId).executeTakeFirst(),
    db.selectFrom('messages').selectAll().where('episode_id', '=', episodeId).orderBy('seq').execute(),
  ]);
  const conversations = new Map<string, { conversationId: string; startedAt: string; messages: MessageView[] }>();
  for (const raw of rows) {
    const m = decodeRow<MessageRow>(messages, raw);
    let c = conversations.get(m.conversation_id);
    if (!c) conversations.set(m.conversation_id, (c = { conversationId: m.conversation_id, startedAt: m.sent_at, messages: [] }));
    c.messages.push({
      messageId: m.message_id,
      conversationId: m.conversation_id,
      senderRole: m.sender_role,
      senderId: m.sender_id,
      sentAt: m.sent_at,
      text: await reveal(m.text, options.reveal),
      read: m.sender_role === 'patient' ? m.read_at !== null : null,
      readAt: m.read_at,
      notifyInbox: m.notify_inbox,
    });
  }
  const t = thread ? decodeRow<ThreadRow>(threads, thread) : null;
  return { episodeId, unitId: t?.unit_id ?? null, unread: t ? unreadCount(t.after_read) : 0, conversations: [...conversations.values()] };
}
