// Reads of one episode from the projections: the therapist's progress view, the
// conversations, and what the patient sees in 1177. Another unit's episode looks like a
// missing one (404). Every answer is recorded in the access log before it leaves.
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { catalogue } from '../../domain/reference/catalogue';
import { localDate } from '../../domain/shared/time';
import { queryEpisodeProgress, type EpisodeProgress } from '../../projections/episode-progress';
import { queryMessages } from '../../projections/messages';
import { currentAbsenceNotice } from '../../projections/absence-notices';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import type { Actor } from '../auth/actor';
import { notFound } from '../http/api-error';
import { EPISODE_ID, parseQuery } from '../http/request';
import { AccessLogService } from '../access-log/access-log.service';
import { ReadModels } from './read-models.service';
import { planTimeline } from './plan-occasions';
import { CLOCK, type Clock } from '../tokens';
import { ApiOperation, type OperationSpec } from '../system/api-operation';
import { MessagesView, PatientView, ProgressView } from '../system/episode-read-answers';
import { EpisodePath } from '../episodes/request-schemas';
import { EpisodeReadQuery } from './query-schemas';
import { maskIdentityNumber } from '../../domain/shared/personnummer';

const episodeRead = {
  params: EpisodePath,
  query: EpisodeReadQuery,
  traits: ['projection', 'accessLogged'],
  errors: ['NOT_FOUND'],
} as const satisfies Partial<OperationSpec>;

/** The one masked form (YYYYMMDD-****), also once erased. */
const masked = (personnummer: string) => (/^\d{12}$/.test(personnummer) ? maskIdentityNumber(personnummer) : '********-****');

const partTitle = new Map(catalogue.modules.flatMap((m) => m.parts.map((p) => [p.id, p] as const)));
const exerciseTitle = new Map(catalogue.exerciseProgrammes.flatMap((p) => p.exercises.map((x) => [x.id, x.title] as const)));
const moduleOf = new Map(catalogue.modules.map((m) => [m.id, m] as const));

