// Absence notices (frånvaromeddelanden) per care unit: from, to, text, withdrawn.
// The dashboard and the patient view join the unit's current notice at query time.
import type { RecordedEvent } from '../event-store/event-store';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model-schema';
import type { TableSpecFor } from './table-spec';
import { decodeRow, type RowSession } from './row-cache';
import { typeSet, unitData } from './event-data';
import { utc } from './stockholm';

interface NoticeRow {
  notice_key: string;
  unit_id: string;
  notice_id: string;
  /** UTC ISO, so that text comparison is time comparison. */
  from_at: string;
  to_at: string;
  text: string;
  published_at: string;
  published_by: string;
  withdrawn: boolean;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  position: number;
}

const notices: TableSpecFor<'absence_notices'> = {
  name: 'absence_notices',
  key: 'notice_key',
  columns: { notice_key: 'text', unit_id: 'text', from_at: 'text', to_at: 'text', withdrawn: 'bool', position: 'bigint' },
  fields: ['notice_id', 'text', 'published_at', 'published_by', 'withdrawn_at', 'withdrawn_by'],
  indexes: { unit: ['unit_id', 'from_at'] },
};

const keyOf = (unitId: string, noticeId: string) => `${unitId}/${noticeId}`;

export const absenceNoticesProjection: Projection = {
  name: 'absence_notices',
  version: 1,
  tables: [notices],
  handles: typeSet('AbsenceNoticePublished', 'AbsenceNoticeWithdrawn'),
  async apply(batch: readonly RecordedEvent[], session: RowSession) {
    const rows = session.table<NoticeRow>('absence_notices');
    await rows.load(batch.map((e) => keyOf(e.data.unitId as string, e.data.noticeId as string)));
    for (const e of batch) {
      const position = Number(e.position);
      if (e.type === 'AbsenceNoticePublished') {
        const d = unitData(e, 'AbsenceNoticePublished');
        const key = keyOf(d.unitId, d.noticeId);
        if (rows.get(key)) continue;
        rows.set(key, {
          notice_key: key,
          unit_id: d.unitId,
          notice_id: d.noticeId,
          from_at: utc(d.from),
          to_at: utc(d.to),
          text: d.text,
          published_at: d.at,
          published_by: d.by,
          withdrawn: false,
          withdrawn_at: null,
          withdrawn_by: null,
          position,
        });
      } else {
        const d = unitData(e, 'AbsenceNoticeWithdrawn');
        const key = keyOf(d.unitId, d.noticeId);
        const row = rows.get(key);
        if (!row || position <= row.position) continue;
        rows.set(key, { ...row, withdrawn: true, withdrawn_at: d.at, withdrawn_by: d.by, position });
      }
    }
  },
};

export interface AbsenceNoticeView {
  readonly noticeId: string;
  readonly unitId: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly publishedAt: string;
  readonly publishedBy: string;
  readonly withdrawn: boolean;
  readonly withdrawnAt: string | null;
}

const toView = (r: NoticeRow): AbsenceNoticeView => ({
  noticeId: r.notice_id,
  unitId: r.unit_id,
  from: r.from_at,
  to: r.to_at,
  text: r.text,
  publishedAt: r.published_at,
  publishedBy: r.published_by,
  withdrawn: r.withdrawn,
  withdrawnAt: r.withdrawn_at,
});

export interface AbsenceNoticeFilter {
  /** Only notices in force at this instant (from <= at < to), not withdrawn. */
  readonly activeAt?: string;
  /** Include withdrawn notices (default false). */
  readonly includeWithdrawn?: boolean;
}

/** A unit's notices, ordered by start. */
export async function queryAbsenceNotices(db: ReadModelDb, unitId: string, filter: AbsenceNoticeFilter = {}): Promise<AbsenceNoticeView[]> {
  let q = db.selectFrom('absence_notices').selectAll().where('unit_id', '=', unitId);
  if (!filter.includeWithdrawn || filter.activeAt) q = q.where('withdrawn', '=', 0);
  if (filter.activeAt) {
    const at = utc(filter.activeAt);
    q = q.where('from_at', '<=', at).where('to_at', '>', at);
  }
  const rows = await q.orderBy('from_at').orderBy('notice_key').execute();
  return rows.map((r) => toView(decodeRow<NoticeRow>(notices, r)));
}

/** The unit's notice in force now (the latest started when several overlap), or null. */
export async function currentAbsenceNotice(db: ReadModelDb, unitId: string, now: string): Promise<AbsenceNoticeView | null> {
  const active = await queryAbsenceNotices(db, unitId, { activeAt: now });
  return active.length ? active[active.length - 1] : null;
}
