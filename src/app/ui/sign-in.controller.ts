// Sign-in for the pages. Outside production: choose role, unit and user and get a local
// session with the claims `npm run token` makes (signed with AUTH_JWT_SECRET). In
// production, or where tokens come from the region's identity provider (JWKS): paste a
// token, checked exactly as the API checks a bearer token. Either way the token goes into
// the HttpOnly session cookie, never into the page or localStorage.
import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Claims, type Actor } from '../auth/actor';
import { Public } from '../auth/roles.decorator';
import { mintToken, TokenVerifier } from '../auth/token-verifier';
import { forbidden } from '../http/api-error';
import type { AppConfig } from '../config';
import { AppConfigToken } from '../tokens';
import { OpenPage, UiAuthGuard, clearSession, readForm, setSession } from './ui-session';
import { UiErrorFilter, safeNext } from './ui-error.filter';
import { UiRenderer } from './ui-views';

/** The roles that have pages, in the order the form offers them. */
export const PAGE_ROLES = ['therapist', 'unit_admin', 'auditor', 'reporting'] as const;
const DEFAULT_UNIT = 'SE2321000131-E001';

/** Where a role lands after sign-in. */
export function homeOf(actor: Pick<Actor, 'role'>): string | undefined {
  switch (actor.role) {
    case 'auditor':
      return '/ui/audit';
    case 'therapist':
    case 'unit_admin':
      return '/ui/dashboard';
    case 'reporting':
      return '/ui/reports';
    default:
      return undefined;
  }
}

interface FormState {
  readonly error?: string;
  readonly values?: Record<string, string>;
  readonly next?: string;
}

@Controller('ui')
@Public()
@UseGuards(UiAuthGuard)
@UseFilters(UiErrorFilter)
export class SignInController {
  constructor(
    @Inject(AppConfigToken) private readonly config: AppConfig,
    private readonly verifier: TokenVerifier,
    private readonly renderer: UiRenderer,
  ) {}

  /** Local sessions only outside production, and only where the service signs its own tokens. */
  private get localSignIn(): boolean {
    return !this.config.production && this.config.jwtSecret !== undefined;
  }

  /** The pages' front door: the signed-in user's own start page. */
  @Get()
  home(@Req() req: Request & { actor: Actor }, @Res() res: Response) {
    const home = homeOf(req.actor);
    if (!home) throw forbidden(`The role ${req.actor.role} has no pages.`);
    res.redirect(303, home);
  }

  @Get('sign-in')
  @OpenPage()
  page(@Query('next') next: unknown, @Res() res: Response) {
    this.show(res, { next: safeNext(next) }, 200);
  }

  @Post('sign-in')
  @OpenPage()
  @HttpCode(303)
  async signIn(@Req() req: Request, @Res() res: Response) {
    const form = await readForm(req, res);
    const next = safeNext(form.next);
    const token = form.mode === 'local' ? this.localToken(form) : form.token?.trim();
    if (token === undefined || token === '') return this.show(res, { error: 'Välj roll, enhet och användare, eller klistra in en token.', values: form, next }, 400);
    const actor = await this.verifier.verify(token);
    if (!actor) return this.show(res, { error: 'Token godtas inte: den är ogiltig, har gått ut eller är inte utfärdad för tjänsten.', values: form, next }, 400);
    const home = homeOf(actor);
    if (!home) return this.show(res, { error: 'Den rollen har inga sidor här.', values: form, next }, 403);
    setSession(res, token);
    res.redirect(303, next ?? home);
  }

  @Post('sign-out')
  @OpenPage()
  @HttpCode(303)
  signOut(@Res() res: Response) {
    clearSession(res);
    res.redirect(303, '/ui/sign-in');
  }

  /** A token with `npm run token`'s claims, or undefined when the form is incomplete or sign-in is not local. */
  private localToken(form: Record<string, string>): string | undefined {
    if (!this.localSignIn) throw forbidden('Local sign-in is not available here: paste a token from the identity provider.');
    const role = form.role;
    const unit = role === 'auditor' || role === 'reporting' ? undefined : form.unit?.trim() || undefined;
    const claims = {
      sub: form.sub?.trim() ?? '',
      role,
      ...(unit ? { unit } : {}),
      ...(form.name?.trim() ? { name: form.name.trim() } : {}),
    };
    const checked = Claims.safeParse(claims);
    if (!checked.success || !(PAGE_ROLES as readonly string[]).includes(checked.data.role)) return undefined;
    return mintToken(this.config.jwtSecret!, checked.data);
  }

  private show(res: Response, state: FormState, status: number) {
    this.renderer.send(
      res,
      'sign-in.njk',
      {
        path: '/ui/sign-in',
        title: 'Logga in',
        localSignIn: this.localSignIn,
        roles: PAGE_ROLES,
        defaults: { role: 'auditor', unit: DEFAULT_UNIT, sub: 'SE2321000131-G001', name: '', ...state.values },
        error: state.error,
        next: state.next,
      },
      status,
    );
  }
}
