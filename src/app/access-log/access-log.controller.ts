// GET /access-log for auditors: a patient's extract (?personnummer=) or a user's report
// (?userId=), by unit and period. Reading an extract is itself logged.
import { Controller, Get, Query } from '@nestjs/common';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { parseQuery } from '../http/request';
import { parseIdentityNumber } from '../../domain/shared/personnummer';
import { localDate } from '../../domain/shared/time';
import { DomainError } from '../../domain/shared/domain-error';
import { AccessLogService } from './access-log.service';
import { AccessLogQuery } from '../read/query-schemas';
import { ApiOperation } from '../system/api-operation';
import { AccessLogView } from '../system/audit-answers';

@Controller('access-log')
export class AccessLogController {
  constructor(private readonly accessLog: AccessLogService) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({
    operationId: 'getAccessLog',
    summary: "Who read which patient's data, when, from which unit",
    description:
      "A patient's extract (`?personnummer=`, itself access-logged) or a user's report (`?userId=`), by unit and period, in pages. The records name the patient by a keyed hash, never the number.",
    tag: 'audit',
    query: AccessLogQuery,
    answer: { name: 'AccessLogView', schema: AccessLogView },
    traits: ['accessLogged'],
    errors: ['INVALID_PERSONNUMMER'],
  })
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
