// One place that turns every failure into the contract's error body and status.
// Bad input never yields a 500; unexpected errors are logged without request bodies
// (they may hold a personnummer or message text).
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ZodError } from 'zod';
import { ApiError, apiError, validationFailed } from './api-error';
import { DomainError } from '../../domain/shared/domain-error';
import { STATUS_OF_KIND, type ErrorCode } from '../../domain/error-codes';
import { redact } from './redact';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../../event-store/event-store';

/** The code of a framework error by its status; another 4xx is BAD_REQUEST, a 5xx INTERNAL_ERROR. */
export const STATUS_CODE: Readonly<Partial<Record<number, ErrorCode>>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
};

export function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;
  if (exception instanceof DomainError)
    return new ApiError(STATUS_OF_KIND[exception.kind], exception.code, exception.message, exception.details);
  if (exception instanceof ZodError) return validationFailed(exception);
  if (exception instanceof WrongExpectedRevisionError) return apiError('CONCURRENCY_CONFLICT', 'The episode changed concurrently; retry the request.');
  if (exception instanceof StoreUnavailableError) return apiError('STORE_UNAVAILABLE', 'The event store cannot be reached; nothing was written.');
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = STATUS_CODE[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
    // Framework messages may quote the request ("Failed to decode param '...'"): never a personnummer.
    const message = status === 404 ? 'No such route.' : redact(exception.message);
    return new ApiError(status, code, message);
  }
  // Express body parser errors (malformed JSON, too large, bad charset) carry a status.
  const e = exception as { status?: number; statusCode?: number; type?: string } | null;
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (e?.type === 'entity.parse.failed') return apiError('VALIDATION_FAILED', 'The request body is not valid JSON.', [{ path: 'body', problem: 'malformed JSON' }]);
    if (e?.type === 'entity.too.large') return apiError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    return new ApiError(status, STATUS_CODE[status] ?? 'BAD_REQUEST', 'The request could not be read.');
  }
  return apiError('INTERNAL_ERROR', 'An unexpected error occurred.');
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<{ method: string; route?: { path?: string } }>();
    const error = toApiError(exception);
    if (error.status >= 500) {
      // Route pattern, not the URL: paths and bodies may carry personal data.
      const name = exception instanceof Error ? `${exception.name}: ${exception.message}` : 'non-error thrown';
      this.logger.error(redact(`${req.method} ${req.route?.path ?? "(unmatched)"} -> ${error.status} ${error.code} (${name})`));
    }
    if (res.headersSent) return;
    res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
  }
}
