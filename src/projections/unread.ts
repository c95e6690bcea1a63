// Unread patient messages, as the episode state counts them: the therapist's MessagesRead
// marks every message up to and including the named one (from either sender) as read.
// Kept per episode: the message ids after the read marker, starting at the first unread
// patient message (a read of anything before it changes nothing, so earlier ids are dropped).

/** [messageId, 1 when sent by the patient]. */
export type AfterRead = [string, 0 | 1][];

export function noteMessage(list: AfterRead, messageId: string, fromPatient: boolean): AfterRead {
  if (fromPatient) list.push([messageId, 1]);
  else if (list.length > 0) list.push([messageId, 0]);
  return list;
}

/** Apply a read up to `upToMessageId`; returns the remaining list and the patient messages now read. */
export function noteRead(list: AfterRead, upToMessageId: string): { list: AfterRead; read: string[] } {
  const index = list.findIndex(([id]) => id === upToMessageId);
  if (index < 0) return { list, read: [] };
  const read = list.slice(0, index + 1).filter(([, p]) => p === 1).map(([id]) => id);
  let rest = list.slice(index + 1);
  const firstPatient = rest.findIndex(([, p]) => p === 1);
  rest = firstPatient < 0 ? [] : rest.slice(firstPatient);
  return { list: rest, read };
}

export const unreadCount = (list: AfterRead) => list.reduce((n, [, p]) => n + p, 0);
