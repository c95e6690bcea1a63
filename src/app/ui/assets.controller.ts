// The pages' stylesheet and scripts, and Chart.js's UMD build straight from node_modules:
// no CDN, no build step. Only the files named here are served.
import path from 'node:path';
import { Controller, Get, NotFoundException, Param, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { UiErrorFilter } from './ui-error.filter';
import { OpenPage, UiAuthGuard } from './ui-session';
import { uiDir } from './ui-views';

const chartJsDist = path.dirname(require.resolve('chart.js'));

const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  'ui.css': { file: path.join(uiDir('assets'), 'ui.css'), type: 'text/css; charset=utf-8' },
  'ui.js': { file: path.join(uiDir('assets'), 'ui.js'), type: 'text/javascript; charset=utf-8' },
  'charts.js': { file: path.join(uiDir('assets'), 'charts.js'), type: 'text/javascript; charset=utf-8' },
  'chart.umd.min.js': { file: path.join(chartJsDist, 'chart.umd.min.js'), type: 'text/javascript; charset=utf-8' },
};

@Controller('ui/assets')
@Public()
@OpenPage()
@UseGuards(UiAuthGuard)
@UseFilters(UiErrorFilter)
export class UiAssetsController {
  @Get(':name')
  asset(@Param('name') name: string, @Res() res: Response) {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException();
    res.setHeader('Content-Type', asset.type);
    // Assets hold no patient data: a browser may keep them for an hour.
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.sendFile(asset.file);
  }
}
