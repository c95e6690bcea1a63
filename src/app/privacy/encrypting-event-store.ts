// An EventStore decorator that encrypts personal fields on append, with the key of the
// patient named in the event's metadata (`patientRef`), and decrypts them on read.
// A field whose key was destroyed reads as ERASED; the rest of the history is intact.
// Projections read the inner store: read models hold ciphertext, and queries decrypt.
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, StreamAppend } from '../../event-store/event-store';
import { ERASED, decryptField, encryptField, isEncrypted, keyIdOf } from './field-cipher';
import type { Keyring } from './keyring';
import { hasPersonalFields, mapPersonalFields } from './personal-fields';

export class PersonalDataCipher {
  constructor(private readonly keyring: Keyring) {}

  /** Clear text of a stored value: decrypted, ERASED when its key is gone, or as is. */
  async reveal(value: string): Promise<string>;
  async reveal(value: string | null): Promise<string | null>;
  async reveal(value: string | null): Promise<string | null> {
    if (value === null || !isEncrypted(value)) return value;
    const key = await this.keyring.keyById(keyIdOf(value));
    if (!key) return ERASED;
    try {
      return decryptField(value, key);
    } catch {
      return ERASED;
    }
  }

  async encryptEvent(event: NewEvent): Promise<NewEvent> {
    if (!hasPersonalFields(event.type)) return event;
    const ref = event.metadata.patientRef;
    if (typeof ref !== 'string') throw new Error(`${event.type} carries personal data but no patientRef in its metadata`);
    const { keyId, key } = await this.keyring.keyFor(ref);
    const data = await mapPersonalFields(event.type, event.data, async (v) => (isEncrypted(v) || v === ERASED ? v : encryptField(keyId, key, v)));
    return { ...event, data };
  }

  async decryptRecord(record: RecordedEvent): Promise<RecordedEvent> {
    if (!hasPersonalFields(record.type)) return record;
    const data = await mapPersonalFields(record.type, record.data, (v) => this.reveal(v));
    return { ...record, data };
  }
}

export class EncryptingEventStore implements EventStore {
  /** Present exactly when the inner store has multi-stream transactions. */
  readonly appendToStreams?: (appends: readonly StreamAppend[]) => Promise<AppendResult[]>;

  constructor(
    readonly inner: EventStore,
    private readonly cipher: PersonalDataCipher,
  ) {
    const atomic = inner.appendToStreams?.bind(inner);
    if (atomic)
      this.appendToStreams = async (appends) => {
        const encrypted = await Promise.all(appends.map(async (a) => ({ ...a, events: await this.encrypt(a.events) })));
        return Promise.all((await atomic(encrypted)).map((result) => this.decryptResult(result)));
      };
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.decryptResult(await this.inner.appendToStream(streamId, await this.encrypt(events), options));
  }

  private encrypt(events: readonly NewEvent[]): Promise<NewEvent[]> {
    return Promise.all(events.map((e) => this.cipher.encryptEvent(e)));
  }

  private async decryptResult(result: AppendResult): Promise<AppendResult> {
    return { ...result, records: await Promise.all(result.records.map((r) => this.cipher.decryptRecord(r))) };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return Promise.all((await this.inner.readStream(streamId, options)).map((r) => this.cipher.decryptRecord(r)));
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent[]> {
    for await (const batch of this.inner.readAll(options)) yield Promise.all(batch.map((r) => this.cipher.decryptRecord(r)));
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  onAppended(listener: (position: bigint) => void): () => void {
    return this.inner.onAppended(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
