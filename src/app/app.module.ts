// The NestJS shell: wires the store, the clock, the services and the controllers.
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '../event-store/event-store';
import type { AppConfig } from './config';
import type { Infrastructure } from './infrastructure';
import { PersonalDataCipher } from './privacy/encrypting-event-store';
import { Keyring } from './privacy/keyring';
import { ErasureService } from './privacy/erasure.service';
import { ACCESS_LOG_STORE, AccessLogService } from './access-log/access-log.service';
import { AccessLogController } from './access-log/access-log.controller';
import { AppConfigToken, CLOCK, EVENT_STORE, RAW_EVENT_STORE, systemClock, type Clock } from './tokens';
import { AuthGuard } from './auth/auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import { ErrorFilter } from './http/error.filter';
import { RateLimitGuard, rateLimitModule } from './http/rate-limit';
import { AssignmentService } from './episodes/assignment.service';
import { EpisodeCommandsService } from './episodes/episode-commands.service';
import { PatientIndex } from './episodes/patient-index';
import { COMMAND_HANDLERS } from './episodes/episode.handlers';
import { DeciderCommandHandler } from './write/decider-command-handler';
import { EpisodesWriteController } from './episodes/episodes-write.controller';
import { UnitService } from './units/unit.service';
import { UnitsWriteController } from './units/units-write.controller';
import { SystemController } from './system/system.controller';
import { TimelineController } from './timeline/timeline.controller';
import { FeedController } from './feed/feed.controller';
import { EventFeed } from './feed/event-feed.service';
import { RegistryController } from './registry/registry.controller';
import { UI_CONTROLLERS, UI_PROVIDERS } from './ui/ui-parts';

export interface AppDependencies {
  readonly store: EventStore;
  readonly infrastructure: Infrastructure;
  readonly clock?: Clock;
  /** Extra providers and controllers (the read side registers itself here). */
  readonly providers?: Provider[];
  readonly controllers?: DynamicModule['controllers'];
  /** Extra modules (the logger registers itself here). */
  readonly imports?: DynamicModule['imports'];
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, deps: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), rateLimitModule(config), ...(deps.imports ?? [])],
      controllers: [SystemController, EpisodesWriteController, UnitsWriteController, TimelineController, AccessLogController, FeedController, RegistryController, ...(deps.controllers ?? []), ...UI_CONTROLLERS],
      providers: [
        { provide: AppConfigToken, useValue: config },
        { provide: EVENT_STORE, useValue: deps.store },
        { provide: RAW_EVENT_STORE, useValue: deps.infrastructure.rawStore },
        { provide: PersonalDataCipher, useValue: deps.infrastructure.cipher },
        { provide: Keyring, useValue: deps.infrastructure.keyring },
        { provide: CLOCK, useValue: deps.clock ?? systemClock },
        { provide: TokenVerifier, useValue: new TokenVerifier(config) },
        { provide: PatientIndex, useValue: new PatientIndex(config.patientIndexKey) },
        { provide: APP_GUARD, useClass: AuthGuard },
        // After the AuthGuard: it counts requests per authenticated user.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        DeciderCommandHandler,
        EpisodeCommandsService,
        AssignmentService,
        UnitService,
        ErasureService,
        AccessLogService,
        EventFeed,
        { provide: ACCESS_LOG_STORE, useValue: deps.infrastructure.accessLog },
        ...COMMAND_HANDLERS,
        ...(deps.providers ?? []),
        ...UI_PROVIDERS,
      ],
    };
  }
}
