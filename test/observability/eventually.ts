// Wait for a condition the service reaches on its own (a projector batch, a retry), checking
// every few milliseconds; fails with the last value seen if it is not reached in time. The
// deadline only bounds a broken run: no test asserts how long anything took.
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, deadlineMs = 15_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > until) throw new Error(`${what}: not reached; last seen ${JSON.stringify(last, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await probe();
  }
  return last;
}
