// Telemetry for the write path's command handler: one span per command (type, stream,
// correlation id, outcome, retries), a child span for the load and fold, and the command
// duration histogram by type and outcome with the conflict and retry counters. The append
// span comes from the store wrapper (instrumented-event-store.ts), which also writes this
// span's trace context into the events' metadata (`traceparent`), so the projector spans
// that apply them link back here. With telemetry off every call is the API's no-op.
//
//   return observeCommand({ commandType: command.type, stream, correlationId }, async (span) => {
//     for (let attempt = 0; ; attempt++) {
//       if (attempt > 0) span.retry();
//       const loaded = await span.load(() => loader.load(stream));
//       ...decide; nothing to write: span.outcome('unchanged'); Idempotency-Key seen: span.outcome('idempotent-replay')
//       try { append } catch (e) { if (e instanceof WrongExpectedRevisionError) { span.conflict(); continue; } throw e; }
//       return answer;            // 'accepted' unless another outcome was set
//     }
//   });
// A throw is 'refused' when it answers 4xx (with its code), 'failed' when it answers 5xx.
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { toApiError } from '../http/error.filter';
import { instruments, secondsSince } from './instruments';
import { correlationAttribute, streamAttribute } from './scrub';
import { TRACER_NAME } from './trace-context';

export type CommandOutcome = 'accepted' | 'unchanged' | 'refused' | 'idempotent-replay' | 'failed';

export interface CommandAttributes {
  /** The command's type, e.g. `SendMessage` (a small fixed set: a metric attribute). */
  readonly commandType: string;
  /** The stream it decides on, e.g. `episode-01J...` (a patient's stream is shown as a pseudonym). */
  readonly stream: string;
  /** The correlation id its events carry. */
  readonly correlationId?: string;
}

export interface CommandSpan {
  /** The command is decided again after a concurrency conflict. */
  retry(): void;
  /** An append met a concurrency conflict (the stream moved on). */
  conflict(): void;
  /** How the command ended, if not 'accepted' (a return) or what its throw answers. */
  outcome(outcome: CommandOutcome, code?: string): void;
  /** Load and fold the stream in a child span. */
  load<T>(run: () => Promise<T>): Promise<T>;
  /** The span itself, for anything else worth an attribute (never personal data). */
  readonly span: Span;
}

class RecordingCommand implements CommandSpan {
  retries = 0;
  conflicts = 0;
  result?: { outcome: CommandOutcome; code?: string };

  constructor(
    readonly span: Span,
    private readonly commandType: string,
  ) {}

  retry(): void {
    this.retries += 1;
    instruments().commandRetries.add(1, { command_type: this.commandType });
  }

  conflict(): void {
    this.conflicts += 1;
    instruments().commandConflicts.add(1, { command_type: this.commandType });
    this.span.addEvent('concurrency conflict');
  }

  outcome(outcome: CommandOutcome, code?: string): void {
    this.result = { outcome, ...(code ? { code } : {}) };
  }

  load<T>(run: () => Promise<T>): Promise<T> {
    return trace.getTracer(TRACER_NAME).startActiveSpan('command.load', async (span) => {
      try {
        return await run();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}

export function observeCommand<T>(attributes: CommandAttributes, run: (span: CommandSpan) => Promise<T>): Promise<T> {
  const { commandType } = attributes;
  const correlationId = correlationAttribute(attributes.correlationId);
  return trace.getTracer(TRACER_NAME).startActiveSpan(
    `command ${commandType}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'artrosskola.command.type': commandType,
        'artrosskola.stream': streamAttribute(attributes.stream),
        ...(correlationId ? { 'artrosskola.correlation_id': correlationId } : {}),
      },
    },
    async (span) => {
      const command = new RecordingCommand(span, commandType);
      const started = process.hrtime.bigint();
      try {
        const value = await run(command);
        command.result ??= { outcome: 'accepted' };
        return value;
      } catch (error) {
        // An outcome set before the throw stands only when it already names a failure.
        if (command.result?.outcome !== 'refused' && command.result?.outcome !== 'failed') {
          const answer = toApiError(error);
          command.result = { outcome: answer.status < 500 ? 'refused' : 'failed', code: answer.code };
        }
        throw error;
      } finally {
        const { outcome, code } = command.result ?? { outcome: 'failed' as const };
        span.setAttributes({
          'artrosskola.command.outcome': outcome,
          'artrosskola.command.retries': command.retries,
          'artrosskola.command.conflicts': command.conflicts,
          ...(code ? { 'artrosskola.command.code': code } : {}),
        });
        // A refusal is the service answering as it should; only a failure marks the span.
        if (outcome === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: code });
        span.end();
        instruments().commandDuration.record(secondsSince(started), { command_type: commandType, outcome });
      }
    },
  );
}
