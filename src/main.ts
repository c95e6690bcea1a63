// `npm start`: the API on the configured store (embedded SQLite under ./data by default).
// Telemetry starts first; Nest, Express and pg are imported only after it (below), so that
// OpenTelemetry's instrumentations patch them as they load. Nothing here above them may
// import them.
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './app/config';
import { redact } from './app/http/redact';
import { startConfiguredTelemetry } from './app/observability/start-telemetry';

async function main(): Promise<void> {
  const config = loadConfig();
  const telemetry = await startConfiguredTelemetry(config);
  const { Logger } = await import('@nestjs/common');
  const { buildApp } = await import('./app/bootstrap');
  const { serveMetrics } = await import('./app/observability/metrics-server');
  const metrics = config.metrics && telemetry?.prometheus ? await serveMetrics(telemetry.prometheus, config.metrics) : undefined;
  const shutdown = async () => {
    await metrics?.close();
    await telemetry?.shutdown();
  };
  const { app } = await buildApp(config, { telemetry: { shutdown } });
  await app.listen(config.port, config.host);
  // The port bound, which PORT=0 leaves to the system.
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const log = new Logger('Main');
  log.log(`Digital Artrosskola core on http://${config.host}:${port} (store: ${config.eventStore}${config.eventStore === 'sqlite' ? `, ${config.sqliteFile}` : ''})`);
  log.log(`API docs: http://${config.host}:${port}/docs`);
  if (metrics) log.log(`Metrics: http://${metrics.host}:${metrics.port}/metrics`);
  if (config.otlp) log.log('Traces and metrics exported by OTLP (OTEL_EXPORTER_OTLP_* variables)');
  if (config.eventStore !== 'sqlite' && !config.dataEncryptionKey)
    log.warn(`No DATA_ENCRYPTION_KEY: the master key is the local file ${config.masterKeyFile}; every instance on this database must share one key, or they cannot read each other's personal data.`);
  if (config.usingLocalSecret) log.warn('Using the local development JWT secret: never in production (set AUTH_JWT_SECRET or AUTH_JWKS_URL).');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(redact(`Failed to start: ${error instanceof Error ? error.message : String(error)}`));
  }
  process.exit(1);
});
