// Writes on a care unit: absence notices to citizens, and the unit's settings.
import { Controller, Delete, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { newId } from '../ids';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { forbidden } from '../http/api-error';
import { parseBody, refuseBody, writeOptions } from '../http/request';
import { AbsenceNoticeBody, NoticeIdParam, UnitIdParam, UnitSettingsBody } from '../episodes/request-schemas';
import { ExecuteUnitCommand } from '../episodes/episode.handlers';
import type { UnitWriteAnswer } from './unit.service';
import type { UnitCommand } from '../../domain/unit/unit';
import { ErasureBody, ErasureService } from '../privacy/erasure.service';
import { ApiOperation } from '../system/api-operation';
import * as A from '../system/write-answers';

const UnitPath = { unitId: UnitIdParam };

@Controller('units')
export class UnitsWriteController {
  constructor(
    private readonly commands: CommandBus,
    private readonly erasures: ErasureService,
  ) {}

  /** GDPR erasure of personal data outside the journal (crypto-shredding). */
  @Post(':unitId/patient-erasures')
  @HttpCode(200)
  @Roles('unit_admin')
  @ApiOperation({
    operationId: 'erasePatientData',
    summary: 'Erase personal data outside the journal (crypto-shredding)',
    description:
      "Destroys the patient's data key at the unit: personnummer, message texts and other free text then read `[removed]` everywhere, while events, codes, dates and totals stay. Refused while the patient has an active episode. The erasure is itself an event.",
    tag: 'privacy',
    params: UnitPath,
    body: { schema: ErasureBody, required: true, example: { personnummer: '19121212-1212', reason: 'Begäran enligt GDPR art. 17' } },
    answer: { name: 'ErasureAnswer', schema: A.ErasureAnswer },
    errors: ['INVALID_PERSONNUMMER', 'NOT_FOUND', 'PATIENT_HAS_ACTIVE_EPISODE', 'CONCURRENCY_CONFLICT', 'STORE_UNAVAILABLE'],
  })
  erase(@Param('unitId') unitId: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    assertOwnUnit(unitId, actor);
    return this.erasures.erase(unitId, parseBody(ErasureBody, req), actor, writeOptions(req));
  }

  @Post(':unitId/absence-notices')
  @HttpCode(201)
  @Roles('unit_admin')
  @ApiOperation({
    operationId: 'publishAbsenceNotice',
    summary: 'Publish a unit-wide absence notice to citizens (frånvaromeddelande)',
    description: 'In force from `from` (inclusive) to `to` (exclusive); patients see it in 1177 while it is.',
    tag: 'units',
    params: UnitPath,
    body: {
      schema: AbsenceNoticeBody,
      required: true,
      example: { from: '2026-11-23T07:00:00+01:00', to: '2026-11-26T07:00:00+01:00', text: 'Mottagningen är stängd 23-25 november. Vid akuta besvär, ring 1177.' },
    },
    answer: { name: 'AbsenceNoticeAnswer', schema: A.AbsenceNoticeAnswer, description: 'The notice is published.' },
    answerHeaders: ['ETag'],
    traits: ['write'],
    errors: ['INVALID_ABSENCE_WINDOW', 'ABSENCE_WINDOW_PASSED'],
  })
  publish(@Param('unitId') unitId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    assertOwnUnit(unitId, actor);
    const data = parseBody(AbsenceNoticeBody, req);
    return this.run(unitId, { type: 'PublishAbsenceNotice', data: { unitId, noticeId: newId(), ...data } }, actor, req, res);
  }

  @Delete(':unitId/absence-notices/:noticeId')
  @Roles('unit_admin')
  @ApiOperation({
    operationId: 'withdrawAbsenceNotice',
    summary: 'Withdraw an absence notice',
    description: 'Takes no body. A notice that was never published, or is already withdrawn, is 404.',
    tag: 'units',
    params: { ...UnitPath, noticeId: NoticeIdParam },
    answer: { name: 'UnitWriteAnswer', schema: A.UnitWriteAnswer },
    answerHeaders: ['ETag'],
    traits: ['write'],
    errors: ['NOT_FOUND'],
  })
  withdraw(@Param('unitId') unitId: string, @Param('noticeId') noticeId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    assertOwnUnit(unitId, actor);
    refuseBody(req);
    return this.run(unitId, { type: 'WithdrawAbsenceNotice', data: { unitId, noticeId } }, actor, req, res);
  }

  @Put(':unitId/settings')
  @Roles('unit_admin')
  @ApiOperation({
    operationId: 'changeUnitSettings',
    summary: "Change the unit's settings (fee, access months, welcome text, KVÅ codes, age rule)",
    description: 'Any of the settings; new assignments take them, running episodes keep what they were assigned with. Unchanged settings write nothing.',
    tag: 'units',
    params: UnitPath,
    body: { schema: UnitSettingsBody, required: true, example: { feeSek: 250, accessMonths: 3 } },
    answer: { name: 'UnitSettingsAnswer', schema: A.UnitSettingsAnswer },
    answerHeaders: ['ETag'],
    traits: ['write'],
    errors: ['INVALID_SETTINGS'],
  })
  settings(@Param('unitId') unitId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    assertOwnUnit(unitId, actor);
    return this.run(unitId, { type: 'ChangeUnitSettings', data: { unitId, settings: parseBody(UnitSettingsBody, req) } }, actor, req, res);
  }

  private async run(unitId: string, command: UnitCommand, actor: Actor, req: Request, res: Response) {
    const answer = await this.commands.execute<ExecuteUnitCommand, UnitWriteAnswer>(new ExecuteUnitCommand(unitId, command, actor, writeOptions(req)));
    res.setHeader('ETag', `"${answer.revision}"`);
    return answer;
  }
}

/** A unit's own staff only: another unit is a unit that may not do this (403). */
export function assertOwnUnit(unitId: string, actor: Actor): void {
  if (actor.unitId === undefined) throw forbidden('This needs a member of the unit.');
  if (actor.unitId !== unitId) throw forbidden('You may act only for your own unit.');
}
