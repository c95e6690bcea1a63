// HTTP writes at fixed request rates with autocannon, against the app in a child process:
// each request is a patient's reply in an open conversation (POST /episodes/:id/messages,
// one MessageSent), spread round-robin over the seeded episodes. Latency is every
// response's own time, so p95 is exact rather than read off autocannon's summary.
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { forkChild } from './children';
import type { HttpServerReady } from './http-server';

export interface RateResult {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly connections: number;
}

export interface HttpResult {
  readonly episodes: number;
  readonly rates: readonly RateResult[];
  /** Highest rate held (>= 95 % of it achieved, no errors) with p99 under 25 ms. */
  readonly highestRateUnder25ms: number | null;
  /** The warm-up's requests: acknowledged ones and failed ones (each may have written one event). */
  readonly warmup: { readonly ok: number; readonly errors: number; readonly connections: number };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10 : NaN;

export async function startServer(env: Record<string, string>, episodes: number, firstPatient: number): Promise<{ child: ChildProcess; ready: HttpServerReady }> {
  const child = forkChild('http-server.ts', [String(episodes), String(firstPatient)], env);
  const ready = await new Promise<HttpServerReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as HttpServerReady));
    child.once('exit', (code) => reject(new Error(`the HTTP server exited with ${code}`)));
  });
  return { child, ready };
}

export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send('stop');
  });
}

async function atRate(ready: HttpServerReady, rate: number, seconds: number): Promise<RateResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const targets = ready.targets;
  let finish: (r: autocannon.Result) => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const connections = Math.min(128, Math.max(16, Math.ceil(rate / 40)));
  const options: autocannon.Options = {
    url: `http://127.0.0.1:${ready.port}`,
    connections,
    overallRate: rate,
    duration: seconds,
    headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const t = targets[next++ % targets.length]!;
          return { ...req, path: `/episodes/${t.episodeId}/messages`, body: JSON.stringify({ text: 'Tack, det går bättre nu.', conversationId: t.conversationId }) };
        },
      },
    ],
  };
  const instance = autocannon(options, (error, r) => (error ? fail(error) : finish(r)));
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === 201) latencies.push(responseTime);
    else errors += 1;
  });
  const result = await done;
  errors += result.errors + result.timeouts;
  latencies.sort((a, b) => a - b);
  const total = latencies.length + errors;
  return {
    targetRate: rate,
    achievedRate: total / result.duration,
    requests: total,
    ok: latencies.length,
    errors,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    connections,
  };
}

/** Step up through `rates` until one is not held under 25 ms at p99 (two steps past the first miss at most). */
export async function httpWrites(ready: HttpServerReady, rates: readonly number[], seconds: number, log: (line: string) => void): Promise<HttpResult> {
  const results: RateResult[] = [];
  let highest: number | null = null;
  let misses = 0;
  const warm = await atRate(ready, Math.min(200, rates[0]!), 2); // warm-up: JIT, connections
  for (const rate of rates) {
    const r = await atRate(ready, rate, seconds);
    results.push(r);
    const held = r.errors === 0 && r.achievedRate >= 0.95 * rate && r.p99 < 25;
    log(`  HTTP ${rate}/s: achieved ${r.achievedRate.toFixed(0)}/s, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, errors ${r.errors}${held ? '' : '  (not held)'}`);
    if (held && misses === 0) highest = rate;
    if (!held && ++misses >= 2) break;
  }
  return { episodes: ready.targets.length, rates: results, highestRateUnder25ms: highest, warmup: { ok: warm.ok, errors: warm.errors, connections: warm.connections } };
}
