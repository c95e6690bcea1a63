// Personal data never leaves in a span. Our own spans carry only ids, codes and counts; the
// HTTP, Express, Nest and pg instrumentations record URLs and statements, which may hold a
// personnummer in a path or query (GET /access-log?personnummer=...). Every span passes
// through here before any exporter sees it: query strings are dropped, and every string
// (name, attribute, event, link, status) goes through the logs' redact().
import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { redact } from '../http/redact';

/** Attributes that hold a URL or its target: the query string goes, the path is redacted. */
const URL_KEYS = new Set(['http.url', 'http.target', 'url.full', 'url.path', 'http.request.url', 'nestjs.url']);
/** Attributes dropped outright. */
const DROPPED_KEYS = new Set(['url.query']);

const withoutQuery = (url: string) => url.replace(/[?#].*$/s, '');

function scrubValue(key: string, value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return redact(URL_KEYS.has(key) ? withoutQuery(value) : value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? redact(v) : v)) as AttributeValue;
  return value;
}

export function scrubAttributes(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (DROPPED_KEYS.has(key) || /^http\.request\.header\./.test(key)) continue;
    out[key] = scrubValue(key, value);
  }
  return out;
}

/** The span as exported: the same span underneath, with scrubbed names and attributes over it. */
export function scrubSpan(span: ReadableSpan): ReadableSpan {
  const events: TimedEvent[] = span.events.map((e) => ({ ...e, name: redact(e.name), attributes: scrubAttributes(e.attributes) }));
  const links: Link[] = span.links.map((l) => ({ ...l, attributes: scrubAttributes(l.attributes) }));
  const status = span.status.message === undefined ? span.status : { ...span.status, message: redact(span.status.message) };
  return Object.create(span, {
    name: { value: redact(span.name), enumerable: true },
    attributes: { value: scrubAttributes(span.attributes), enumerable: true },
    events: { value: events, enumerable: true },
    links: { value: links, enumerable: true },
    status: { value: status, enumerable: true },
  }) as ReadableSpan;
}

/** Wraps the real exporter (OTLP, or the tests' in-memory one). */
export class ScrubbingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(scrubSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** A stream id as a span may show it: a patient's stream is named by a keyed hash, kept out. */
export const streamAttribute = (streamId: string): string => (streamId.startsWith('patient-') ? 'patient-[pseudonym]' : redact(streamId));

/** A client-chosen correlation id, as logs and spans may show it. */
export const correlationAttribute = (id: unknown): string | undefined => (typeof id === 'string' ? redact(id.slice(0, 200)) : undefined);
