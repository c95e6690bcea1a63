// Query strings of the read endpoints, validated like bodies (400 with field details).
// An empty value (`?unitId=`) counts as absent; unknown parameters are refused, so a typo
// never silently widens a report.
import { z } from 'zod';
import { isValidDate } from '../../domain/shared/time';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const Hsa = z.string().min(1).max(200);
const LocalDate = z.string().refine(isValidDate, 'a date YYYY-MM-DD');
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const After = z.string().max(40);
const Limit = z.coerce.number().int().min(1).max(1000);
const Offset = z.coerce.number().int().min(0);

export const DashboardQuery = z
  .object({
    therapistId: optional(Hsa),
    unitId: optional(Hsa),
    sort: optional(z.enum(['assignedAt', '-assignedAt'])),
    limit: optional(Limit),
    offset: optional(Offset),
    after: optional(After),
  })
  .strict();

export const AbsenceNoticesQuery = z
  .object({
    active: optional(z.enum(['true', 'false'])),
    includeWithdrawn: optional(z.enum(['true', 'false'])),
    after: optional(After),
  })
  .strict();

const fromTo = <T extends { from?: string; to?: string }>(q: T) => q.from === undefined || q.to === undefined || q.from <= q.to;

export const LedgerQuery = z
  .object({ unitId: optional(Hsa), from: optional(LocalDate), to: optional(LocalDate), format: optional(z.enum(['json', 'csv'])), after: optional(After) })
  .strict()
  .refine(fromTo, { message: 'from must not be after to', path: ['to'] });

export const ObligationsQuery = z
  .object({
    status: optional(z.enum(['outstanding', 'recorded'])),
    unitId: optional(Hsa),
    therapistId: optional(Hsa),
    episodeId: optional(z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'an episode id')),
    limit: optional(Limit),
    offset: optional(Offset),
    after: optional(After),
  })
  .strict();

export const OutcomesQuery = z
  .object({ unitId: optional(Hsa), from: optional(Month), to: optional(Month), after: optional(After) })
  .strict()
  .refine(fromTo, { message: 'from must not be after to', path: ['to'] });
