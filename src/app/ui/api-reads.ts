// The pages read through the API's own read handlers, so a page shows exactly the typed
// answer the API gives, under the same unit rules (another unit's episode is 404), and each
// read is access-logged by the same call as the API's. The API's guard does not run for a
// page, so the handler's @Roles are checked here, against the handler itself: one list of
// who may read what.
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { ActorRole } from '../../domain/episode/commands';
import type { Actor } from '../auth/actor';
import { ROLES_KEY } from '../auth/roles.decorator';
import { forbidden } from '../http/api-error';
import { AccessLogController } from '../access-log/access-log.controller';
import { EpisodesReadController } from '../read/episodes-read.controller';
import { ReportingController } from '../read/reporting.controller';
import { UnitReadsController } from '../read/unit-reads.controller';
import { TimelineController } from '../timeline/timeline.controller';

type Query = Record<string, string | undefined>;
type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

export type ProgressAnswer = Answer<EpisodesReadController['progress']>;
export type MessagesAnswer = Answer<EpisodesReadController['messages']>;
export type DashboardAnswer = Answer<UnitReadsController['dashboard']>;
export type TimelineAnswer = Answer<TimelineController['timeline']>;
export type ObligationsAnswer = Answer<ReportingController['obligations']>;
export type OutcomesAnswer = Answer<ReportingController['outcomes']>;
export type AccessLogAnswer = Answer<AccessLogController['list']>;

/** Query values as the API receives them: empty fields left out. */
const query = (q: Query): Query => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== ''));

/** Takes the headers a handler sets (ETag, CSV) without sending anything. */
const discardHeaders = { setHeader: () => undefined } as unknown as Response;

@Injectable()
export class ApiReads implements OnModuleInit {
  private episodes!: EpisodesReadController;
  private units!: UnitReadsController;
  private reporting!: ReportingController;
  private timelines!: TimelineController;
  private accessLog!: AccessLogController;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const get = <T>(type: new (...args: never[]) => T): T => this.moduleRef.get(type, { strict: false });
    this.episodes = get(EpisodesReadController);
    this.units = get(UnitReadsController);
    this.reporting = get(ReportingController);
    this.timelines = get(TimelineController);
    this.accessLog = get(AccessLogController);
  }

  /** Whether the API lets this role call the handler (its @Roles). */
  may(actor: Actor, handler: (...args: never[]) => unknown): boolean {
    const roles = this.reflector.get<ActorRole[] | undefined>(ROLES_KEY, handler);
    return roles === undefined || roles.includes(actor.role);
  }

  private check(actor: Actor, handler: (...args: never[]) => unknown): void {
    if (!this.may(actor, handler)) throw forbidden(`The role ${actor.role} may not read this.`);
  }

  progress(actor: Actor, id: string): Promise<ProgressAnswer> {
    this.check(actor, EpisodesReadController.prototype.progress);
    return this.episodes.progress(id, {}, actor, discardHeaders);
  }

  messages(actor: Actor, id: string): Promise<MessagesAnswer> {
    this.check(actor, EpisodesReadController.prototype.messages);
    return this.episodes.messages(id, {}, actor);
  }

  dashboard(actor: Actor, q: Query): Promise<DashboardAnswer> {
    this.check(actor, UnitReadsController.prototype.dashboard);
    return this.units.dashboard(query(q), actor);
  }

  timeline(actor: Actor, id: string, q: Query): Promise<TimelineAnswer> {
    this.check(actor, TimelineController.prototype.timeline);
    return this.timelines.timeline(id, query(q), actor);
  }

  mayReadObligations(actor: Actor): boolean {
    return this.may(actor, ReportingController.prototype.obligations);
  }

  obligations(actor: Actor, q: Query): Promise<ObligationsAnswer> {
    this.check(actor, ReportingController.prototype.obligations);
    return this.reporting.obligations(query(q), actor);
  }

  outcomes(actor: Actor, q: Query): Promise<OutcomesAnswer> {
    this.check(actor, ReportingController.prototype.outcomes);
    return this.reporting.outcomes(query(q), actor);
  }

  /** The ledger as JSON, or as the API's CSV (with its file name) when `format=csv`. */
  async ledger(actor: Actor, q: Query, req: Request, res: Response) {
    this.check(actor, ReportingController.prototype.ledger);
    return this.reporting.ledger(query(q), actor, req, res);
  }

  mayReadAccessLog(actor: Actor): boolean {
    return this.may(actor, AccessLogController.prototype.list);
  }

  accessLogRecords(actor: Actor, q: Query): Promise<AccessLogAnswer> {
    this.check(actor, AccessLogController.prototype.list);
    return this.accessLog.list(query(q), actor);
  }
}
