// Personal data stays inside: what the event feed and the published feed schemas leave out
// of an event's data. Which fields are personal is said once, in
// src/app/privacy/personal-fields.ts (the fields the store encrypts); this file only asks it.
import { mapPersonalFields } from '../privacy/personal-fields';

type Data = Readonly<Record<string, unknown>>;
type Json = Record<string, unknown>;

const WITHHELD = '\u0000withheld';
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The data without its personal fields, and the paths left out (`answers.activity-type`). */
export async function withoutPersonalFields(type: string, data: Data): Promise<{ data: Json; withheld: string[] }> {
  const marked = await mapPersonalFields(type, data, async () => WITHHELD);
  const withheld: string[] = [];
  const strip = (value: Json, path: string): Json => {
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (v === WITHHELD) withheld.push(here);
      else out[key] = isObject(v) ? strip(v, here) : v;
    }
    return out;
  };
  return { data: strip(marked as Json, ''), withheld };
}

const TAG = '\u0001';

/**
 * The personal paths of an event type, found by asking personal-fields.ts about a sample
 * made from the data's JSON Schema in which every string names its own path (`*` for a
 * record's keys).
 */
export async function personalPathsOf(type: string, dataSchema: Json): Promise<string[]> {
  const sample = (schema: unknown, path: string): unknown => {
    if (!isObject(schema)) return undefined;
    const options = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
    if (Array.isArray(options)) return options.map((o) => sample(o, path)).find((v) => typeof v === 'string') ?? sample(options[0], path);
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.includes('string')) return TAG + path;
    if (isObject(schema.properties))
      return Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, sample(s, path ? `${path}.${k}` : k)]));
    if (isObject(schema.additionalProperties)) return { '*': sample(schema.additionalProperties, path ? `${path}.*` : '*') };
    return undefined;
  };
  const found: string[] = [];
  await mapPersonalFields(type, sample(dataSchema, '') as Data, async (v) => {
    if (v.startsWith(TAG)) found.push(v.slice(1));
    return v;
  });
  return found;
}

/** The data's JSON Schema with those paths left out: what the feed carries. */
export function schemaWithout(dataSchema: Json, paths: readonly string[]): Json {
  const copy = structuredClone(dataSchema);
  for (const path of paths) {
    const keys = path.split('.');
    let node: Json | undefined = copy;
    for (const key of keys.slice(0, -1)) node = key === '*' ? (node?.additionalProperties as Json | undefined) : ((node?.properties as Json | undefined)?.[key] as Json | undefined);
    const last = keys[keys.length - 1]!;
    if (!node) continue;
    if (last === '*' && isObject(node.additionalProperties)) {
      // A record whose string values are personal keeps its other values.
      const values = node.additionalProperties;
      const kept = ((values.anyOf as Json[] | undefined) ?? [values]).filter((o) => o.type !== 'string');
      node.additionalProperties = kept.length === 1 ? kept[0]! : { anyOf: kept };
    } else if (isObject(node.properties)) {
      node.properties = Object.fromEntries(Object.entries(node.properties).filter(([k]) => k !== last));
      if (Array.isArray(node.required)) node.required = node.required.filter((r) => r !== last);
    }
  }
  return copy;
}
