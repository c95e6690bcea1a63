// HTTP writes at fixed request rates, evenly paced, against the app in a child process:
// each request is a patient's reply in an open conversation (POST /episodes/:id/messages,
// one MessageSent), spread round-robin over the seeded episodes. Latency is every
// response's own time from when it was due, so percentiles are exact.
import http from 'node:http';
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

/**
 * One POST at an exact, even pace (open loop): request i is due at start + i / rate, and its
 * latency runs from when it was due, so a server that falls behind is charged for the wait
 * (no coordinated omission). autocannon's rate option sends each second's budget in one
 * burst at the start of the second, which measures a burst of `rate` requests, not a rate.
 */
async function atRate(ready: HttpServerReady, rate: number, seconds: number): Promise<RateResult> {
  const connections = Math.min(256, Math.max(16, Math.ceil(rate / 10)));
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const targets = ready.targets;
  const post = (due: number) =>
    new Promise<void>((resolve) => {
      const t = targets[next++ % targets.length]!;
      const body = JSON.stringify({ text: 'Tack, det går bättre nu.', conversationId: t.conversationId });
      const req = http.request(
        {
          host: '127.0.0.1',
          port: ready.port,
          method: 'POST',
          path: `/episodes/${t.episodeId}/messages`,
          agent,
          headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 201) latencies.push(performance.now() - due);
            else errors += 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });
  const inflight: Promise<void>[] = [];
  const start = performance.now() + 5;
  let i = 0;
  while (i < total) {
    const now = performance.now();
    for (; i < total && start + i * interval <= now; i++) inflight.push(post(start + i * interval));
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, Math.min(interval, start + i * interval - performance.now()))));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const requests = latencies.length + errors;
  return {
    targetRate: rate,
    // Requests sent over the time the last one took to come back.
    achievedRate: requests / Math.max(seconds, elapsed),
    requests,
    ok: latencies.length,
    errors,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: Math.round((latencies[latencies.length - 1] ?? NaN) * 10) / 10,
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
    // Every rate up to the 1,000/s target is measured; past it, two misses end the climb.
    if (!held && ++misses >= 2 && rate >= 1000) break;
  }
  return { episodes: ready.targets.length, rates: results, highestRateUnder25ms: highest, warmup: { ok: warm.ok, errors: warm.errors, connections: warm.connections } };
}
