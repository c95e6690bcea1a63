// A read-model table as data: its SQL columns, the fields kept together in one JSON `doc`
// column, and its indexes. The projector writes the DDL (sql.ts) and the rows (row-cache.ts)
// from these, so projections never write SQL for their tables. A leaf module.
import type { ReadModelDatabase } from './read-model-schema';

/** Column types, mapped to SQLite and PostgreSQL in sql.ts. json and bool are stored as text and 0/1. */
export type ColumnType = 'text' | 'int' | 'bigint' | 'real' | 'json' | 'bool';

/** The column that holds a row's TableSpec.fields as one JSON object. */
export const DOC = 'doc';

export interface TableSpec {
  /** Base name; the physical name may carry a suffix during a rebuild. */
  readonly name: string;
  /** The single-column primary key (composite keys are joined into one text column). */
  readonly key: string;
  /** Real SQL columns: the key, `position`, and what queries filter, sort or group on. */
  readonly columns: Readonly<Record<string, ColumnType>>;
  /**
   * The other fields of a row (JSON values), stored together in one `doc` text column:
   * every bound or read value costs about a microsecond in libsql, so a row of 4 columns
   * and a doc writes about twice as fast as a row of 20 columns.
   */
  readonly fields?: readonly string[];
  /** Secondary indexes: name suffix -> columns. Created after a rebuild's bulk load. */
  readonly indexes?: Readonly<Record<string, readonly string[]>>;
}

type SqlColumn<Name extends keyof ReadModelDatabase> = Exclude<keyof ReadModelDatabase[Name] & string, typeof DOC>;

/**
 * The spec of one of the app's tables, checked against its interface in read-model-schema.ts:
 * `columns` names exactly the table's SQL columns, the key and indexes name some of them, and
 * `fields` is there exactly when the table has a `doc`.
 */
export type TableSpecFor<Name extends keyof ReadModelDatabase> = TableSpec & {
  readonly name: Name;
  readonly key: SqlColumn<Name>;
  readonly columns: { readonly [C in SqlColumn<Name>]: ColumnType };
  readonly indexes?: Readonly<Record<string, readonly SqlColumn<Name>[]>>;
} & (typeof DOC extends keyof ReadModelDatabase[Name] ? { readonly fields: readonly string[] } : { readonly fields?: undefined });
