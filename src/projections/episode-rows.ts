// The fold most projections share: one row per episode, made from its AssignmentStarted,
// then changed by each later event exactly once. An event at or before the row's
// `position` was applied already (a re-applied batch), and an event of an episode whose
// assignment this projection never saw is skipped.
import type { RecordedEvent } from '../event-store/event-store';
import type { RowSession } from './row-cache';
import { episodeData, episodeIdOf, episodeKeys, type EpisodeData } from './event-data';

export interface EpisodeRowFold<R extends { position: number }> {
  readonly table: string;
  start(episodeId: string, assignment: EpisodeData<'AssignmentStarted'>, event: RecordedEvent): R;
  /** Change `row` for `event`; position and storing are done by the fold. */
  evolve(row: R, event: RecordedEvent): void;
}

export async function foldEpisodeRows<R extends { position: number }>(
  batch: readonly RecordedEvent[],
  session: RowSession,
  fold: EpisodeRowFold<R>,
): Promise<void> {
  const rows = session.table<R>(fold.table);
  await rows.load(episodeKeys(batch));
  for (const e of batch) {
    const id = episodeIdOf(e);
    if (id === undefined) continue;
    if (e.type === 'AssignmentStarted') {
      if (!rows.get(id)) rows.set(id, fold.start(id, episodeData(e, 'AssignmentStarted'), e));
      continue;
    }
    const row = rows.get(id);
    const position = Number(e.position);
    if (!row || position <= row.position) continue;
    fold.evolve(row, e);
    row.position = position;
    rows.set(id, row);
  }
}
