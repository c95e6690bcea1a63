// The authenticated caller, from the JWT's claims.
import { z } from 'zod';
import { ActorRole } from '../../domain/episode/commands';

export const Claims = z
  .object({
    sub: z.string().min(1).max(200),
    name: z.string().max(200).optional(),
    role: ActorRole,
    unit: z.string().min(1).max(200).optional(),
    /** Optional for patient_gateway: restricts the token to one episode. */
    episode: z.string().min(1).max(200).optional(),
  })
  // Auditors and reporting read every unit; an integration token may name one unit (that
  // unit's events) or none (all).
  .refine((c) => c.role === 'auditor' || c.role === 'reporting' || c.role === 'integration' || c.unit !== undefined, {
    message: 'unit is required for this role',
    path: ['unit'],
  });

export interface Actor {
  readonly id: string;
  readonly name?: string;
  readonly role: ActorRole;
  readonly unitId?: string;
  readonly episodeId?: string;
}

export const actorFromClaims = (c: z.infer<typeof Claims>): Actor => ({
  id: c.sub,
  name: c.name,
  role: c.role,
  unitId: c.unit,
  episodeId: c.episode,
});
