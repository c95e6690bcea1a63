// The example of a whole answer, assembled from the examples its fields carry
// (answer-fields.ts): what the docs page shows for every operation. Optional fields appear
// only when they carry an example of their own, so `unchanged: true` is not shown as usual.
type Json = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  'date-time': '2026-11-22T09:00:00.000Z',
  date: '2026-11-22',
  uuid: '3f2a9c1e-7b4d-4e8a-9c21-5d6e7f8a9b0c',
};

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value that matches `schema`; `$ref`s are looked up in `components` (#/components/schemas/<name>). */
export function exampleOf(schema: unknown, components: Readonly<Record<string, unknown>>, depth = 0): unknown {
  if (!isObject(schema) || depth > 20) return null;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (typeof schema.$ref === 'string') return exampleOf(components[schema.$ref.split('/').pop()!], components, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const options = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(options)) {
    const chosen = options.find((o) => !(isObject(o) && o.type === 'null')) ?? options[0];
    return exampleOf(chosen, components, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return objectExample(schema, components, depth);
    case 'array':
      return [exampleOf(schema.items, components, depth + 1)];
    case 'string':
      return FORMATS[String(schema.format)] ?? 'text';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return isObject(schema.properties) ? objectExample(schema, components, depth) : {};
  }
}

function objectExample(schema: Json, components: Readonly<Record<string, unknown>>, depth: number): Json {
  const out: Json = {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  for (const [name, field] of Object.entries((schema.properties as Json | undefined) ?? {})) {
    const ownExample = isObject(field) && (field.example !== undefined || Array.isArray(field.examples));
    if (required.has(name) || ownExample) out[name] = exampleOf(field, components, depth + 1);
  }
  // A record keyed by an enum (exercises per programme): one entry.
  const keys = isObject(schema.propertyNames) ? (schema.propertyNames.enum as unknown[] | undefined) : undefined;
  if (keys && keys.length > 0 && isObject(schema.additionalProperties) && Object.keys(out).length === 0)
    out[String(keys[0])] = exampleOf(schema.additionalProperties, components, depth + 1);
  return out;
}
