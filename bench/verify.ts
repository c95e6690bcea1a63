// The counts check: every acknowledged command's events are in the store, and every
// projection has applied all of them (checkpoints at the head, rows as the workload implies).
import type { ReadModelDb } from '../src/projections/read-model-schema';
import type { EventStore } from '../src/event-store/event-store';
import { ALL_PROJECTIONS } from '../src/projections/all-projections';
import { readCheckpoints } from '../src/projections/checkpoints';
import { qualify, run, type SqlTarget } from '../src/projections/sql';
import type { Expectations } from './workload';

/** Problems found in the store; empty when every command's events are there, gapless. */
export async function verifyStore(store: EventStore, expected: Expectations): Promise<string[]> {
  const problems: string[] = [];
  const perStream = new Map<string, number>();
  let count = 0;
  let last = 0n;
  for await (const batch of store.readAll({ batchSize: 5000 })) {
    for (const e of batch) {
      count += 1;
      if (e.position !== last + 1n) problems.push(`position gap: ${e.position} after ${last}`);
      last = e.position;
      if (e.streamId.startsWith('episode-')) perStream.set(e.streamId, e.revision);
    }
    if (problems.length > 10) break;
  }
  const head = await store.headPosition();
  if (Math.abs(count - expected.events) > expected.slack)
    problems.push(`store holds ${count} events, the acknowledged commands wrote ${expected.events}`);
  if (head !== BigInt(count)) problems.push(`head position ${head} but ${count} events`);
  let wrong = 0;
  for (const [episodeId, e] of expected.episodes) {
    const revision = perStream.get(`episode-${episodeId}`);
    if (revision !== e.revision && wrong++ < 5) problems.push(`episode ${episodeId}: stored revision ${revision}, expected ${e.revision}`);
  }
  const streams = expected.episodes.size + expected.looseEpisodes;
  if (perStream.size !== streams) problems.push(`${perStream.size} episode streams, expected ${streams}`);
  return problems;
}

const count = async (db: ReadModelDb, t: SqlTarget, table: string, where = '') =>
  Number((await run(db, t, `SELECT count(*) AS n FROM ${qualify(t, table)}${where ? ` WHERE ${where}` : ''}`))[0]!.n);

/** Problems found in the read models; empty when all projections applied every event. */
export async function verifyProjections(db: ReadModelDb, t: SqlTarget, head: bigint, expected: Expectations): Promise<string[]> {
  const problems: string[] = [];
  const checkpoints = await readCheckpoints(db, t, ALL_PROJECTIONS.map((p) => p.name));
  for (const p of ALL_PROJECTIONS) {
    const position = checkpoints.get(p.name)?.position;
    if (position !== head) problems.push(`${p.name}: checkpoint ${position}, head ${head}`);
  }
  const want: Array<[string, number, string?, number?]> = [
    ['episode_progress', expected.episodesStarted],
    ['dashboard_episodes', expected.episodesStarted],
    ['dashboard_episodes', expected.episodesStarted - expected.episodesEnded, 'active = 1'],
    ['billing_ledger', expected.episodesStarted],
    ['billing_assignments', expected.episodesStarted],
    ['outcome_episodes', expected.episodesStarted],
    ['messages', expected.messages, undefined, expected.slack],
    ['journal_obligations', expected.obligations],
    ['journal_obligations', expected.journalEntries, "status = 'recorded'"],
  ];
  for (const [table, n, where, slack = 0] of want) {
    const actual = await count(db, t, table, where);
    if (Math.abs(actual - n) > slack) problems.push(`${table}${where ? ` (${where})` : ''}: ${actual} rows, expected ${n}`);
  }
  // Per episode: the projected revision and message count follow the stream exactly.
  let wrong = 0;
  const rows = await db.selectFrom('episode_progress').select(['episode_id', 'doc']).execute();
  for (const r of rows) {
    const doc = JSON.parse(r.doc) as { revision: number; message_count: number };
    const e = expected.episodes.get(r.episode_id);
    if (!e && expected.looseEpisodes > 0) continue;
    if (!e || doc.revision !== e.revision || doc.message_count !== e.messages)
      if (wrong++ < 5) problems.push(`episode_progress ${r.episode_id}: revision ${doc.revision}/${e?.revision}, messages ${doc.message_count}/${e?.messages}`);
  }
  if (wrong > 5) problems.push(`... ${wrong} episodes wrong in episode_progress`);
  return problems;
}
