// The little SQL the projector writes itself: DDL from TableSpecs, key lookups and
// multi-row upserts. Both dialects accept the same text (double-quoted identifiers,
// INSERT ... ON CONFLICT ... DO UPDATE, excluded.*); only placeholders differ, so the text
// is written with `?` and numbered for PostgreSQL. Texts are cached per shape, which keeps
// compiling (and, on SQLite, preparing) cheap.
import { CompiledQuery } from 'kysely';
import type { ReadModelDb } from './read-model-schema';
import { DOC, type ColumnType, type TableSpec } from './table-spec';

export type Dialect = 'sqlite' | 'postgres';

export interface SqlTarget {
  readonly dialect: Dialect;
  readonly schema?: string;
}

export const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const qualify = (t: SqlTarget, name: string) => (t.schema ? `${quoteId(t.schema)}.${quoteId(name)}` : quoteId(name));

const dollarCache = new Map<string, string>();
function toDollar(text: string): string {
  let out = dollarCache.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    if (dollarCache.size > 5000) dollarCache.clear();
    dollarCache.set(text, out);
  }
  return out;
}

export type Row = Record<string, unknown>;

/** Run one statement written with `?` placeholders. */
export async function run(db: ReadModelDb, t: SqlTarget, text: string, params: readonly unknown[] = []): Promise<Row[]> {
  const result = await db.executeQuery(CompiledQuery.raw(t.dialect === 'postgres' ? toDollar(text) : text, [...params]));
  return result.rows as Row[];
}

const SQL_TYPES: Record<Dialect, Record<ColumnType, string>> = {
  sqlite: { text: 'TEXT', int: 'INTEGER', bigint: 'INTEGER', real: 'REAL', json: 'TEXT', bool: 'INTEGER' },
  postgres: { text: 'text', int: 'integer', bigint: 'bigint', real: 'double precision', json: 'text', bool: 'smallint' },
};

/** Stored column names of a table, in order. */
export const storedColumns = (spec: TableSpec): string[] => [...Object.keys(spec.columns), ...(spec.fields?.length ? [DOC] : [])];

/** Name of the primary-key constraint (PostgreSQL index names are unique per schema). */
export const pkeyName = (physical: string) => `${physical}_pkey`;
export const indexName = (base: string, suffix: string) => `ix_${base}_${suffix}`;

export function createTableSql(t: SqlTarget, spec: TableSpec, physical: string): string {
  const types = SQL_TYPES[t.dialect];
  const cols = Object.entries(spec.columns).map(
    ([name, type]) => `${quoteId(name)} ${types[type]}${name === spec.key ? ' NOT NULL' : ''}`,
  );
  if (spec.fields?.length) cols.push(`${quoteId(DOC)} ${types.json}`);
  const pk = `CONSTRAINT ${quoteId(pkeyName(physical))} PRIMARY KEY (${quoteId(spec.key)})`;
  return `CREATE TABLE IF NOT EXISTS ${qualify(t, physical)} (${cols.join(', ')}, ${pk})`;
}

/** Indexes carry the base table's name: they are only created on the live table. */
export function createIndexSqls(t: SqlTarget, spec: TableSpec): string[] {
  return Object.entries(spec.indexes ?? {}).map(
    ([suffix, cols]) =>
      `CREATE INDEX IF NOT EXISTS ${quoteId(indexName(spec.name, suffix))} ON ${qualify(t, spec.name)} (${cols.map(quoteId).join(', ')})`,
  );
}

export const dropTableSql = (t: SqlTarget, physical: string) => `DROP TABLE IF EXISTS ${qualify(t, physical)}`;

/** Rename `from` to the spec's base name; PostgreSQL also renames the pkey constraint. */
export function renameTableSqls(t: SqlTarget, spec: TableSpec, from: string): string[] {
  const out = [`ALTER TABLE ${qualify(t, from)} RENAME TO ${quoteId(spec.name)}`];
  if (t.dialect === 'postgres')
    out.push(`ALTER TABLE ${qualify(t, spec.name)} RENAME CONSTRAINT ${quoteId(pkeyName(from))} TO ${quoteId(pkeyName(spec.name))}`);
  return out;
}

// Parameters per statement: below SQLite's 32766 and PostgreSQL's 65535.
const MAX_PARAMS = 30_000;
const MAX_ROWS_PER_STATEMENT = 500;

/** Rows whose key is in `keys`, in chunks. */
export async function selectByKeys(db: ReadModelDb, t: SqlTarget, physical: string, key: string, keys: readonly string[]): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < keys.length; i += MAX_ROWS_PER_STATEMENT) {
    const chunk = keys.slice(i, i + MAX_ROWS_PER_STATEMENT);
    const text = `SELECT * FROM ${qualify(t, physical)} WHERE ${quoteId(key)} IN (${placeholders(chunk.length)})`;
    for (const row of await run(db, t, text, chunk)) out.push(row);
  }
  return out;
}

const placeholderCache: string[] = [];
function placeholders(n: number): string {
  return (placeholderCache[n] ??= new Array(n).fill('?').join(', '));
}

const upsertCache = new Map<string, string>();

/** INSERT ... ON CONFLICT (key) DO UPDATE for already encoded rows (values in column order). */
export async function upsertRows(
  db: ReadModelDb,
  t: SqlTarget,
  spec: TableSpec,
  physical: string,
  rows: readonly unknown[][],
): Promise<void> {
  const columns = storedColumns(spec);
  const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / columns.length)));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const values of chunk) for (const v of values) params.push(v);
    await run(db, t, upsertText(t, spec, physical, columns, chunk.length), params);
  }
}

function upsertText(t: SqlTarget, spec: TableSpec, physical: string, columns: readonly string[], n: number): string {
  const cacheKey = `${t.dialect}|${t.schema ?? ''}|${physical}|${n}`;
  let text = upsertCache.get(cacheKey);
  if (text === undefined) {
    const tuple = `(${placeholders(columns.length)})`;
    const updates = columns.filter((c) => c !== spec.key).map((c) => `${quoteId(c)} = excluded.${quoteId(c)}`);
    text =
      `INSERT INTO ${qualify(t, physical)} (${columns.map(quoteId).join(', ')}) VALUES ${new Array(n).fill(tuple).join(', ')} ` +
      `ON CONFLICT (${quoteId(spec.key)}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`;
    if (upsertCache.size > 5000) upsertCache.clear();
    upsertCache.set(cacheKey, text);
  }
  return text;
}
