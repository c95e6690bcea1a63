// What the health routes report, from the parts the service needs to answer: the event
// store (its head), the PDL access log (a read must be logged before it is answered), and
// every projection (live, and within READY_MAX_LAG events of the head).
import type { EventStore } from '../../event-store/event-store';
import type { LagReport } from '../../projections/live-projector';
import { redact } from '../http/redact';
import type { AccessLogHealth } from './instrumented-access-log';

/** A check that does not answer in this time fails: a probe must not hang with it. */
export const CHECK_TIMEOUT_MS = 3000;

export interface HealthSources {
  readonly store: Pick<EventStore, 'headPosition'>;
  readonly accessLog: { health(): Promise<AccessLogHealth> };
  readonly projections: { lag(): Promise<LagReport> };
  readonly readyMaxLag: number;
}

export interface FailingPart {
  /** `store`, `accessLog` or `projections.<name>`. */
  readonly part: string;
  readonly reason: string;
}

export interface HealthReport {
  /** Undefined when the store did not answer. */
  readonly headPosition?: bigint;
  readonly projections?: LagReport;
  readonly accessLog: 'ok' | 'failing';
  readonly failing: readonly FailingPart[];
}

const nameOf = (error: unknown) => (error instanceof Error ? error.name : 'unknown');

async function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`), { name: 'Timeout' })), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why each projection is not ready: failed, still starting, or too far behind. */
export function projectionFailures(report: LagReport, maxLag: number): FailingPart[] {
  const failing: FailingPart[] = [];
  for (const p of report.projections) {
    const part = `projections.${p.name}`;
    if (p.status === 'failed') failing.push({ part, reason: `failed${p.lastError ? `: ${redact(p.lastError)}` : ''}; retried` });
    else if (p.status === 'starting') failing.push({ part, reason: 'starting' });
    else if (BigInt(p.behind) > BigInt(maxLag)) failing.push({ part, reason: `${p.behind} events behind the head (READY_MAX_LAG ${maxLag})` });
  }
  return failing;
}

export class HealthService {
  constructor(private readonly sources: HealthSources) {}

  async check(): Promise<HealthReport> {
    const failing: FailingPart[] = [];
    const [head, projections, accessLog] = await Promise.allSettled([
      within('the event store', this.sources.store.headPosition()),
      within('the projector', this.sources.projections.lag()),
      within('the access log', this.sources.accessLog.health()),
    ]);
    if (head.status === 'rejected') failing.push({ part: 'store', reason: `the event store cannot be reached (${nameOf(head.reason)})` });
    if (projections.status === 'fulfilled') failing.push(...projectionFailures(projections.value, this.sources.readyMaxLag));
    else if (head.status === 'fulfilled') failing.push({ part: 'projections', reason: `the projections' positions cannot be read (${nameOf(projections.reason)})` });
    const log = accessLog.status === 'fulfilled' ? accessLog.value : { ok: false, reason: `the access log cannot be checked (${nameOf(accessLog.reason)})` };
    if (!log.ok) failing.push({ part: 'accessLog', reason: log.reason ?? 'failing' });
    return {
      ...(head.status === 'fulfilled' ? { headPosition: head.value } : {}),
      ...(projections.status === 'fulfilled' ? { projections: projections.value } : {}),
      accessLog: log.ok ? 'ok' : 'failing',
      failing,
    };
  }
}
