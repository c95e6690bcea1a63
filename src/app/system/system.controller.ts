// Public system routes (the OpenAPI document, the docs page) and the content catalogue;
// health is health.controller.ts.
import { Controller, Get, Header } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Public } from '../auth/roles.decorator';
import { ApiOperation, routesOf, type ApiRoute } from './api-operation';
import { buildOpenApi } from './openapi';
import { catalogueAnswer, CatalogueView, OpenApiDocument } from './system-answers';

/** The version of the HTTP contract (2: the event feed and schemas; deprecated fields kept, docs/api.md). */
export const API_VERSION = '2.0.0';

/** Every route the running app mounts that describes itself. */
export function mountedRoutes(modules: ModulesContainer): ApiRoute[] {
  const controllers = [...modules.values()].flatMap((m) => [...m.controllers.values()].map((w) => w.metatype as new () => unknown));
  return routesOf(controllers);
}

@Controller()
export class SystemController {
  private document?: Record<string, unknown>;

  constructor(private readonly modules: ModulesContainer) {}

  @Get('openapi.json')
  @Public()
  @ApiOperation({
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    description: 'Generated at start from the routes the service mounts and the zod schemas they validate and answer with.',
    tag: 'system',
    answer: { name: 'OpenApiDocument', schema: OpenApiDocument, example: { openapi: '3.1.0', info: { title: 'Digital Artrosskola core API', version: API_VERSION }, paths: {} } },
  })
  openapi() {
    // Built on first use: every controller is mounted by then.
    return (this.document ??= buildOpenApi(mountedRoutes(this.modules), { version: API_VERSION }));
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

  /** "Authorize" takes a token (`npm run token`), kept across reloads; every operation can be tried. */
  @Get('docs/init.js')
  @Public()
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  docsInit() {
    return `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', persistAuthorization: true, tryItOutEnabled: true, displayOperationId: true, displayRequestDuration: true, defaultModelsExpandDepth: 0 });`;
  }

  @Get('catalogue')
  @ApiOperation({
    operationId: 'getCatalogue',
    summary: 'The content catalogue',
    description: 'Theory modules with their parts (the training introduction is the part with `trainingIntroduction: true`), exercise programmes with their exercises, the pre-filled activity-plan questions. Any authenticated caller.',
    tag: 'reference',
    answer: { name: 'CatalogueView', schema: CatalogueView },
  })
  catalogue() {
    return catalogueAnswer();
  }
}
