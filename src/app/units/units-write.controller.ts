// Writes on a care unit: absence notices to citizens, and the unit's settings.
import { Body, Controller, Delete, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { newId } from '../ids';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { forbidden } from '../http/api-error';
import { parseBody, writeOptions } from '../http/request';
import { AbsenceNoticeBody, UnitSettingsBody } from '../episodes/request-schemas';
import { ExecuteUnitCommand } from '../episodes/episode.handlers';
import type { UnitWriteAnswer } from './unit.service';
import type { UnitCommand } from '../../domain/unit/unit';
import { ErasureBody, ErasureService } from '../privacy/erasure.service';

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
  erase(@Param('unitId') unitId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request) {
    assertOwnUnit(unitId, actor);
    return this.erasures.erase(unitId, parseBody(ErasureBody, body), actor, writeOptions(req));
  }

  @Post(':unitId/absence-notices')
  @HttpCode(201)
  @Roles('unit_admin')
  publish(@Param('unitId') unitId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    assertOwnUnit(unitId, actor);
    const data = parseBody(AbsenceNoticeBody, body);
    return this.run(unitId, { type: 'PublishAbsenceNotice', data: { unitId, noticeId: newId(), ...data } }, actor, req, res);
  }

  @Delete(':unitId/absence-notices/:noticeId')
  @Roles('unit_admin')
  withdraw(@Param('unitId') unitId: string, @Param('noticeId') noticeId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    assertOwnUnit(unitId, actor);
    return this.run(unitId, { type: 'WithdrawAbsenceNotice', data: { unitId, noticeId } }, actor, req, res);
  }

  @Put(':unitId/settings')
  @Roles('unit_admin')
  settings(@Param('unitId') unitId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    assertOwnUnit(unitId, actor);
    return this.run(unitId, { type: 'ChangeUnitSettings', data: { unitId, settings: parseBody(UnitSettingsBody, body) } }, actor, req, res);
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
