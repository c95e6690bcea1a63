// A command refused by a business rule. `code` is stable and part of the HTTP contract
// (docs/api-contract.md); `kind` tells the edge which status family it belongs to.

/** 409: a rule refused the command. 422: a value is well-formed but not acceptable. 404: no such thing. */
export type DomainErrorKind = 'rule' | 'unacceptable' | 'not_found';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule',
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const refuse = (code: string, message: string): never => {
  throw new DomainError(code, message, 'rule');
};

export const unacceptable = (code: string, message: string, details: readonly unknown[] = []): never => {
  throw new DomainError(code, message, 'unacceptable', details);
};

export const notFound = (message: string): never => {
  throw new DomainError('NOT_FOUND', message, 'not_found');
};
