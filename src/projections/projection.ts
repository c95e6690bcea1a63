// What a projection is. It declares its tables as data (TableSpec, table-spec.ts) and folds
// batches of events into rows through a row cache (RowSession): the projector decides when
// the cached rows are written (every batch in live mode, in large chunks during a rebuild),
// always in the same transaction as the projection's checkpoint. Projections never write
// SQL for their tables themselves, which keeps the write path to a few multi-row statements
// per batch. The database itself is made in read-model-db.ts.
import type { RecordedEvent } from '../event-store/event-store';
import type { RowSession } from './row-cache';
import type { TableSpec } from './table-spec';

export interface Projection {
  readonly name: string;
  /** Bump when tables or fold logic change: the projector then rebuilds from zero. */
  readonly version: number;
  readonly tables: readonly TableSpec[];
  handles(eventType: string): boolean;
  /**
   * Fold the batch (events it handles, in position order) into rows of `session`. The
   * session loads rows through the caller's transaction and the projector writes them
   * with the checkpoint, so each event takes effect once. Handlers also skip events at or
   * before a row's `position`, which makes re-applying a batch harmless.
   */
  apply(batch: readonly RecordedEvent[], session: RowSession): Promise<void>;
}
