// A short random pause before retrying a write that lost a concurrency race. Writers that
// collided would otherwise re-read and collide again in lockstep, one winner per round, so
// that N concurrent writers need N attempts; spread out, most succeed on the next try.
const CAP_MS = 50;

export function backoffBeforeRetry(attempt: number): Promise<void> {
  const ceiling = Math.min(CAP_MS, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
