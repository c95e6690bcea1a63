// A fast-check arbitrary for any value a zod (v4) schema accepts, read from the schema's own
// definition: objects, strings (length, regex and ISO formats), numbers (int, bounds),
// booleans, literals, enums, arrays, records, nullable, optional and (discriminated) unions.
// Used to feed `evolve` with every event the schemas allow, not only those `decide` emits.
import fc from 'fast-check';
import type { z } from 'zod';

interface Check {
  readonly check: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly format?: string;
  readonly pattern?: RegExp;
}
interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: Check } }[];
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly shape?: Record<string, z.ZodType>;
  readonly values?: readonly unknown[];
  readonly entries?: Record<string, string | number>;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def): Check[] => (def.checks ?? []).map((c) => c._zod.def);

export interface ArbitraryOptions {
  /** Upper bound for unbounded arrays and records (keeps runs fast). */
  readonly maxItems?: number;
}

export function arbitraryOf(schema: z.ZodType, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const maxItems = options.maxItems ?? 4;
  const recur = (s: z.ZodType) => arbitraryOf(s, options);
  const def = defOf(schema);
  const checks = checksOf(def);
  const find = (name: string) => checks.find((c) => c.check === name);

  switch (def.type) {
    case 'object': {
      const shape = def.shape ?? {};
      const required = Object.keys(shape).filter((k) => defOf(shape[k]!).type !== 'optional');
      const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, recur(v)]));
      return fc.record(fields, { requiredKeys: required });
    }
    case 'optional':
      return recur(def.innerType!);
    case 'nullable':
      return fc.option(recur(def.innerType!), { nil: null });
    case 'string': {
      const pattern = def.pattern ?? checks.find((c) => c.check === 'string_format' && c.pattern)?.pattern;
      const minLength = find('min_length')?.minimum ?? 0;
      const maxLength = find('max_length')?.maximum;
      if (pattern) {
        return fc.stringMatching(pattern).filter((s) => s.length >= minLength && (maxLength === undefined || s.length <= maxLength));
      }
      return fc.string({ minLength, maxLength: maxLength ?? Math.max(minLength, 40) });
    }
    case 'number': {
      const integer = checks.some((c) => c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32'));
      const lower = find('greater_than');
      const upper = find('less_than');
      if (integer) {
        const min = lower ? (lower.inclusive ? lower.value! : lower.value! + 1) : Number.MIN_SAFE_INTEGER;
        const max = upper ? (upper.inclusive ? upper.value! : upper.value! - 1) : Number.MAX_SAFE_INTEGER;
        return fc.integer({ min, max });
      }
      return fc.double({
        min: lower?.value,
        max: upper?.value,
        minExcluded: lower ? !lower.inclusive : false,
        maxExcluded: upper ? !upper.inclusive : false,
        noNaN: true,
        noDefaultInfinity: true,
      });
    }
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'array': {
      const minLength = find('min_length')?.minimum ?? 0;
      const maxLength = find('max_length')?.maximum ?? Math.max(minLength, maxItems);
      return fc.array(recur(def.element!), { minLength, maxLength: Math.min(maxLength, Math.max(minLength, maxItems)) });
    }
    case 'record': {
      const key = defOf(def.keyType!);
      // A record keyed by an enum is exhaustive in zod 4: every key is present.
      if (key.type === 'enum') {
        const keys = Object.values(key.entries ?? {}).map(String);
        return fc.record(Object.fromEntries(keys.map((k) => [k, recur(def.valueType!)])));
      }
      return fc.dictionary(recur(def.keyType!) as fc.Arbitrary<string>, recur(def.valueType!), { maxKeys: maxItems, noNullPrototype: true });
    }
    case 'union':
      return fc.oneof(...(def.options ?? []).map(recur));
    default:
      throw new Error(`arbitraryOf: no arbitrary for zod type "${def.type}"`);
  }
}
