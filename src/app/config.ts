// Configuration from the environment, validated once at start with a clear message.
// Defaults run on a fresh machine: embedded SQLite under ./data, a local JWT secret.
import { z } from 'zod';
import path from 'node:path';

export const LOCAL_JWT_SECRET = 'local-development-secret-not-for-production';
export const LOCAL_PATIENT_INDEX_KEY = 'local-patient-index-key-not-for-production';

/** OTLP is exported over HTTP here: an http(s) URL such as http://collector:4318. */
const OtlpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://collector:4318' });

const Env = z
  .object({
    NODE_ENV: z.string().default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    EVENT_STORE: z.enum(['sqlite', 'postgres', 'eventstoredb']).default('sqlite'),
    DATABASE_URL: z.string().optional(),
    DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
    EVENTSTOREDB_URL: z.string().optional(),
    AUTH_JWT_SECRET: z.string().min(16, 'AUTH_JWT_SECRET must be at least 16 characters').optional(),
    AUTH_JWKS_URL: z.string().url().optional(),
    AUTH_ISSUER: z.string().optional(),
    AUTH_AUDIENCE: z.string().optional(),
    /** Key of the keyed hash that names a patient's streams without the personnummer. */
    PATIENT_INDEX_KEY: z.string().min(16).optional(),
    /** Master key (base64, 32 bytes) that wraps the per-patient data keys. */
    DATA_ENCRYPTION_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'DATA_ENCRYPTION_KEY must be 32 bytes in base64')
      .optional(),
    /** Command retries on internal concurrency conflicts (no If-Match). */
    WRITE_RETRIES: z.coerce.number().int().min(0).max(50).default(10),
    /** Folded episodes kept in memory between commands (0: read every stream whole). */
    EPISODE_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose', 'silent']).default('log'),
    /** JSON lines (for a log collector) or pretty lines for a terminal (needs the pino-pretty dev dependency). */
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
    /** Prometheus text on GET /metrics at METRICS_HOST:METRICS_PORT; unset, no metrics endpoint. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** OTLP export (traces and metrics) when set; the other OTEL_* variables are the SDK's. */
    OTEL_EXPORTER_OTLP_ENDPOINT: OtlpUrl.optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: OtlpUrl.optional(),
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: OtlpUrl.optional(),
    OTEL_SDK_DISABLED: z.string().optional(),
    /** Where the live projector runs: a worker thread of its own, or the API's main thread. */
    PROJECTOR_THREAD: z.enum(['worker', 'main']).optional(),
    /** Readiness fails while a projection is more than this many events behind the head. */
    READY_MAX_LAG: z.coerce.number().int().min(0).default(10_000),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(\.\d+)? *(b|kb|mb|gb)?$/i, 'BODY_LIMIT must be a size such as 256kb, 1mb or 100000')
      .default('256kb'),
    /** Requests per user (per IP on public routes) in any 60 s window, per instance; 0 disables. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(60000).default(1200),
  })
  .superRefine((env, ctx) => {
    if (env.EVENT_STORE === 'eventstoredb' && !env.EVENTSTOREDB_URL)
      ctx.addIssue({ code: 'custom', path: ['EVENTSTOREDB_URL'], message: 'EVENT_STORE=eventstoredb needs EVENTSTOREDB_URL' });
    if (env.NODE_ENV === 'production' && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL)
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_SECRET'], message: 'production needs AUTH_JWT_SECRET or AUTH_JWKS_URL' });
    if (env.NODE_ENV === 'production' && !env.DATA_ENCRYPTION_KEY)
      ctx.addIssue({ code: 'custom', path: ['DATA_ENCRYPTION_KEY'], message: 'production needs DATA_ENCRYPTION_KEY' });
    // The metrics never share the public port (they describe the service to its operators only).
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT)
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'METRICS_PORT must differ from PORT' });
    if (env.PROJECTOR_THREAD === 'worker' && env.EVENT_STORE === 'eventstoredb')
      ctx.addIssue({ code: 'custom', path: ['PROJECTOR_THREAD'], message: 'PROJECTOR_THREAD=worker is not supported with EVENT_STORE=eventstoredb (use main)' });
    if (env.NODE_ENV === 'production' && !env.PATIENT_INDEX_KEY)
      ctx.addIssue({ code: 'custom', path: ['PATIENT_INDEX_KEY'], message: 'production needs PATIENT_INDEX_KEY' });
  });

export interface AppConfig {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStore: 'sqlite' | 'postgres' | 'eventstoredb';
  /** SQLite files; ':memory:' in tests. */
  readonly sqliteFile: string;
  readonly readModelFile: string;
  readonly databaseUrl?: string;
  readonly databaseSchema?: string;
  readonly eventStoreDbUrl?: string;
  readonly jwtSecret?: string;
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
  readonly patientIndexKey: string;
  /** Master key from the environment; without it a local one is generated under dataDir. */
  readonly dataEncryptionKey?: Buffer;
  readonly keyStoreFile: string;
  readonly accessLogFile: string;
  readonly masterKeyFile: string;
  readonly writeRetries: number;
  readonly episodeCacheSize: number;
  readonly logLevel: string;
  readonly logFormat: 'json' | 'pretty';
  /** Where GET /metrics answers; undefined: no metrics endpoint. */
  readonly metrics?: { readonly host: string; readonly port: number };
  /** True when an OTLP endpoint is set: traces and metrics are exported by OTLP. */
  readonly otlp: boolean;
  readonly readyMaxLag: number;
  /**
   * `worker`: the live projector runs in a worker thread with its own connections (a file
   * SQLite store or PostgreSQL); `main`: in the API's thread (an in-memory SQLite store, EventStoreDB).
   */
  readonly projectorThread: 'worker' | 'main';
  readonly bodyLimit: string;
  /** Requests per user per minute and instance; 0 disables the limit. */
  readonly rateLimitPerMinute: number;
  /** True when the local development secret is in use (stated at start). */
  readonly usingLocalSecret: boolean;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  // An empty variable (`PORT=`) counts as unset: coerced, it would be 0 (a random port, no rate limit).
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const usingLocalSecret = !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL;
  // The SDK's own switch: no exporter, no metrics endpoint.
  const telemetryOff = e.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
  const config: Omit<AppConfig, 'projectorThread'> & Partial<Pick<AppConfig, 'projectorThread'>> = {
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    dataDir,
    eventStore: e.EVENT_STORE,
    sqliteFile: path.join(dataDir, 'events.db'),
    readModelFile: path.join(dataDir, 'read-models.db'),
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    eventStoreDbUrl: e.EVENTSTOREDB_URL,
    jwtSecret: e.AUTH_JWT_SECRET ?? (e.AUTH_JWKS_URL ? undefined : LOCAL_JWT_SECRET),
    jwksUrl: e.AUTH_JWKS_URL,
    issuer: e.AUTH_ISSUER,
    audience: e.AUTH_AUDIENCE,
    patientIndexKey: e.PATIENT_INDEX_KEY ?? LOCAL_PATIENT_INDEX_KEY,
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY ? Buffer.from(e.DATA_ENCRYPTION_KEY, 'base64') : undefined,
    keyStoreFile: path.join(dataDir, 'keys.db'),
    accessLogFile: path.join(dataDir, 'access-log.db'),
    masterKeyFile: path.join(dataDir, 'master.key'),
    writeRetries: e.WRITE_RETRIES,
    episodeCacheSize: e.EPISODE_CACHE_SIZE,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    metrics: e.METRICS_PORT === undefined || telemetryOff ? undefined : { host: e.METRICS_HOST, port: e.METRICS_PORT },
    otlp: !telemetryOff && Boolean(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT),
    readyMaxLag: e.READY_MAX_LAG,
    bodyLimit: e.BODY_LIMIT,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    usingLocalSecret,
    ...overrides,
  };
  // A worker thread cannot share an in-memory database; EventStoreDB keeps the projector here.
  const workerPossible = config.eventStore === 'postgres' || (config.eventStore === 'sqlite' && config.sqliteFile !== ':memory:');
  const projectorThread = config.projectorThread ?? e.PROJECTOR_THREAD ?? (workerPossible ? 'worker' : 'main');
  if (projectorThread === 'worker' && !workerPossible)
    throw new ConfigError('Invalid configuration:\n  PROJECTOR_THREAD: a worker thread needs a file-based SQLite store or PostgreSQL');
  return { ...config, projectorThread };
}
