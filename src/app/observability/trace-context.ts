// The W3C trace context of the span that appended an event, carried in the event's metadata
// (`traceparent`), so the projector's batch span can link back to the command that wrote
// what it applies: a trace then shows the way from request to read model. Only written while
// a sampled span is active (tracing on); without tracing events carry nothing extra.
import { isSpanContextValid, trace, TraceFlags, type Link, type SpanContext } from '@opentelemetry/api';

/** The tracer of the service's own spans (commands, appends, projector batches, rebuilds). */
export const TRACER_NAME = 'artrosskola-core';

/** The metadata field that carries the appending span's context. */
export const TRACEPARENT = 'traceparent';

const FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** `00-<trace id>-<span id>-<flags>` of the active span when it is sampled, else undefined. */
export function activeTraceparent(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context) || (context.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return `00-${context.traceId}-${context.spanId}-${context.traceFlags.toString(16).padStart(2, '0')}`;
}

/** The span context a stored `traceparent` names; undefined for anything else. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const m = FORMAT.exec(value);
  if (!m) return undefined;
  const context: SpanContext = { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
  return isSpanContextValid(context) ? context : undefined;
}

/** One link per distinct command span among the events' metadata, at most `max`. */
export function linksFromMetadata(metadata: Iterable<Readonly<Record<string, unknown>>>, attributes: (m: Readonly<Record<string, unknown>>) => Link['attributes'], max = 64): Link[] {
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const m of metadata) {
    const value = m[TRACEPARENT];
    if (typeof value !== 'string' || seen.has(value)) continue;
    seen.add(value);
    const context = parseTraceparent(value);
    if (!context) continue;
    links.push({ context, attributes: attributes(m) });
    if (links.length >= max) break;
  }
  return links;
}
