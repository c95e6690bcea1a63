// Names a patient's streams and lookups by a keyed hash (HMAC-SHA256), never by the
// personnummer itself, so neither stream ids nor indexes reveal it.
import { createHmac } from 'node:crypto';

export class PatientIndex {
  constructor(private readonly key: string) {}

  /** Stable key for one patient at one unit. */
  patientAtUnit(unitId: string, personnummer: string): string {
    return createHmac('sha256', this.key).update(`${unitId}\u0000${personnummer}`).digest('hex').slice(0, 40);
  }

  /** Stable key for one patient across units (access-log extracts). */
  patient(personnummer: string): string {
    return createHmac('sha256', this.key).update(`patient\u0000${personnummer}`).digest('hex').slice(0, 40);
  }
}
