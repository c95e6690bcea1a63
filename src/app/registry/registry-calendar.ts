// The domain's follow-up calendar as the read models take it (they import no domain code).
import { followUpSchedule, followUpStatus } from '../../domain/registry/follow-up-schedule';
import type { RegistrySchedule } from '../../projections/registry-follow-ups';

export const REGISTRY_CALENDAR: RegistrySchedule = { schedule: followUpSchedule, status: followUpStatus };
