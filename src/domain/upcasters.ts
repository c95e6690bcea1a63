// Schema evolution in one place: upcasters lift a stored event of an older schema version
// to the current shape on read. Events are never rewritten in the store.
// Register one entry per (type, fromVersion); chains run until the current version.

export interface StoredShape {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export type Upcaster = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** key: `${type}@${fromVersion}` -> upcaster to fromVersion + 1. */
export const UPCASTERS: Readonly<Record<string, Upcaster>> = {
  // FeeCharged v1 -> v2: fees were always in Swedish kronor.
  'FeeCharged@1': (data) => ({ ...data, currency: 'SEK' }),
};

export function upcast<T extends StoredShape>(event: T, registry: Readonly<Record<string, Upcaster>> = UPCASTERS): T {
  let current: T = event;
  for (;;) {
    const step = registry[`${current.type}@${current.schemaVersion}`];
    if (!step) return current;
    current = { ...current, schemaVersion: current.schemaVersion + 1, data: step(current.data) };
  }
}
