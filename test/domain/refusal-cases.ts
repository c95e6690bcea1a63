// A table of refusals, each with what the API contract hands the client: its code, its kind
// (409, 422 or 404), its message and its details (field path and problem). Shared by the
// episode's and the registry follow-up's refusal tests.
import type { DecisionContext, EpisodeCommand } from '../../src/domain/episode/commands';
import type { EpisodeEvent } from '../../src/domain/episode/events';
import type { DomainErrorKind } from '../../src/domain/shared/domain-error';
import { episodeSpec } from './decider-specification';

export interface Refusal {
  readonly given: EpisodeEvent[];
  readonly when: EpisodeCommand;
  readonly context?: Partial<DecisionContext>;
  readonly code: string;
  readonly kind: DomainErrorKind;
  readonly message: string;
  readonly details?: readonly unknown[];
}

/** One test per refusal: given its events, when its command, the client is told exactly this. */
export function itTellsEachRefusal(refusals: Readonly<Record<string, Refusal>>): void {
  const episode = episodeSpec();
  it.each(Object.entries(refusals))('%s', (_, r) => {
    const error = episode.given(r.given).when(r.when, r.context).thenThrows(r.code, r.kind);
    expect(error.message).toBe(r.message);
    expect(error.details).toEqual(r.details ?? []);
  });
}
