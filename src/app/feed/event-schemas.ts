// `GET /schemas/events`: the JSON Schema of every event type and every schema version, made
// from the zod schemas the domain decides and folds with, so a backend team that keeps its
// own copy of the history validates it against what the service writes. docs/events.md is
// checked against this list (test/contract/event-schemas.test.ts).
import { z } from 'zod';
import { EpisodeEvent, EPISODE_EVENT_VERSIONS, FeeCharged } from '../../domain/episode/events';
import { UnitEvent, UNIT_EVENT_VERSIONS } from '../../domain/unit/unit';
import { ActiveEpisodeEvent, ACTIVE_EPISODE_EVENT_VERSIONS } from '../../domain/patient/active-episode';
import { UPCASTERS } from '../../domain/upcasters';
import { personalPathsOf, schemaWithout } from './personal-fields-out';

type Json = Record<string, unknown>;

export type StreamKind = 'episode' | 'unit' | 'patient';

const STREAMS: readonly { readonly kind: StreamKind; readonly union: z.ZodDiscriminatedUnion; readonly versions: Readonly<Record<string, number>> }[] = [
  { kind: 'episode', union: EpisodeEvent, versions: EPISODE_EVENT_VERSIONS },
  { kind: 'unit', union: UnitEvent, versions: UNIT_EVENT_VERSIONS },
  { kind: 'patient', union: ActiveEpisodeEvent, versions: ACTIVE_EPISODE_EVENT_VERSIONS },
];

/**
 * The data of each older version still in stores, by `type@version`: the upcaster of that
 * version (src/domain/upcasters.ts) lifts it to the next. A test fails when an upcaster has
 * no schema here, or a stored example of the old version does not match it.
 */
export const OLDER_VERSIONS: Readonly<Record<string, z.ZodType>> = {
  'FeeCharged@1': FeeCharged.shape.data.omit({ currency: true }),
};

const jsonSchema = (schema: z.ZodType): Json => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Json;

export interface EventSchema {
  readonly type: string;
  readonly stream: StreamKind;
  readonly schemaVersion: number;
  /** False for an older version: stored events of it are upcast on read. */
  readonly current: boolean;
  /** The JSON Schema of `data` as stored at this version. */
  readonly dataSchema: Json;
  /** The fields that are personal data (encrypted in the store, never in the feed). */
  readonly personalFields: readonly string[];
  /** `data` as `GET /events` carries it: the personal fields left out (the feed upcasts to the current version). */
  readonly feedDataSchema: Json | null;
}

async function entriesOf(): Promise<EventSchema[]> {
  const out: EventSchema[] = [];
  for (const { kind, union, versions } of STREAMS) {
    for (const option of union.options as z.ZodObject[]) {
      const type = (option.shape.type as z.ZodLiteral<string>).value;
      const data = option.shape.data as z.ZodType;
      const current = versions[type] ?? 1;
      const dataSchema = jsonSchema(data);
      const personalFields = await personalPathsOf(type, dataSchema);
      for (let v = 1; v < current; v++) {
        const older = OLDER_VERSIONS[`${type}@${v}`];
        if (!older) throw new Error(`${type} v${v} is still upcast but has no published schema`);
        out.push({ type, stream: kind, schemaVersion: v, current: false, dataSchema: jsonSchema(older), personalFields, feedDataSchema: null });
      }
      out.push({ type, stream: kind, schemaVersion: current, current: true, dataSchema, personalFields, feedDataSchema: schemaWithout(dataSchema, personalFields) });
    }
  }
  return out;
}

let cached: Promise<EventSchema[]> | undefined;
/** Every event type and version, episode events first. */
export const eventSchemas = (): Promise<EventSchema[]> => (cached ??= entriesOf());

/** Upcaster keys without a published older schema (none, when this file is up to date). */
export const unpublishedUpcasters = (): string[] => Object.keys(UPCASTERS).filter((key) => !OLDER_VERSIONS[key]);

const SchemaObject = z.record(z.string(), z.unknown()).meta({ description: 'A JSON Schema (draft 2020-12).' });

/** The answer of `GET /schemas/events`. */
export const EventSchemasView = z.object({
  events: z.array(
    z.object({
      type: z.string().meta({ example: 'AssignmentStarted' }),
      stream: z.enum(['episode', 'unit', 'patient']).meta({ description: 'The kind of stream: `episode-<ulid>`, `unit-<hsa id>`, `patient-<keyed hash>`.' }),
      schemaVersion: z.number().int().min(1).meta({ example: 1 }),
      current: z.boolean(),
      dataSchema: SchemaObject,
      personalFields: z.array(z.string()).meta({ example: ['patient.personnummer', 'patient.birthDate', 'welcomeText'] }),
      feedDataSchema: SchemaObject.nullable(),
    }),
  ),
});
