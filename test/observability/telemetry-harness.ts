// Telemetry for in-process tests: the real SDK with an in-memory span exporter (behind the
// same scrubbing as OTLP) and the Prometheus reader, no instrumentations (jest's module
// registry cannot be patched). Start it before building the app: instruments are taken
// from the global providers it registers. One per test file; stop it in afterAll.
import type { DestinationStream } from 'pino';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { startTelemetry, type Telemetry } from '../../src/app/observability/sdk';

export interface TestTelemetry {
  readonly telemetry: Telemetry;
  readonly exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  /** The Prometheus text GET /metrics would answer now. */
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

export function startTestTelemetry(): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const telemetry = startTelemetry({ spanExporter: exporter, prometheus: true, instrumentations: false });
  return {
    telemetry,
    exporter,
    spans: () => exporter.getFinishedSpans(),
    scrape: async () => new PrometheusSerializer().serialize((await telemetry.prometheus!.collect()).resourceMetrics),
    stop: () => telemetry.shutdown(),
  };
}

/** The sum of the Prometheus samples of `name` whose labels include `labels`; undefined when there is none. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total = (total ?? 0) + Number(m[3]);
  }
  return total;
}

/** Log lines written to a pino destination, parsed. */
export class CapturedLog implements DestinationStream {
  readonly raw: string[] = [];

  write(line: string): void {
    this.raw.push(line);
  }

  get lines(): Array<Record<string, unknown>> {
    return this.raw.flatMap((chunk) => chunk.split('\n').filter((l) => l.trim() !== '')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  text(): string {
    return this.raw.join('');
  }
}
