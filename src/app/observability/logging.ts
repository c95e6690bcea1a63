// The service's logger: pino JSON lines on stdout (LOG_FORMAT=pretty for a terminal), at
// LOG_LEVEL. Personal data never reaches a line in clear:
// - path rules censor the fields that hold it or a credential wherever a log object has them
//   (authorization headers, tokens, personnummer, message and answer texts, welcome texts,
//   reasons, bodies and query strings);
// - every other string of a line, its message and its error (message, stack, properties)
//   goes through redact(), which masks any personnummer or samordningsnummer and any token.
// Each line inside a traced request carries its trace and span id.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { ConfigError, type AppConfig } from '../config';
import { redact } from '../http/redact';

/** LOG_LEVEL (Nest's names) to pino's. */
const LEVELS: Record<string, pino.LevelWithSilent> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace', silent: 'silent' };

const SENSITIVE = ['personnummer', 'text', 'welcomeText', 'answers', 'reason', 'token', 'authorization', 'cookie', 'body', 'query'];

/** pino's redaction paths: each sensitive field at the top and up to three levels down. */
export const REDACT_PATHS: readonly string[] = SENSITIVE.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]);

export const CENSOR = '[redacted]';

const MAX_DEPTH = 8;

/** Every string in a log object through redact(); errors are left to the err serializer. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object' || value instanceof Error || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}

/** pino's error serializer, with the message, stack and every property redacted. */
export function errorSerializer(error: unknown): unknown {
  return redactDeep(pino.stdSerializers.err(error as Error));
}

function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

export function loggerOptions(config: Pick<AppConfig, 'logLevel'>): LoggerOptions {
  return {
    level: LEVELS[config.logLevel] ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: CENSOR },
    serializers: { err: errorSerializer, error: errorSerializer },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactDeep(object) as Record<string, unknown>,
    },
    hooks: {
      // The message and its format arguments.
      logMethod(args, method) {
        return method.apply(this, args.map((a) => (typeof a === 'string' ? redact(a) : a)) as Parameters<typeof method>);
      },
    },
    mixin: traceFields,
  };
}

/** LOG_FORMAT=pretty: pino-pretty (a development dependency) in pino's transport worker. */
export function prettyStream(destination: string | number = 1): DestinationStream {
  try {
    return pino.transport({ target: 'pino-pretty', options: { destination, colorize: destination === 1 && Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss.l' } });
  } catch {
    throw new ConfigError('Invalid configuration:\n  LOG_FORMAT: pretty needs the pino-pretty package (a development dependency); use LOG_FORMAT=json');
  }
}

/** The root logger; tests pass a destination that captures the lines. */
export function createLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  return pino(loggerOptions(config), destination ?? (config.logFormat === 'pretty' ? prettyStream() : pino.destination({ dest: 1, sync: true })));
}
