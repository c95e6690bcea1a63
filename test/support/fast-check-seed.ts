// The one seed every fast-check property runs with: fixed, so that every run (CI's and a
// developer's) draws the same cases and a failure replays; FC_SEED=<seed> picks another.
// The default export is jest's globalSetup: it says the seed once per run.

/** The seed of every run unless FC_SEED says otherwise (CI included: no run is random). */
export const DEFAULT_FC_SEED = 20261122;

/** The seed from FC_SEED, or the default; a malformed FC_SEED is an error, never ignored. */
export function fastCheckSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FC_SEED?.trim();
  if (raw === undefined || raw === '') return DEFAULT_FC_SEED;
  const seed = /^-?\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 31) throw new Error(`FC_SEED must be a 32-bit signed integer, got ${JSON.stringify(raw)}`);
  return seed;
}

export default function logFastCheckSeed(): void {
  process.stdout.write(`fast-check seed ${fastCheckSeed()} (FC_SEED=<seed> to change or replay)\n`);
}
