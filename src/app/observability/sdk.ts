// The OpenTelemetry SDK, started only when something will receive what it records: an OTLP
// endpoint (OTEL_EXPORTER_OTLP_ENDPOINT and the other standard OTEL_* variables) or the
// Prometheus endpoint (METRICS_PORT). Loading it costs most of a second and ~18 MB, so
// start-telemetry.ts imports this file only then; without it the API's no-op tracer and meter
// answer every call. Instrumentations patch modules as they are required: main.ts starts
// this before Nest, Express or pg is loaded.
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { NodeSDK, metrics as sdkMetrics, tracing } from '@opentelemetry/sdk-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { ScrubbingSpanExporter } from './scrub';

export interface TelemetryOptions {
  /** Export traces and metrics by OTLP over HTTP, configured by the standard OTEL_* variables. */
  readonly otlp?: boolean;
  /** Collect metrics for GET /metrics (see metrics-server.ts). */
  readonly prometheus?: boolean;
  /** Tests: every span, scrubbed as exported ones are, to this exporter as it ends. */
  readonly spanExporter?: tracing.SpanExporter;
  /** Patch http, Express, Nest and pg as they load (off under jest: its module registry cannot be patched). */
  readonly instrumentations?: boolean;
}

export interface Telemetry {
  /** The reader behind GET /metrics, when asked for. */
  readonly prometheus?: PrometheusExporter;
  /** Flush and stop; the API's globals return to no-ops. */
  shutdown(): Promise<void>;
}

const PROBES = /^\/(health(\/|\?|$)|metrics(\?|$))/;

function instrumentations(): NonNullable<ConstructorParameters<typeof NodeSDK>[0]>['instrumentations'] {
  return [
    // Probes and scrapes come every few seconds and say nothing about the service's work.
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => PROBES.test(req.url ?? '') }),
    new ExpressInstrumentation(),
    new NestInstrumentation(),
    // Statement text only, never parameter values; no spans for the projector's idle polls.
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
  ];
}

const positive = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : undefined;
};

export function startTelemetry(options: TelemetryOptions): Telemetry {
  // The OTLP exporters read their OTEL_EXPORTER_OTLP_* variables themselves.
  const env = process.env;
  const spanProcessors: tracing.SpanProcessor[] = [];
  const metricReaders: sdkMetrics.IMetricReader[] = [];
  if (options.spanExporter) spanProcessors.push(new tracing.SimpleSpanProcessor(new ScrubbingSpanExporter(options.spanExporter)));
  if (options.otlp && env.OTEL_TRACES_EXPORTER !== 'none')
    spanProcessors.push(new tracing.BatchSpanProcessor(new ScrubbingSpanExporter(new OTLPTraceExporter())));
  if (options.otlp && env.OTEL_METRICS_EXPORTER !== 'none')
    metricReaders.push(
      new sdkMetrics.PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: positive(env.OTEL_METRIC_EXPORT_INTERVAL) ?? 60_000,
        exportTimeoutMillis: positive(env.OTEL_METRIC_EXPORT_TIMEOUT) ?? 30_000,
      }),
    );
  // The server is ours (metrics-server.ts): it binds to METRICS_HOST, not to every interface.
  const prometheus = options.prometheus ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  if (prometheus) metricReaders.push(prometheus);

  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: 'artrosskola-core' }),
    spanProcessors,
    metricReaders,
    // The HTTP instrumentation's own duration metric has no route template; ours has.
    views: [{ meterName: '@opentelemetry/instrumentation-http', aggregation: { type: sdkMetrics.AggregationType.DROP } }],
    instrumentations: options.instrumentations === false ? [] : instrumentations(),
    // Logs are pino's JSON lines on stdout, not OTLP log records.
    logRecordProcessors: [],
    // Host and process attributes for a service; an in-process test has no use for them.
    autoDetectResources: options.instrumentations !== false,
  });
  sdk.start();
  return {
    prometheus,
    shutdown: async () => {
      await sdk.shutdown();
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}
