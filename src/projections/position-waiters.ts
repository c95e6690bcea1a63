// Readers waiting for the projections to reach a global position (read your writes:
// `?after=<position>`). The projector notifies after every commit and checkpoint refresh;
// a waiter resolves true once every projection it names has applied the position, false
// after its timeout or when the projector stops.

interface Waiter {
  readonly position: bigint;
  readonly names: readonly string[];
  readonly resolve: (reached: boolean) => void;
}

export class PositionWaiters {
  private readonly waiters = new Set<Waiter>();

  /** `positionOf`: the position a projection has applied. */
  constructor(private readonly positionOf: (name: string) => bigint) {}

  get size(): number {
    return this.waiters.size;
  }

  reached(position: bigint, names: readonly string[]): boolean {
    return names.every((n) => this.positionOf(n) >= position);
  }

  /** Resolves true once the named projections have applied `position`, false after `timeoutMs`. */
  wait(position: bigint, names: readonly string[], timeoutMs: number): Promise<boolean> {
    if (this.reached(position, names)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      const waiter: Waiter = {
        position,
        names,
        resolve: (ok) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(ok);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolve every waiter whose position is reached now. */
  notify(): void {
    for (const w of [...this.waiters]) if (this.reached(w.position, w.names)) w.resolve(true);
  }

  /** Resolve every waiter with false (the projector stopped). */
  cancelAll(): void {
    for (const w of [...this.waiters]) w.resolve(false);
  }
}