@Controller('episodes')
export class EpisodesReadController {
  constructor(
    private readonly reads: ReadModels,
    private readonly accessLog: AccessLogService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The progress view (GET /episodes/{id}). */
  @Get(':id')
  @Roles('therapist', 'unit_admin', 'auditor')
  @ApiOperation({
    ...episodeRead,
    operationId: 'getEpisode',
    summary: 'The progress view of one episode',
    description:
      'Everything the therapist follows: status, therapist, modules visible or hidden with the parts done, revealed exercises, the activity plan with its occasions (reported, open, missed, upcoming) and adherence, messages, warnings, fee. Access-logged.',
    tag: 'reads',
    answer: { name: 'ProgressView', schema: ProgressView },
    answerHeaders: ['ETag'],
  })
  async progress(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const p = await this.load(id, query, actor);
    await this.log(actor, 'GET /episodes/:id', p);
    res.setHeader('ETag', `"${p.revision}"`);
    const plan = this.plan(p);
    return {
      episodeId: p.episodeId,
      unitId: p.unitId,
      revision: p.revision,
      position: p.position,
      status: p.status,
      outcome: p.outcome,
      patient: { ...p.patient, personnummerMasked: masked(p.patient.personnummer) },
      therapistId: p.therapistId,
      therapist: { id: p.therapistId, ordinaryTherapistId: p.ordinaryTherapistId },
      assignedAt: p.assignedAt,
      assignedBy: p.assignedBy,
      accessUntil: p.accessUntil,
      diagnosis: p.diagnosis,
      welcomeText: p.welcomeText,
      fee: p.fee,
      modules: p.modules.map((m) => ({
        moduleId: m.moduleId,
        title: moduleOf.get(m.moduleId)?.titleEn ?? m.moduleId,
        visible: m.visible,
        // Green parts: done, with when.
        parts: (m.parts ?? []).map((part) => ({
          partId: part.partId,
          title: partTitle.get(part.partId)?.title ?? part.partId,
          trainingIntroduction: partTitle.get(part.partId)?.trainingIntroduction === true,
          done: part.done,
          doneAt: m.partsDone.find((d) => d.partId === part.partId)?.at ?? null,
        })),
        partsDone: m.partsDone.length,
        partsTotal: m.parts?.length ?? m.partsDone.length,
      })),
      schoolCompleted: p.schoolCompleted,
      exercises: this.exercises(p),
      activityPlan: p.activityPlan && plan && {
        questions: p.activityPlan.questions,
        schedule: p.activityPlan.schedule,
        activatedAt: p.activityPlan.activatedAt,
        activatedBy: p.activityPlan.activatedBy,
        occasions: plan.occasions,
        adherence: plan.adherence,
      },
      messages: { ...p.messages, unreadCount: p.messages.unread },
      unreadCount: p.messages.unread,
      unreadMessageCount: p.messages.unread,
      journalObligationsOutstanding: p.journalObligationsOutstanding,
      registryFollowUps: p.registryFollowUps,
      warnings: p.warnings,
      endedAt: p.endedAt,
      endedBy: p.endedBy,
    };
  }

  /** Conversations with their messages in order (GET /episodes/{id}/messages). */
  @Get(':id/messages')
  @Roles('therapist', 'unit_admin', 'patient_gateway')
  @ApiOperation({
    ...episodeRead,
    operationId: 'getMessages',
    summary: 'The conversations of one episode, with their messages in order',
    description: 'Sender, time, text, read or not, notify-inbox flag. Access-logged.',
    tag: 'reads',
    answer: { name: 'MessagesView', schema: MessagesView },
  })
  async messages(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor) {
    const p = await this.load(id, query, actor);
    const view = await queryMessages(this.reads.db, id, { reveal: this.reads.reveal });
    await this.log(actor, 'GET /episodes/:id/messages', p);
    return {
      episodeId: view.episodeId,
      unitId: view.unitId,
      unreadCount: view.unread,
      unread: view.unread,
      conversations: view.conversations.map((c) => ({
        ...c,
        // A therapist's own message is read as it is sent (only the patient's wait to be read).
        messages: c.messages.map((m) => (m.senderRole === 'therapist' ? { ...m, read: true, readAt: m.readAt ?? m.sentAt } : { ...m, read: m.read === true })),
      })),
    };
  }

  /** What the patient sees in 1177 (GET /episodes/{id}/patient-view): hidden modules do not appear. */
  @Get(':id/patient-view')
  @Roles('patient_gateway')
  @ApiOperation({
    ...episodeRead,
    operationId: 'getPatientView',
    summary: 'What the patient sees in 1177',
    description:
      'The welcome text, the visible modules with their parts and which are done (hidden modules do not appear), revealed exercises, plan occasions open for reporting, the unit\'s current absence notice, the access end date. Access-logged.',
    tag: 'reads',
    answer: { name: 'PatientView', schema: PatientView },
  })
  async patientView(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor) {
    const p = await this.load(id, query, actor);
    const now = this.clock.now();
    const plan = this.plan(p);
    const absenceNotice = await currentAbsenceNotice(this.reads.db, p.unitId, now);
    await this.log(actor, 'GET /episodes/:id/patient-view', p);
    return {
      episodeId: p.episodeId,
      status: p.status,
      accessUntil: p.accessUntil,
      accessOpen: p.status === 'active' && localDate(now) <= p.accessUntil,
      welcomeText: p.welcomeText,
      modules: p.modules
        .filter((m) => m.visible)
        .map((m) => ({
          moduleId: m.moduleId,
          title: moduleOf.get(m.moduleId)?.title ?? m.moduleId,
          parts: (m.parts ?? []).map((part) => ({
            partId: part.partId,
            title: partTitle.get(part.partId)?.title ?? part.partId,
            done: part.done,
          })),
        })),
      exercises: this.exercises(p),
      activityPlan: p.activityPlan && plan && {
        questions: p.activityPlan.questions,
        openOccasions: plan.occasions.filter((o) => o.status === 'open'),
        nextOccasion: plan.occasions.find((o) => o.status === 'upcoming') ?? null,
      },
      absenceNotice: absenceNotice && { from: absenceNotice.from, to: absenceNotice.to, text: absenceNotice.text },
    };
  }

  private async load(id: string, query: unknown, actor: Actor): Promise<EpisodeProgress> {
    const q = parseQuery(EpisodeReadQuery, query);
    if (!EPISODE_ID.test(id)) throw notFound('The episode');
    await this.reads.awaitAfter(q.after);
    const p = await queryEpisodeProgress(this.reads.db, id, { modules: catalogue.modules, reveal: this.reads.reveal });
    if (!p) throw notFound('The episode');
    if (actor.unitId !== undefined && p.unitId !== actor.unitId) throw notFound('The episode');
    if (actor.episodeId !== undefined && actor.episodeId !== id) throw notFound('The episode');
    return p;
  }

  private plan(p: EpisodeProgress) {
    if (!p.activityPlan) return null;
    return planTimeline(p.activityPlan.schedule, p.activityPlan.reportedOccasions, {
      now: this.clock.now(),
      accessUntil: p.accessUntil,
      endedAt: p.endedAt,
    });
  }

  private exercises(p: EpisodeProgress) {
    const out: Record<string, { exerciseId: string; title: string; revealedAt: string }[]> = {};
    for (const [programme, list] of Object.entries(p.exercises))
      out[programme] = list.map((x) => ({ exerciseId: x.exerciseId, title: exerciseTitle.get(x.exerciseId) ?? x.exerciseId, revealedAt: x.revealedAt }));
    return out;
  }

  private log(actor: Actor, endpoint: string, p: EpisodeProgress) {
    return this.accessLog.record(actor, endpoint, [{ episodeId: p.episodeId, personnummer: p.patient.personnummer, unitId: p.unitId }]);
  }
}
