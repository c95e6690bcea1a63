// What the pages add to the application module: their controllers and providers.
import type { Provider } from '@nestjs/common';
import { ApiReads } from './api-reads';
import { AuditPagesController } from './audit.controller';
import { EpisodeFinder } from './episode-finder';
import { ReportsPagesController } from './reports.controller';
import { SignInController } from './sign-in.controller';
import { StaffPagesController } from './staff.controller';
import { UiAssetsController } from './assets.controller';
import { UiErrorFilter } from './ui-error.filter';
import { UiAuthGuard } from './ui-session';
import { UiRenderer } from './ui-views';

export const UI_CONTROLLERS = [SignInController, AuditPagesController, StaffPagesController, ReportsPagesController, UiAssetsController];
export const UI_PROVIDERS: Provider[] = [UiRenderer, ApiReads, EpisodeFinder, UiAuthGuard, UiErrorFilter];
