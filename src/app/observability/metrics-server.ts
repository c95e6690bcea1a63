// GET /metrics (Prometheus text) on a port of its own, METRICS_PORT on METRICS_HOST
// (127.0.0.1 unless set): the operators' monitoring reads it, the public port never serves
// it. Anything else on this port answers 404.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

export interface MetricsServer {
  /** The bound address (the port the system chose when asked for 0). */
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function serveMetrics(exporter: PrometheusExporter, address: { host: string; port: number }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').replace(/\?.*$/s, '');
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
      exporter.getMetricsRequestHandler(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics is served here.\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    host: address.host,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's keep-alive connection would hold close() open
      }),
  };
}
