// OpenTelemetry from the configuration: the SDK is loaded and started only when an OTLP
// endpoint or METRICS_PORT is set (loading it costs most of a second and ~18 MB); otherwise
// nothing is loaded and the service runs with the API's no-op tracer and meter. main.ts
// calls this before it loads Nest, Express or pg, so that the instrumentations can patch
// them as they are required.
import type { AppConfig } from '../config';
import type { Telemetry } from './sdk';

export async function startConfiguredTelemetry(config: Pick<AppConfig, 'otlp' | 'metrics'>): Promise<Telemetry | undefined> {
  if (!config.otlp && !config.metrics) return undefined;
  const { startTelemetry } = await import('./sdk');
  return startTelemetry({ otlp: config.otlp, prometheus: config.metrics !== undefined });
}
