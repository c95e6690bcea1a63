// Typed access to event data inside projections. Only domain *types* are imported (the
// layering rule); the few conventions needed at run time (stream prefixes, masking) are
// restated here and named after the domain function they mirror.
import type { RecordedEvent } from '../event-store/event-store';
import type { EpisodeEventType, EventOf } from '../domain/episode/events';
import type { UnitEvent } from '../domain/unit/unit';

export type EpisodeData<T extends EpisodeEventType> = EventOf<T>['data'];
export type UnitData<T extends UnitEvent['type']> = Extract<UnitEvent, { type: T }>['data'];

/** The data of an episode event, typed by its type name (the caller has checked `type`). */
export const episodeData = <T extends EpisodeEventType>(event: RecordedEvent, _type: T) =>
  event.data as unknown as EpisodeData<T>;
export const unitData = <T extends UnitEvent['type']>(event: RecordedEvent, _type: T) => event.data as unknown as UnitData<T>;

/** Mirrors episodeStreamId in the domain: `episode-<episodeId>`. */
const EPISODE_PREFIX = 'episode-';
export const episodeIdOf = (event: RecordedEvent): string | undefined =>
  event.streamId.startsWith(EPISODE_PREFIX) ? event.streamId.slice(EPISODE_PREFIX.length) : undefined;

// Personal fields (personnummer, birth date, free texts) are stored as the events carry
// them: ciphertext when the projector reads the raw store of the app's encrypting store
// (so crypto-shredding also empties the read models), clear text otherwise. Queries turn
// them back into clear text through the app's `reveal` (PersonalDataCipher.reveal).
export type Reveal = (stored: string) => Promise<string> | string;

export async function reveal(stored: string, how: Reveal | undefined): Promise<string>;
export async function reveal(stored: string | null, how: Reveal | undefined): Promise<string | null>;
export async function reveal(stored: string | null, how: Reveal | undefined): Promise<string | null> {
  return stored === null || how === undefined ? stored : how(stored);
}

const CANONICAL = /^\d{12}$/;
const HIDDEN = '********-****';

/** The theory modules hidden ("Kommande") after a ModuleHidden or ModuleShown event. */
export function hiddenModulesAfter(hidden: readonly string[], event: RecordedEvent): string[] {
  const { moduleId } = event.data as { moduleId: string };
  if (event.type === 'ModuleShown') return hidden.filter((m) => m !== moduleId);
  return hidden.includes(moduleId) ? [...hidden] : [...hidden, moduleId];
}

/** Mirrors maskIdentityNumber: YYYYMMDD-****, from the stored (possibly encrypted) number. */
export async function maskedPersonnummer(stored: string, how: Reveal | undefined): Promise<string> {
  const clear = CANONICAL.test(stored) ? stored : how ? await how(stored) : null;
  return clear && CANONICAL.test(clear) ? `${clear.slice(0, 8)}-****` : HIDDEN;
}

/** Episode ids of the batch's episode events. */
export function episodeKeys(batch: readonly RecordedEvent[]): Set<string> {
  const keys = new Set<string>();
  for (const e of batch) {
    const id = episodeIdOf(e);
    if (id !== undefined) keys.add(id);
  }
  return keys;
}

export const typeSet = (...types: string[]) => {
  const set = new Set(types);
  return (type: string) => set.has(type);
};
