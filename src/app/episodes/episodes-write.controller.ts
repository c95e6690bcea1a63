// Every write of the contract on an episode. Validate, dispatch, answer
// { episodeId, revision, position, ... } with the revision as ETag.
import { Body, Controller, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { newId } from '../ids';
import type { Request, Response } from 'express';
import type { EpisodeCommand } from '../../domain/episode/commands';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { notFound } from '../http/api-error';
import { EPISODE_ID, parseBody, writeOptions } from '../http/request';
import type { WriteAnswer } from './episode-commands.service';
import { AssignEpisode, ExecuteEpisodeCommand } from './episode.handlers';
import * as S from './request-schemas';

@Controller('episodes')
export class EpisodesWriteController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('therapist', 'unit_admin')
  async assign(@Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const input = parseBody(S.AssignBody, body);
    const answer = await this.commands.execute<AssignEpisode, WriteAnswer>(new AssignEpisode(input, actor, writeOptions(req)));
    res.setHeader('ETag', `"${answer.revision}"`);
    res.setHeader('Location', `/episodes/${answer.episodeId}`);
    return answer;
  }

  @Put(':id/welcome-text')
  @Roles('therapist', 'unit_admin')
  welcomeText(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'EditWelcomeText', data: parseBody(S.WelcomeTextBody, body) }, actor, req, res);
  }

  @Post(':id/modules/:moduleId/hide')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  hide(@Param('id') id: string, @Param('moduleId') moduleId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'HideModule', data: { moduleId } }, actor, req, res);
  }

  @Post(':id/modules/:moduleId/show')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  show(@Param('id') id: string, @Param('moduleId') moduleId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'ShowModule', data: { moduleId } }, actor, req, res);
  }

  @Post(':id/progress')
  @HttpCode(200)
  @Roles('patient_gateway')
  progress(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'CompletePart', data: parseBody(S.ProgressBody, body) }, actor, req, res);
  }

  @Post(':id/exercises')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  exercises(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'RevealExercises', data: parseBody(S.ExercisesBody, body) }, actor, req, res);
  }

  @Post(':id/activity-plan')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  plan(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'ActivatePlan', data: parseBody(S.ActivityPlanBody, body ?? {}) }, actor, req, res);
  }

  @Post(':id/activity-reports')
  @HttpCode(200)
  @Roles('patient_gateway')
  report(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'ReportActivity', data: parseBody(S.ActivityReportBody, body) }, actor, req, res);
  }

  @Post(':id/messages')
  @HttpCode(201)
  @Roles('therapist', 'patient_gateway')
  message(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const data = { ...parseBody(S.MessageBody, body), messageId: newId(), newConversationId: newId() };
    return this.run(id, { type: 'SendMessage', data }, actor, req, res);
  }

  @Post(':id/messages/read')
  @HttpCode(200)
  @Roles('therapist')
  read(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'MarkMessagesRead', data: parseBody(S.MessagesReadBody, body) }, actor, req, res);
  }

  @Post(':id/therapist')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  therapist(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'ChangeTherapist', data: parseBody(S.TherapistBody, body) }, actor, req, res);
  }

  @Post(':id/journal-entries')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  journal(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'RecordJournalEntry', data: parseBody(S.JournalEntryBody, body) }, actor, req, res);
  }

  @Post(':id/journal-corrections')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  correction(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'CorrectJournalEntry', data: parseBody(S.JournalCorrectionBody, body) }, actor, req, res);
  }

  @Post(':id/registry-follow-ups')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  followUp(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'RecordRegistryFollowUp', data: parseBody(S.FollowUpBody, body) }, actor, req, res);
  }

  @Post(':id/end')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  end(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'EndEpisode', data: parseBody(S.EndBody, body) }, actor, req, res);
  }

  private async run(id: string, command: EpisodeCommand, actor: Actor, req: Request, res: Response): Promise<WriteAnswer> {
    if (!EPISODE_ID.test(id)) throw notFound('The episode');
    const answer = await this.commands.execute<ExecuteEpisodeCommand, WriteAnswer>(new ExecuteEpisodeCommand(id, command, actor, writeOptions(req)));
    res.setHeader('ETag', `"${answer.revision}"`);
    return answer;
  }
}
