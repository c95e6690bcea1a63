// Builds the running application from a configuration: store, Nest app, HTTP settings.
// Used by main.ts and by the end-to-end tests (which pass a temporary SQLite file).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, type LogLevel } from '@nestjs/common';
import path from 'node:path';
import express from 'express';
import type { EventStore } from '../event-store/event-store';
import { openInfrastructure, type Infrastructure } from './infrastructure';
import { AppModule, type AppDependencies } from './app.module';
import type { AppConfig } from './config';
import type { Clock } from './tokens';
import { securityHeaders } from './http/security-headers';
import { answerClientErrors } from './http/client-errors';
import { redact } from './http/redact';
import { HEALTH_EXTRAS } from './tokens';
import { openReadSide } from './read/read-side';
import { READ_SIDE, ReadModels } from './read/read-models.service';
import { EpisodesReadController } from './read/episodes-read.controller';
import { UnitReadsController } from './read/unit-reads.controller';
import { ReportingController } from './read/reporting.controller';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export interface RunningApp {
  readonly app: NestExpressApplication;
  /** The store with personal fields decrypted (what the application sees). */
  readonly store: EventStore;
  readonly infrastructure: Infrastructure;
  close(): Promise<void>;
}

export async function buildApp(config: AppConfig, options: { rawStore?: EventStore; clock?: Clock } = {}): Promise<RunningApp> {
  const infrastructure = await openInfrastructure(config, { rawStore: options.rawStore });
  const store = infrastructure.store;
  const projectorLog = new Logger('Projector');
  const readSide = openReadSide(config, infrastructure.rawStore, {
    logger: { warn: (message, error) => projectorLog.warn(redact(error instanceof Error ? `${message}: ${error.message}` : message)) },
  });
  const deps: AppDependencies = {
    store,
    clock: options.clock,
    infrastructure,
    providers: [{ provide: READ_SIDE, useValue: readSide }, ReadModels, { provide: HEALTH_EXTRAS, useExisting: ReadModels }],
    controllers: [EpisodesReadController, UnitReadsController, ReportingController],
  };
  const logger = config.logLevel === 'silent' ? false : LEVELS.slice(0, LEVELS.indexOf(config.logLevel as LogLevel) + 1);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, deps), { logger, bodyParser: false });
  app.disable('x-powered-by');
  app.use(...securityHeaders());
  answerClientErrors(app.getHttpServer());
  app.use(express.json({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'] }));
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.use('/docs/assets', express.static(swaggerDir, { index: false }));
  app.enableShutdownHooks();
  return {
    app,
    store,
    infrastructure,
    close: async () => {
      await app.close();
      await infrastructure.close();
    },
  };
}
