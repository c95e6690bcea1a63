// Query strings of the read endpoints, validated like bodies (400 with field details).
// An empty value (`?unitId=`) counts as absent; unknown parameters are refused, so a typo
// never silently widens a report.
import { z } from 'zod';
import { isValidDate } from '../../domain/shared/time';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const Hsa = z.string().min(1).max(200);
const UnitId = Hsa.meta({ description: "A care unit's HSA id; staff may name only their own.", example: 'SE2321000131-E001' });
const TherapistId = Hsa.meta({ description: "A therapist's HSA id.", example: 'SE2321000131-T002' });
const LocalDate = z.string().refine(isValidDate, 'a date YYYY-MM-DD').meta({ description: 'A date, YYYY-MM-DD.', example: '2026-11-01' });
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM').meta({ description: 'A month, YYYY-MM.', example: '2026-11' });
const Position = z.string().regex(/^\d{1,19}$/, 'a global position: a whole number as returned by a write');
const After = Position.meta({
  description: "Wait (up to 5 s) until the read models have applied this position (a write's `position`), else 503 PROJECTION_BEHIND.",
  example: '42',
});
const Limit = z.coerce.number().int().min(1).max(1000).meta({ description: 'Items per page, 1 to 1000.', example: 100 });
const Offset = z.coerce.number().int().min(0).meta({ description: 'Items to skip (the previous page\'s `page.next.offset`).', example: 0 });
const Bool = z.enum(['true', 'false']);

/** The reads of one episode take only `?after`. */
export const EpisodeReadQuery = z.object({ after: optional(After) }).strict();

export const DashboardQuery = z
  .object({
    therapistId: optional(TherapistId.meta({ description: "A unit administrator's filter: that therapist's patients.", example: 'SE2321000131-T002' })),
    unitId: optional(UnitId),
    sort: optional(z.enum(['assignedAt', '-assignedAt']).meta({ description: 'By Momentstart, oldest first (`assignedAt`) or newest first.', example: '-assignedAt' })),
    limit: optional(Limit),
    offset: optional(Offset),
    after: optional(After),
  })
  .strict();

export const AbsenceNoticesQuery = z
  .object({
    active: optional(Bool.meta({ description: '`true`: only the notices in force now.', example: 'true' })),
    includeWithdrawn: optional(Bool.meta({ description: '`true`: withdrawn notices too (staff only).', example: 'false' })),
    after: optional(After),
  })
  .strict();

const fromTo = <T extends { from?: string; to?: string }>(q: T) => q.from === undefined || q.to === undefined || q.from <= q.to;

export const LedgerQuery = z
  .object({
    unitId: optional(UnitId),
    from: optional(LocalDate),
    to: optional(LocalDate.meta({ description: 'The last date, inclusive.', example: '2026-11-30' })),
    format: optional(z.enum(['json', 'csv']).meta({ description: 'Instead of `Accept: text/csv`.', example: 'csv' })),
    after: optional(After),
  })
  .strict()
  .refine(fromTo, { message: 'from must not be after to', path: ['to'] });

export const ObligationsQuery = z
  .object({
    status: optional(z.enum(['outstanding', 'recorded']).meta({ example: 'outstanding' })),
    unitId: optional(UnitId),
    therapistId: optional(TherapistId),
    episodeId: optional(z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'an episode id').meta({ example: '01KAX1Z3Q8M5N7P2R4S6T8V0WY' })),
    limit: optional(Limit),
    offset: optional(Offset),
    after: optional(After),
  })
  .strict();

export const OutcomesQuery = z
  .object({ unitId: optional(UnitId), from: optional(Month), to: optional(Month.meta({ description: 'The last month, inclusive.', example: '2026-12' })), after: optional(After) })
  .strict()
  .refine(fromTo, { message: 'from must not be after to', path: ['to'] });

export const TimelineQuery = z
  .object({
    revision: z.coerce.number().int().min(0).optional().meta({ description: 'The state as of this revision.', example: 2 }),
    at: z.iso.datetime({ offset: true }).optional().meta({ description: 'The state as of this instant (when the store recorded the events).', example: '2026-11-22T10:00:00Z' }),
    fromRevision: z.coerce.number().int().min(0).default(0).meta({ description: 'The first revision of the page.', example: 0 }),
    limit: z.coerce.number().int().min(1).max(1000).default(500).meta({ description: 'Entries per page, 1 to 1000.', example: 100 }),
    after: z.string().optional().meta({ description: 'Accepted for symmetry with the other reads; the timeline reads the store itself.' }),
  })
  .refine((q) => q.revision === undefined || q.at === undefined, { message: 'give revision or at, not both', path: ['at'] });

export const AccessLogQuery = z
  .object({
    personnummer: optional(z.string().max(20).meta({ description: "A patient's extract.", example: '19121212-1212' })),
    userId: optional(Hsa.meta({ description: "A user's report.", example: 'SE2321000131-T001' })),
    unitId: optional(UnitId),
    from: optional(z.iso.datetime({ offset: true }).meta({ example: '2026-11-01T00:00:00+01:00' })),
    to: optional(z.iso.datetime({ offset: true }).meta({ example: '2026-12-01T00:00:00+01:00' })),
    afterSeq: optional(z.coerce.number().int().min(0).meta({ description: "The previous page's `next.afterSeq`.", example: 200 })),
    limit: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(1000).default(200).meta({ description: 'Records per page, 1 to 1000.', example: 200 })),
    after: optional(z.string().max(40)),
  })
  .strict();

/** `GET /events`: the feed from a position, in pages. */
export const FeedQuery = z
  .object({
    after: optional(Position.meta({ description: 'Events after this position (0, or absent, for the beginning); pass the previous page\'s `next.after`.', example: '0' })),
    limit: optional(Limit.meta({ description: 'Events per page, 1 to 1000 (default 100).', example: 100 })),
  })
  .strict();

/** `GET /events/stream`: where to begin (a `Last-Event-ID` header wins). */
export const FeedStreamQuery = z.object({ after: optional(Position.meta({ description: 'Begin after this position (default 0).', example: '0' })) }).strict();
