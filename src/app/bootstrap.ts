// Builds the running application from a configuration: store, Nest app, HTTP settings,
// logging, telemetry around the store, the projector and the access log, and health.
// Used by main.ts and by the end-to-end tests (which pass a temporary SQLite file).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RequestMethod } from '@nestjs/common';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import path from 'node:path';
import express from 'express';
import type { EventStore } from '../event-store/event-store';
import { openInfrastructure, openRawStore, type Infrastructure } from './infrastructure';
import { AppModule, type AppDependencies } from './app.module';
import type { AppConfig } from './config';
import type { Clock } from './tokens';
import { securityHeaders } from './http/security-headers';
import { answerClientErrors } from './http/client-errors';
import { HEALTH_EXTRAS } from './tokens';
import { openReadSide, type ReadSideOptions } from './read/read-side';
import { READ_SIDE, ReadModels } from './read/read-models.service';
import { EpisodesReadController } from './read/episodes-read.controller';
import { UnitReadsController } from './read/unit-reads.controller';
import { ReportingController } from './read/reporting.controller';
import { HealthController } from './system/health.controller';
import { createLogger } from './observability/logging';
import { EVERY_PATH, requestLogging } from './observability/request-log';
import { requestContext } from './observability/request-context';
import { InstrumentedEventStore } from './observability/instrumented-event-store';
import { InstrumentedAccessLogStore } from './observability/instrumented-access-log';
import { ProjectorTelemetry } from './observability/projector-telemetry';
import { HealthService } from './observability/health';

export interface RunningApp {
  readonly app: NestExpressApplication;
  /** The store with personal fields decrypted (what the application sees). */
  readonly store: EventStore;
  readonly infrastructure: Infrastructure;
  close(): Promise<void>;
}

export interface BuildOptions {
  readonly rawStore?: EventStore;
  readonly clock?: Clock;
  /** Where the log lines go (tests capture them); stdout by default. */
  readonly logDestination?: DestinationStream;
  /** Telemetry started before the app (by main.ts, or a test): flushed and stopped when the app shuts down. */
  readonly telemetry?: { shutdown(): Promise<void> };
  /** Read-side settings for tests (e.g. a short retry delay for a failed projection). */
  readonly readSide?: Pick<ReadSideOptions, 'retryDelayMs' | 'pollIntervalMs'>;
}

export async function buildApp(config: AppConfig, options: BuildOptions = {}): Promise<RunningApp> {
  const logger = createLogger(config, options.logDestination);
  // Appends are measured (and carry the command's trace context) below the encryption.
  const rawStore = new InstrumentedEventStore(options.rawStore ?? (await openRawStore(config)), config.eventStore);
  const infrastructure = await openInfrastructure(config, { rawStore });
  const store = infrastructure.store;
  const accessLog = new InstrumentedAccessLogStore(infrastructure.accessLog);
  const projectorTelemetry = new ProjectorTelemetry(rawStore);
  const projectorLog = logger.child({ context: 'Projector' });
  const readSide = openReadSide(config, rawStore, {
    logger: { warn: (message, error) => projectorLog.warn({ err: error }, message) },
    observeBatch: projectorTelemetry.observeBatch,
    recordBatch: (batch) => projectorTelemetry.recordBatch(batch),
    ...options.readSide,
  });
  const stopLagGauges = projectorTelemetry.observeLag(readSide.projector);
  const health = new HealthService({ store: rawStore, accessLog, projections: readSide.projector, readyMaxLag: config.readyMaxLag });
  const deps: AppDependencies = {
    store,
    clock: options.clock,
    infrastructure: { ...infrastructure, accessLog },
    // The request logger is mounted below, before the body parser; Nest's own logging and
    // injected PinoLoggers write through it (with the request's id inside a request).
    imports: [LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [{ path: EVERY_PATH, method: RequestMethod.ALL }] })],
    providers: [
      { provide: READ_SIDE, useValue: readSide },
      ReadModels,
      { provide: HEALTH_EXTRAS, useExisting: ReadModels },
      { provide: HealthService, useValue: health },
      // Last of the shutdown: spans and metrics recorded while closing are flushed too.
      { provide: 'TELEMETRY_SHUTDOWN', useValue: { onApplicationShutdown: () => options.telemetry?.shutdown() } },
    ],
    controllers: [HealthController, EpisodesReadController, UnitReadsController, ReportingController],
  };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, deps), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs(); // Nest flushes its start-up lines itself only on listen(); tests never listen
  app.disable('x-powered-by');
  app.use(...securityHeaders());
  app.use(requestLogging(logger));
  answerClientErrors(app.getHttpServer());
  // strict: false lets a JSON string or array through to the edge, which names it ("must be a JSON object").
  app.use(express.json({ limit: config.bodyLimit, strict: false, type: ['application/json', 'application/*+json'] }));
  // After the body parser, whose stream events would lose the request's async context.
  app.use(requestContext);
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.use('/docs/assets', express.static(swaggerDir, { index: false }));
  app.enableShutdownHooks();
  return {
    app,
    store,
    infrastructure,
    close: async () => {
      await app.close();
      stopLagGauges();
      projectorTelemetry.close();
      await infrastructure.close();
    },
  };
}
