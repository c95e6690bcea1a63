// The master key that wraps every patient's data key. Production gives it in
// DATA_ENCRYPTION_KEY; the embedded default generates one on first start and keeps it in
// DATA_DIR/master.key (readable by the owner only). Lose it and the personal data is lost.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function loadMasterKey(fromEnv: Buffer | undefined, file: string): Buffer {
  if (fromEnv) return fromEnv;
  try {
    const existing = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (existing.length === 32) return existing;
    throw new Error(`${file} does not hold a 32-byte base64 key`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey(undefined, file);
    throw error;
  }
}
