// Errors the HTTP edge answers with the contract's body:
// { "error": { "code", "message", "details" } }. The code is one of src/domain/error-codes.ts.
import type { ZodError } from 'zod';
import { statusOf, type ErrorCode } from '../../domain/error-codes';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** An ApiError with the status the code is listed with. */
export const apiError = (code: ErrorCode, message: string, details: readonly unknown[] = []) => new ApiError(statusOf(code), code, message, details);

export const validationFailed = (error: ZodError, where: 'body' | 'query' | 'path' | 'header' = 'body') =>
  apiError(
    'VALIDATION_FAILED',
    `The request ${where} does not match the schema.`,
    error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), problem: i.message })),
  );

export const notFound = (what = 'The resource') => apiError('NOT_FOUND', `${what} was not found.`);
export const forbidden = (message = 'Your role or unit may not do this.') => apiError('FORBIDDEN', message);
export const unauthenticated = (message = 'A valid bearer token is required.') => apiError('UNAUTHENTICATED', message);
