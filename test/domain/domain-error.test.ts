// A refusal is an Error named DomainError: logs, traces and the UI error page name the
// error by its `name` (see src/app/observability), so a refusal must not pass for a crash.
import { DomainError, notFound, refuse, unacceptable } from '../../src/domain/shared/domain-error';

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
};

describe('DomainError', () => {
  it('is an Error named DomainError, with its code, kind and message', () => {
    const error = new DomainError('NOT_FOUND', 'No such episode.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DomainError');
    expect(String(error)).toBe('DomainError: No such episode.');
    expect(error.stack?.split('\n')[0]).toBe('DomainError: No such episode.');
    expect(error).toMatchObject({ code: 'NOT_FOUND', kind: 'not_found', message: 'No such episode.', details: [] });
  });

  it.each([
    ['refuse', 'rule', () => refuse('EPISODE_ENDED', 'The episode has ended.')],
    ['unacceptable', 'unacceptable', () => unacceptable('UNKNOWN_MODULE', 'No theory module "x".')],
    ['notFound', 'not_found', () => notFound('No such episode.')],
  ])('%s throws a DomainError of kind %s, named as such', (_, kind, f) => {
    const error = thrown(f);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ name: 'DomainError', kind });
  });
});
