// A command-line read of a patient's history (replay, export) is an access like any other
// (Patientdatalagen 4 kap. 3 §): it is written to the same hash-chained access log before
// anything is printed. The actor is AUDIT_ACTOR (the auditor's HSA id) or, without it, the
// operating-system user, so the log always names a person.
import os from 'node:os';
import type { AppConfig } from '../app/config';
import type { Infrastructure } from '../app/infrastructure';
import type { RecordedEvent } from '../event-store/event-store';
import { PatientIndex } from '../app/episodes/patient-index';
import { ERASED } from '../domain/shared/personal-data';

export function cliActor(env: NodeJS.ProcessEnv = process.env): { id: string; name: string | null } {
  const id = env.AUDIT_ACTOR?.trim();
  return id ? { id, name: env.AUDIT_ACTOR_NAME?.trim() || null } : { id: `os-user:${os.userInfo().username}`, name: null };
}

/** Records that `command` showed this episode (decrypted records of its stream). */
export async function recordCliAccess(
  config: AppConfig,
  infrastructure: Infrastructure,
  command: string,
  episodeId: string,
  records: readonly RecordedEvent[],
  action: string,
): Promise<void> {
  if (records.length === 0) return;
  const first = records[0]!.data as { unitId?: string; patient?: { personnummer?: string } };
  const personnummer = first.patient?.personnummer;
  const actor = cliActor();
  await infrastructure.accessLog.append([
    {
      at: new Date().toISOString(),
      actorId: actor.id,
      actorName: actor.name,
      role: 'auditor',
      actorUnitId: null,
      action,
      endpoint: `CLI ${command}`,
      episodeId,
      patientKey: personnummer && personnummer !== ERASED ? new PatientIndex(config.patientIndexKey).patient(personnummer) : null,
      patientUnitId: first.unitId ?? null,
    },
  ]);
}
