// GET /access-log for auditors: a patient's extract (?personnummer=) or a user's report
// (?userId=), by unit and period. Reading an extract is itself logged.
import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { parseQuery } from '../http/request';
import { parseIdentityNumber } from '../../domain/shared/personnummer';
import { localDate } from '../../domain/shared/time';
import { DomainError } from '../../domain/shared/domain-error';
import { AccessLogService } from './access-log.service';

// As the other reads (src/app/read/query-schemas.ts): an empty value counts as absent,
// unknown parameters are refused.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const AccessLogQuery = z
  .object({
    personnummer: optional(z.string().max(20)),
    userId: optional(z.string().min(1).max(200)),
    unitId: optional(z.string().min(1).max(200)),
    from: optional(z.iso.datetime({ offset: true })),
    to: optional(z.iso.datetime({ offset: true })),
    afterSeq: optional(z.coerce.number().int().min(0)),
    limit: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(1000).default(200)),
    after: optional(z.string().max(40)),
  })
  .strict();

@Controller('access-log')
export class AccessLogController {
  constructor(private readonly accessLog: AccessLogService) {}

  @Get()
  @Roles('auditor')
  async list(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(AccessLogQuery, query);
    let patientKey: string | undefined;
    let canonical: string | undefined;
    if (q.personnummer !== undefined) {
      const parsed = parseIdentityNumber(q.personnummer, localDate(new Date().toISOString()));
      if (!parsed.ok) throw new DomainError('INVALID_PERSONNUMMER', `The personnummer is not valid: ${parsed.reason}.`, 'unacceptable');
      canonical = parsed.value.canonical;
      patientKey = this.accessLog.patientKeyOf(canonical);
    }
    const records = await this.accessLog.query({ patientKey, actorId: q.userId, unitId: q.unitId, from: q.from, to: q.to, afterSeq: q.afterSeq, limit: q.limit });
    if (canonical) await this.accessLog.record(actor, 'GET /access-log', [{ episodeId: null, personnummer: canonical, unitId: null }], 'access-log-extract');
    return {
      records: records.map(({ prevHash: _p, ...r }) => r),
      next: records.length === q.limit ? { afterSeq: records[records.length - 1]!.seq } : null,
    };
  }
}
