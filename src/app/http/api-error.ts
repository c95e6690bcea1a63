// Errors the HTTP edge answers with the contract's body:
// { "error": { "code", "message", "details" } }.
import type { ZodError } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const validationFailed = (error: ZodError, where: 'body' | 'query' | 'path' | 'header' = 'body') =>
  new ApiError(
    400,
    'VALIDATION_FAILED',
    `The request ${where} does not match the schema.`,
    error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), problem: i.message })),
  );

export const notFound = (what = 'The resource') => new ApiError(404, 'NOT_FOUND', `${what} was not found.`);
export const forbidden = (message = 'Your role or unit may not do this.') => new ApiError(403, 'FORBIDDEN', message);
export const unauthenticated = (message = 'A valid bearer token is required.') => new ApiError(401, 'UNAUTHENTICATED', message);
