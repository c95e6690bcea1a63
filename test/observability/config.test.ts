// The operations variables: METRICS_PORT (on 127.0.0.1 unless METRICS_HOST, never the
// public port), OTLP from the standard OTEL_EXPORTER_OTLP_* endpoints (OTEL_SDK_DISABLED
// switches all of it off), LOG_FORMAT and READY_MAX_LAG; wrong values stop the start with
// the variable named.
import { ConfigError, loadConfig } from '../../src/app/config';

describe('operations configuration', () => {
  it('has no metrics endpoint, no OTLP export, JSON logs and a lag of 10,000 events for readiness by default', () => {
    expect(loadConfig({})).toMatchObject({ metrics: undefined, otlp: false, logFormat: 'json', readyMaxLag: 10_000 });
  });

  it('serves metrics on 127.0.0.1:METRICS_PORT, or METRICS_HOST', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(loadConfig({ METRICS_PORT: '' }).metrics).toBeUndefined();
  });

  it('exports by OTLP when any OTLP endpoint is set, unless the SDK is disabled', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).otlp).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).otlp).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://collector:4318/v1/metrics' }).otlp).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', METRICS_PORT: '9464', OTEL_SDK_DISABLED: 'TRUE' })).toMatchObject({ otlp: false, metrics: undefined });
  });

  it('takes LOG_FORMAT=pretty and READY_MAX_LAG', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty', READY_MAX_LAG: '0' })).toMatchObject({ logFormat: 'pretty', readyMaxLag: 0 });
  });

  it.each<[Record<string, string>, string]>([
    [{ METRICS_PORT: 'abc' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT'],
    [{ PORT: '8080', METRICS_PORT: '8080' }, 'METRICS_PORT'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ READY_MAX_LAG: '-1' }, 'READY_MAX_LAG'],
  ])('refuses %j at start, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n(.|\\n)*  ${variable}: `));
  });
});
