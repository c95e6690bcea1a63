// Fresh ids (ULIDs) for episodes, messages, conversations and notices. The ulid package asks
// the system for one random byte per character (32 calls for a message's two ids, 7 % of an
// HTTP write's CPU); drawing the bytes from a pooled buffer of crypto-random bytes keeps the
// ids as unpredictable at a fraction of the cost.
import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

const pool = Buffer.alloc(4096);
let offset = pool.length;

function pooledRandom(): number {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]! / 256;
}

export const newId = (): string => ulid(undefined, pooledRandom);
