// Per-patient data keys: created on first use, unwrapped with the master key, cached
// briefly. A destroyed key is gone for good; every field it encrypted reads as ERASED.
import { randomBytes, randomUUID } from 'node:crypto';
import { unwrapKey, wrapKey } from './field-cipher';
import type { KeyStore } from './key-store';

/** Other processes learn of a destroyed key within this time. */
const CACHE_MS = 60_000;

interface Cached<T> {
  readonly value: T;
  readonly until: number;
}

export class Keyring {
  private readonly byId = new Map<string, Cached<Buffer | null>>();
  private readonly current = new Map<string, Cached<{ keyId: string; key: Buffer }>>();
  private readonly creating = new Map<string, Promise<{ keyId: string; key: Buffer }>>();

  constructor(
    private readonly store: KeyStore,
    private readonly master: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    if (master.length !== 32) throw new Error('The master key must be 32 bytes');
  }

  /** The key that encrypts new personal data of this patient. */
  async keyFor(patientRef: string): Promise<{ keyId: string; key: Buffer }> {
    const hit = this.current.get(patientRef);
    if (hit && hit.until > this.now()) return hit.value;
    const pending = this.creating.get(patientRef);
    if (pending) return pending;
    const work = (async () => {
      let stored = await this.store.current(patientRef);
      if (!stored) {
        const keyId = randomUUID();
        await this.store.insert({ keyId, patientRef, wrapped: wrapKey(this.master, randomBytes(32)), createdAt: new Date(this.now()).toISOString() });
        stored = await this.store.current(patientRef);
      }
      const value = { keyId: stored!.keyId, key: unwrapKey(this.master, stored!.wrapped!) };
      this.current.set(patientRef, { value, until: this.now() + CACHE_MS });
      this.byId.set(value.keyId, { value: value.key, until: this.now() + CACHE_MS });
      return value;
    })();
    this.creating.set(patientRef, work);
    try {
      return await work;
    } finally {
      this.creating.delete(patientRef);
    }
  }

  /** The key with this id, or null when it was destroyed (or never existed here). */
  async keyById(keyId: string): Promise<Buffer | null> {
    const hit = this.byId.get(keyId);
    if (hit && hit.until > this.now()) return hit.value;
    const stored = await this.store.byId(keyId);
    const value = stored?.wrapped ? unwrapKey(this.master, stored.wrapped) : null;
    this.byId.set(keyId, { value, until: this.now() + CACHE_MS });
    return value;
  }

  /** Crypto-shredding: destroy every key of the patient. */
  async destroy(patientRef: string): Promise<number> {
    const count = await this.store.destroy(patientRef, new Date(this.now()).toISOString());
    this.current.delete(patientRef);
    for (const [keyId, cached] of this.byId) if (cached.value !== null) this.byId.delete(keyId);
    return count;
  }
}
