// AES-256-GCM for one personal field. A ciphertext is a string, so it fits wherever the
// clear text did: `enc:v1:<keyId>:<base64url(iv | tag | ciphertext)>`.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ERASED } from '../../domain/shared/personal-data';

const PREFIX = 'enc:v1:';

/** What a field reads as once its patient's key is destroyed (crypto-shredding). */
export { ERASED };

export const isEncrypted = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

export function keyIdOf(token: string): string {
  const end = token.indexOf(':', PREFIX.length);
  return token.slice(PREFIX.length, end);
}

export function encryptField(keyId: string, key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The key id is authenticated too: a ciphertext cannot be moved under another key id.
  cipher.setAAD(Buffer.from(keyId));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}${keyId}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
}

export function decryptField(token: string, key: Buffer): string {
  const keyId = keyIdOf(token);
  const raw = Buffer.from(token.slice(PREFIX.length + keyId.length + 1), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** Wrap a data key under the master key (same construction, no key id). */
export function wrapKey(master: Buffer, dataKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master, iv);
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

export function unwrapKey(master: Buffer, wrapped: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', master, wrapped.subarray(0, 12));
  decipher.setAuthTag(wrapped.subarray(12, 28));
  return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
}
