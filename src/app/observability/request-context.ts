// What a request's log line tells beyond HTTP: the command ids and the correlation id of the
// events it appended. The store wrapper (instrumented-event-store.ts) notes them here, in an
// AsyncLocalStorage entered after the body is parsed (body-parser's stream events would
// lose it) and kept on the request for the log line written when the answer has left.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { EventMetadata } from '../../event-store/event-store';

export interface RequestContext {
  /** Distinct command ids of the events appended, in order. */
  readonly commandIds: string[];
  correlationId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
const CONTEXT = Symbol('requestContext');

type WithContext = Request & { [CONTEXT]?: RequestContext };

export function requestContext(req: Request, _res: Response, next: NextFunction): void {
  const context: RequestContext = { commandIds: [] };
  (req as WithContext)[CONTEXT] = context;
  storage.run(context, next);
}

export const contextOf = (req: unknown): RequestContext | undefined => (req as WithContext)[CONTEXT];

/** Called for every appended event's metadata; outside a request (CLI, projector) a no-op. */
export function noteAppended(metadata: EventMetadata): void {
  const context = storage.getStore();
  if (!context) return;
  if (!context.commandIds.includes(metadata.commandId)) context.commandIds.push(metadata.commandId);
  context.correlationId ??= metadata.correlationId;
}
