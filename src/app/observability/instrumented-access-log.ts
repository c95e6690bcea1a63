// The PDL access-log store with its write duration and failures measured, and what readiness
// needs to know of it: whether its database answers, and whether its latest write failed.
// The log has no harmless write to probe with (every record joins the hash chain), so a
// failed write counts against readiness for FAILURE_HOLD_MS, or until a write succeeds;
// after that the instance is offered reads again, and the next write tells.
import type { AccessFilter, AccessInput, AccessLogStore, AccessRecord } from '../access-log/access-log-store';
import { instruments, secondsSince } from './instruments';

export const FAILURE_HOLD_MS = 30_000;

export interface AccessLogHealth {
  readonly ok: boolean;
  readonly reason?: string;
}

export class InstrumentedAccessLogStore implements AccessLogStore {
  private lastFailure: { at: number; cause: string } | undefined;

  constructor(
    private readonly inner: AccessLogStore,
    private readonly now: () => number = Date.now,
  ) {}

  async append(records: readonly AccessInput[]): Promise<void> {
    const started = process.hrtime.bigint();
    const m = instruments();
    try {
      await this.inner.append(records);
      this.lastFailure = undefined;
      m.accessLogDuration.record(secondsSince(started), { outcome: 'ok' });
    } catch (error) {
      this.lastFailure = { at: this.now(), cause: error instanceof Error ? error.name : 'unknown' };
      m.accessLogDuration.record(secondsSince(started), { outcome: 'error' });
      m.accessLogFailures.add(1);
      throw error;
    }
  }

  query(filter: AccessFilter): Promise<AccessRecord[]> {
    return this.inner.query(filter);
  }

  probeWrite(): Promise<void> {
    return this.inner.probeWrite();
  }

  scan(afterSeq: number, limit: number): Promise<AccessRecord[]> {
    return this.inner.scan(afterSeq, limit);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** For readiness: the database answers a read, and no write failed in the last FAILURE_HOLD_MS. */
  async health(): Promise<AccessLogHealth> {
    try {
      await this.inner.scan(0, 1);
    } catch (error) {
      return { ok: false, reason: `the access log cannot be read (${error instanceof Error ? error.name : 'unknown'})` };
    }
    try {
      await this.inner.probeWrite();
    } catch (error) {
      return { ok: false, reason: `the access log cannot be written (${error instanceof Error ? error.name : 'unknown'})` };
    }
    const failure = this.lastFailure;
    if (failure && this.now() - failure.at < FAILURE_HOLD_MS)
      return { ok: false, reason: `the last access-log write failed ${Math.round((this.now() - failure.at) / 1000)} s ago (${failure.cause})` };
    return { ok: true };
  }
}
