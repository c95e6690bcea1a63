import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ActorRole } from '../../domain/episode/commands';
import type { Actor } from './actor';

export const ROLES_KEY = 'roles';
export const PUBLIC_KEY = 'public';

/** Which roles may call the handler (the contract's "who" column). */
export const Roles = (...roles: ActorRole[]) => SetMetadata(ROLES_KEY, roles);
/** No token needed (health, OpenAPI, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
