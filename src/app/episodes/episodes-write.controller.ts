// Every write of the contract on an episode. Validate, dispatch, answer
// { episodeId, revision, position, ... } with the revision as ETag.
import { Controller, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { newId } from '../ids';
import type { Request, Response } from 'express';
import type { EpisodeCommand } from '../../domain/episode/commands';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { notFound } from '../http/api-error';
import { EPISODE_ID, parseBody, refuseBody, writeOptions } from '../http/request';
import { ApiOperation } from '../system/api-operation';
import * as A from '../system/write-answers';
import type { WriteAnswer } from './episode-commands.service';
import { AssignEpisode, ExecuteEpisodeCommand } from './episode.handlers';
import * as S from './request-schemas';

const written = { name: 'EpisodeWriteAnswer', schema: A.EpisodeWriteAnswer, description: 'Written (or already so: `unchanged`).' };
const onEpisode = { params: S.EpisodePath, traits: ['write'] as const, answerHeaders: ['ETag'] as const };
const running = ['NOT_FOUND', 'EPISODE_ENDED'] as const;

@Controller('episodes')
export class EpisodesWriteController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    operationId: 'assignEpisode',
    summary: 'Assign the Digital Artrosskola to a patient ("Starta momentet")',
    description:
      "Starts an episode at the caller's unit: the fee is charged (or exempted, with its reason), the assignment's journal obligation is raised, and the patient is reserved so that they have one active episode per unit.",
    tag: 'episodes',
    body: {
      schema: S.AssignBody,
      required: true,
      example: { personnummer: '19121212-1212', therapistId: 'SE2321000131-T001', diagnosisCode: 'M17.1', patientStatus: { hasLoggedIn: true, notificationsEnabled: false } },
    },
    answer: { name: 'AssignmentAnswer', schema: A.AssignmentAnswer, description: 'The episode is started.' },
    answerHeaders: ['ETag', 'Location'],
    traits: ['write'],
    errors: ['INVALID_PERSONNUMMER', 'UNKNOWN_DIAGNOSIS_CODE', 'ACTIVE_EPISODE_EXISTS'],
  })
  async assign(@CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const input = parseBody(S.AssignBody, req);
    const answer = await this.commands.execute<AssignEpisode, WriteAnswer>(new AssignEpisode(input, actor, writeOptions(req)));
    res.setHeader('ETag', `"${answer.revision}"`);
    res.setHeader('Location', `/episodes/${answer.episodeId}`);
    return answer;
  }

  @Put(':id/welcome-text')
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    operationId: 'editWelcomeText',
    summary: 'Edit the welcome text (Välkomsttext)',
    description: 'Replaces the text the patient sees first; the same text again writes nothing.',
    tag: 'episodes',
    body: { schema: S.WelcomeTextBody, required: true, example: { text: 'Välkommen! Börja med delen om höft och knä.' } },
    answer: written,
    errors: running,
  })
  welcomeText(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'EditWelcomeText', data: parseBody(S.WelcomeTextBody, req) }, actor, req, res);
  }

  @Post(':id/modules/:moduleId/hide')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    params: S.ModulePath,
    operationId: 'hideModule',
    summary: 'Move a theory module to "Kommande" (hidden from the patient)',
    description: 'Takes no body.',
    tag: 'episodes',
    answer: written,
    errors: [...running, 'UNKNOWN_MODULE', 'MODULE_ALREADY_HIDDEN'],
  })
  hide(@Param('id') id: string, @Param('moduleId') moduleId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    refuseBody(req);
    return this.run(id, { type: 'HideModule', data: { moduleId } }, actor, req, res);
  }

  @Post(':id/modules/:moduleId/show')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    params: S.ModulePath,
    operationId: 'showModule',
    summary: 'Show a hidden theory module again',
    description: 'Takes no body.',
    tag: 'episodes',
    answer: written,
    errors: [...running, 'UNKNOWN_MODULE', 'MODULE_ALREADY_VISIBLE'],
  })
  show(@Param('id') id: string, @Param('moduleId') moduleId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    refuseBody(req);
    return this.run(id, { type: 'ShowModule', data: { moduleId } }, actor, req, res);
  }

  @Post(':id/progress')
  @HttpCode(200)
  @Roles('patient_gateway')
  @ApiOperation({
    ...onEpisode,
    operationId: 'completePart',
    summary: 'The patient completed a part (shown green)',
    description: "The last part of a module completes the school (\"Genomförd artrosskola\") and raises its journal obligation. A part done before writes nothing.",
    tag: 'episodes',
    body: { schema: S.ProgressBody, required: true, example: { moduleId: 'hip-knee', partId: 'hk-about-osteoarthritis' } },
    answer: { name: 'ProgressAnswer', schema: A.ProgressAnswer },
    errors: [...running, 'UNKNOWN_MODULE', 'UNKNOWN_PART', 'MODULE_HIDDEN', 'ACCESS_PERIOD_OVER'],
  })
  progress(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'CompletePart', data: parseBody(S.ProgressBody, req) }, actor, req, res);
  }

  @Post(':id/exercises')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    operationId: 'revealExercises',
    summary: 'Reveal exercise films (after the training introduction)',
    description: 'The ticked films appear under "Startade moduler"; films already visible are left out, and none new writes nothing.',
    tag: 'episodes',
    body: { schema: S.ExercisesBody, required: true, example: { programme: 'leg', exerciseIds: ['leg-sit-to-stand', 'leg-step-up'] } },
    answer: written,
    errors: [...running, 'UNKNOWN_EXERCISE', 'TRAINING_INTRODUCTION_NOT_COMPLETED'],
  })
  exercises(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'RevealExercises', data: parseBody(S.ExercisesBody, req) }, actor, req, res);
  }

  @Post(':id/activity-plan')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    operationId: 'activatePlan',
    summary: 'Save and activate the activity plan (Uppföljning träning)',
    description:
      'Once per episode. The body is optional: every part left out takes its default (the pre-filled questions, today, until further notice, weekly, Sunday, 16:00, a 3-day report window). Answers the plan as stored.',
    tag: 'episodes',
    body: {
      schema: S.ActivityPlanBody,
      required: false,
      description: 'Optional: no body (or `{}`) activates the default plan.',
      example: { schedule: { weekday: 'wednesday', time: '18:00', reportWindowDays: 2 } },
    },
    answer: { name: 'PlanAnswer', schema: A.PlanAnswer },
    errors: [...running, 'PLAN_ALREADY_ACTIVE', 'DUPLICATE_QUESTION', 'UNKNOWN_QUESTION', 'INVALID_SCHEDULE'],
  })
  plan(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'ActivatePlan', data: parseBody(S.ActivityPlanBody, req, { optional: true }) }, actor, req, res);
  }

  @Post(':id/activity-reports')
  @HttpCode(200)
  @Roles('patient_gateway')
  @ApiOperation({
    ...onEpisode,
    operationId: 'reportActivity',
    summary: "The patient's report for a scheduled occasion",
    description: "One report per occasion, inside its window; the answers must fit the plan's questions.",
    tag: 'episodes',
    body: { schema: S.ActivityReportBody, required: true, example: { occasion: '2026-11-22', answers: { trained: true, 'activity-type': 'promenad', experience: 6 } } },
    answer: written,
    errors: [
      ...running,
      'NO_ACTIVE_PLAN',
      'UNKNOWN_OCCASION',
      'OCCASION_NOT_YET_OPEN',
      'REPORT_WINDOW_CLOSED',
      'OCCASION_ALREADY_REPORTED',
      'UNKNOWN_QUESTION',
      'INVALID_ANSWER',
      'MANDATORY_ANSWER_MISSING',
      'ACCESS_PERIOD_OVER',
    ],
  })
  report(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'ReportActivity', data: parseBody(S.ActivityReportBody, req) }, actor, req, res);
  }

  @Post(':id/messages')
  @HttpCode(201)
  @Roles('therapist', 'patient_gateway')
  @ApiOperation({
    ...onEpisode,
    operationId: 'sendMessage',
    summary: 'Send a message (a new conversation, or a reply)',
    description: 'Without `conversationId` a new conversation starts and raises its journal obligation. `notifyInbox` ("Avisera till inkorgen") defaults to true from a therapist.',
    tag: 'messages',
    body: { schema: S.MessageBody, required: true, example: { text: 'Hur ofta ska jag träna?' } },
    answer: { name: 'MessageAnswer', schema: A.MessageAnswer, description: 'The message is sent.' },
    errors: [...running, 'UNKNOWN_CONVERSATION', 'ACCESS_PERIOD_OVER'],
  })
  message(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const data = { ...parseBody(S.MessageBody, req), messageId: newId(), newConversationId: newId() };
    return this.run(id, { type: 'SendMessage', data }, actor, req, res);
  }

  @Post(':id/messages/read')
  @HttpCode(200)
  @Roles('therapist')
  @ApiOperation({
    ...onEpisode,
    operationId: 'markMessagesRead',
    summary: "Mark the patient's messages read",
    description: 'Up to and including the message named; the unread marker drops. Marking an earlier one again writes nothing.',
    tag: 'messages',
    body: { schema: S.MessagesReadBody, required: true, example: { upToMessageId: '01KAX1Z8C2D4F6G8H0J2K4M6N8' } },
    answer: written,
    errors: [...running, 'UNKNOWN_MESSAGE'],
  })
  read(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'MarkMessagesRead', data: parseBody(S.MessagesReadBody, req) }, actor, req, res);
  }

  @Post(':id/therapist')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    operationId: 'changeTherapist',
    summary: 'Change therapist (Byt behandlare): absence, reassignment, return',
    description: '`absence`: a stand-in covers and the ordinary therapist is remembered; `return`: back to the ordinary therapist; `reassignment`: for good.',
    tag: 'episodes',
    body: { schema: S.TherapistBody, required: true, example: { therapistId: 'SE2321000131-T002', reason: 'absence' } },
    answer: written,
    errors: [...running, 'SAME_THERAPIST', 'NO_ABSENCE_TO_RETURN_FROM', 'NOT_ORDINARY_THERAPIST'],
  })
  therapist(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'ChangeTherapist', data: parseBody(S.TherapistBody, req) }, actor, req, res);
  }

  @Post(':id/journal-entries')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    operationId: 'recordJournalEntry',
    summary: 'Record that a journal obligation was journaled in the EHR',
    description: 'Also after the end. For the completed school, `form` says whether it was registered at the next contact or in a note ("notat").',
    tag: 'journal',
    body: { schema: S.JournalEntryBody, required: true, example: { obligationId: 'assignment', journalReference: 'COSMIC-2026-1122-0915' } },
    answer: written,
    errors: ['NOT_FOUND', 'UNKNOWN_OBLIGATION', 'OBLIGATION_ALREADY_RECORDED'],
  })
  journal(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'RecordJournalEntry', data: parseBody(S.JournalEntryBody, req) }, actor, req, res);
  }

  @Post(':id/journal-corrections')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    operationId: 'correctJournalEntry',
    summary: 'Correct a recorded journal entry (a new event; nothing is edited)',
    description: 'Names the revision it corrects, who corrected it, when and why; the timeline shows both.',
    tag: 'journal',
    body: { schema: S.JournalCorrectionBody, required: true, example: { obligationId: 'assignment', journalReference: 'COSMIC-2026-1122-0916', reason: 'Fel anteckning angiven' } },
    answer: written,
    errors: ['NOT_FOUND', 'UNKNOWN_OBLIGATION', 'OBLIGATION_NOT_RECORDED'],
  })
  correction(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'CorrectJournalEntry', data: parseBody(S.JournalCorrectionBody, req) }, actor, req, res);
  }

  @Post(':id/registry-follow-ups')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin', 'patient_gateway')
  @ApiOperation({
    ...onEpisode,
    operationId: 'recordRegistryFollowUp',
    summary: 'Record (or correct) a quality-registry (BOA) follow-up',
    description:
      "Once per timepoint, with at least one measure on its instrument's scale; also after the end. Staff record a paper or phone answer (`answeredVia`) at any time; the patient answers through 1177 (`patient_gateway`, that episode only) inside the timepoint's window. With `correction` staff correct the recorded timepoint: a new event naming each changed value, the reason, who and when.",
    tag: 'episodes',
    body: { schema: S.FollowUpBody, required: true, example: { timepoint: 'baseline', measures: { pain: 6, eqVas: 60, physicalActivityDays: 3 }, answeredVia: 'paper' } },
    answer: written,
    errors: ['NOT_FOUND', 'FOLLOW_UP_ALREADY_RECORDED', 'NO_MEASURES', 'INVALID_ANSWER', 'OCCASION_NOT_YET_OPEN', 'REPORT_WINDOW_CLOSED'],
  })
  followUp(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'RecordRegistryFollowUp', data: parseBody(S.FollowUpBody, req) }, actor, req, res);
  }

  @Post(':id/end')
  @HttpCode(200)
  @Roles('therapist', 'unit_admin')
  @ApiOperation({
    ...onEpisode,
    operationId: 'endEpisode',
    summary: 'End the episode (Avsluta): completed or abandoned',
    description: 'Raises the end obligation (and the completed school, if not before) and frees the patient for a new episode at the unit.',
    tag: 'episodes',
    body: { schema: S.EndBody, required: true, example: { outcome: 'completed' } },
    answer: { name: 'EndAnswer', schema: A.EndAnswer },
    errors: running,
  })
  end(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'EndEpisode', data: parseBody(S.EndBody, req) }, actor, req, res);
  }

  private async run(id: string, command: EpisodeCommand, actor: Actor, req: Request, res: Response): Promise<WriteAnswer> {
    if (!EPISODE_ID.test(id)) throw notFound('The episode');
    const answer = await this.commands.execute<ExecuteEpisodeCommand, WriteAnswer>(new ExecuteEpisodeCommand(id, command, actor, writeOptions(req)));
    res.setHeader('ETag', `"${answer.revision}"`);
    return answer;
  }
}
