// Public system routes (health, OpenAPI, docs page) and the content catalogue.
import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { Public, Roles } from '../auth/roles.decorator';
import { buildOpenApi } from './openapi';
import { API_ROUTES } from './api-routes';
import { catalogue } from '../../domain/reference/catalogue';
import type { EventStore } from '../../event-store/event-store';
import { EVENT_STORE, HEALTH_EXTRAS, type HealthExtras } from '../tokens';
import { ApiError } from '../http/api-error';

const VERSION = '0.1.0';

@Controller()
export class SystemController {
  private readonly openApi = buildOpenApi(API_ROUTES, VERSION);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(HEALTH_EXTRAS) private readonly extras?: HealthExtras,
  ) {}

  @Get('openapi.json')
  @Public()
  openapi() {
    return this.openApi;
  }

  @Get('docs')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs() {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Digital Artrosskola API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
  }

  @Get('docs/init.js')
  @Public()
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  docsInit() {
    return `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });`;
  }

  @Get('catalogue')
  @Roles('therapist', 'unit_admin', 'auditor', 'reporting', 'patient_gateway')
  catalogue() {
    return catalogue;
  }
}
