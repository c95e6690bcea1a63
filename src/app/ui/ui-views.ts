// Renders the pages from nunjucks templates (views/) with autoescape on, so every value a
// patient or a user wrote (messages, answers, reasons) reaches the page as text. Each page
// carries a stricter Content-Security-Policy than the API's default: scripts and styles
// from this origin only, no inline script or style, nothing framed, forms to 'self'.
import fs from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import nunjucks from 'nunjucks';
import type { Actor } from '../auth/actor';
import * as format from './ui-format';

/** The pages' policy: the charts are drawn by /ui/assets/charts.js from a JSON data block. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/**
 * src/app/ui/views beside this file (ts-node), or, from a build elsewhere (dist/, the bench's
 * compiled copy under node_modules/.cache), the sources' folder found upward.
 */
export function uiDir(sub: 'views' | 'assets'): string {
  const beside = path.join(__dirname, sub);
  if (fs.existsSync(beside)) return beside;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const sources = path.join(dir, 'src', 'app', 'ui', sub);
    if (fs.existsSync(sources)) return sources;
  }
  return beside;
}

export interface NavLink {
  readonly href: string;
  readonly text: string;
  readonly current: boolean;
}

/** The pages a role may open, in the header. */
export function navFor(actor: Actor | undefined, currentPath: string): NavLink[] {
  if (!actor) return [];
  const links: [string, string, readonly string[]][] = [
    ['/ui/dashboard', 'Översikt', ['therapist', 'unit_admin']],
    ['/ui/audit', 'Granska moment', ['auditor', 'unit_admin']],
    ['/ui/audit/access-log', 'Åtkomstlogg', ['auditor']],
    ['/ui/reports', 'Rapporter', ['unit_admin', 'reporting']],
  ];
  return links
    .filter(([, , roles]) => roles.includes(actor.role))
    .map(([href, text]) => ({ href, text, current: currentPath === href || (href !== '/ui/audit' && currentPath.startsWith(`${href}/`)) }));
}

@Injectable()
export class UiRenderer {
  private readonly env: nunjucks.Environment;

  constructor() {
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(uiDir('views')), { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
    this.env.addFilter('dateTime', format.dateTime);
    this.env.addFilter('dateTimeSeconds', format.dateTimeSeconds);
    this.env.addFilter('date', format.date);
    this.env.addFilter('weekday', format.weekday);
    this.env.addFilter('percent', format.percent);
    this.env.addFilter('number', format.number);
    this.env.addFilter('label', (value: unknown, kind: format.LabelKind) => format.label(kind, value));
    this.env.addFilter('moduleTitle', format.moduleTitle);
    this.env.addFilter('partTitle', format.partTitle);
    this.env.addFilter('programmeTitle', format.programmeTitle);
    this.env.addFilter('exerciseTitle', format.exerciseTitle);
    this.env.addFilter('plain', format.plain);
    this.env.addFilter('erased', format.isErased);
    // A JSON block for the charts script: `<` escaped so no text can close the element.
    this.env.addFilter('jsonBlock', (value: unknown) => new nunjucks.runtime.SafeString(JSON.stringify(value).replace(/</g, '\\u003c')));
    // Compiled now, not on the first request (the timeline's template takes a few hundred ms).
    for (const view of fs.readdirSync(uiDir('views')).filter((f) => f.endsWith('.njk'))) this.env.getTemplate(view, true);
  }

  render(view: string, context: Record<string, unknown>): string {
    return this.env.render(view, context);
  }

  /** Sends a page with the pages' policy; no page is stored by a cache (it may hold patient data). */
  send(res: Response, view: string, context: Record<string, unknown> & { actor?: Actor; path: string }, status = 200): void {
    const html = this.render(view, { ...context, nav: navFor(context.actor, context.path) });
    res.status(status);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    // The service's default is no-referrer, under which a browser sends `Origin: null` with a
    // form POST; same-origin lets the pages' forms name their origin (the CSRF check) and
    // still tells other sites nothing.
    res.setHeader('Referrer-Policy', 'same-origin');
    res.send(html);
  }
}
