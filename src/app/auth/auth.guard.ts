// Authentication (401) and role checks (403) for every route but the public ones.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { forbidden, unauthenticated } from '../http/api-error';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { TokenVerifier } from './token-verifier';
import type { Actor } from './actor';
import type { ActorRole } from '../../domain/episode/commands';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw unauthenticated();
    const actor = await this.verifier.verify(match[1]!);
    if (!actor) throw unauthenticated('The bearer token is invalid or expired.');
    req.actor = actor;
    const roles = this.reflector.getAllAndOverride<ActorRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(actor.role)) throw forbidden(`The role ${actor.role} may not do this.`);
    return true;
  }
}
