// A command refused by a business rule. `code` is stable and part of the HTTP contract
// (../shared/docs/api-contract.md; every code and its status is listed in docs/api.md and
// in src/domain/error-codes.ts); `kind` tells the edge which status family it belongs to.
import { kindOf, type DomainErrorCode, type DomainErrorKind, type RuleErrorCode, type UnacceptableErrorCode } from '../error-codes';

export type { DomainErrorKind } from '../error-codes';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    // Defaults to the code's own kind, so its status is decided in error-codes.ts alone.
    readonly kind: DomainErrorKind = kindOf(code),
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const refuse = (code: RuleErrorCode, message: string): never => {
  throw new DomainError(code, message, 'rule');
};

export const unacceptable = (code: UnacceptableErrorCode, message: string, details: readonly unknown[] = []): never => {
  throw new DomainError(code, message, 'unacceptable', details);
};

export const notFound = (message: string): never => {
  throw new DomainError('NOT_FOUND', message, 'not_found');
};
