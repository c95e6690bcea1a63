// The row cache projections fold into. Loads are batched (one IN query per table per
// batch), rows are decoded once, mutated in memory, and only rows that changed are written,
// with multi-row upserts, when the projector flushes: once per batch in live mode, in big
// chunks during a rebuild. A rebuild starts on empty tables, so the cache is "complete"
// (a miss means no row) until it is first evicted; then misses are read from the table.
import type { ReadModelDb } from './read-model-schema';
import { DOC, type ColumnType, type TableSpec } from './table-spec';
import { selectByKeys, upsertRows, type Row, type SqlTarget } from './sql';

interface Codec {
  readonly columns: readonly (readonly [string, ColumnType])[];
  readonly fields: readonly string[];
}
const codecs = new WeakMap<TableSpec, Codec>();
const codecOf = (spec: TableSpec): Codec => {
  let codec = codecs.get(spec);
  if (!codec) codecs.set(spec, (codec = { columns: Object.entries(spec.columns), fields: spec.fields ?? [] }));
  return codec;
};

/** A stored row to its in-memory shape: json parsed, bools as booleans, numbers as numbers, doc fields spread. */
export function decodeRow<R>(spec: TableSpec, raw: Row): R {
  const { columns, fields } = codecOf(spec);
  const out: Record<string, unknown> = {};
  for (const [name, type] of columns) {
    const v = raw[name];
    if (v === null || v === undefined) out[name] = null;
    else if (type === 'json') out[name] = JSON.parse(v as string);
    else if (type === 'bool') out[name] = Number(v) !== 0;
    else if (type === 'int' || type === 'bigint' || type === 'real') out[name] = Number(v);
    else out[name] = v;
  }
  if (fields.length) {
    const doc = JSON.parse(raw[DOC] as string) as Record<string, unknown>;
    for (const name of fields) out[name] = doc[name] ?? null;
  }
  return out as R;
}

function encodeRow({ columns, fields }: Codec, row: Record<string, unknown>): unknown[] {
  const values = new Array<unknown>(columns.length + (fields.length ? 1 : 0));
  for (let i = 0; i < columns.length; i++) {
    const [name, type] = columns[i];
    const v = row[name];
    values[i] = v === null || v === undefined ? null : type === 'json' ? JSON.stringify(v) : type === 'bool' ? (v ? 1 : 0) : v;
  }
  if (fields.length) {
    const doc: Record<string, unknown> = {};
    for (const name of fields) doc[name] = row[name] ?? null;
    values[columns.length] = JSON.stringify(doc);
  }
  return values;
}

/** Rows encoded and written per statement group in a flush. */
const FLUSH_CHUNK = 2000;
/** Keys remembered as absent before that memory is dropped. */
const MAX_ABSENT = 50_000;

export class TableCache<R extends object> {
  private readonly rows = new Map<string, R>();
  private readonly absent = new Set<string>();
  private readonly dirty = new Set<string>();

  constructor(
    readonly spec: TableSpec,
    readonly physical: string,
    private readonly session: RowSession,
  ) {}

  /** Make the rows of these keys available to get(); one query for all that are missing. */
  async load(keys: Iterable<string>): Promise<void> {
    if (this.session.complete) return;
    const missing = new Set<string>();
    for (const key of keys) if (!this.rows.has(key) && !this.absent.has(key)) missing.add(key);
    if (missing.size === 0) return;
    const found = await selectByKeys(this.session.db, this.session.target, this.physical, this.spec.key, [...missing]);
    for (const raw of found) this.rows.set(raw[this.spec.key] as string, decodeRow<R>(this.spec, raw));
    // Keys looked up and not found (e.g. every event id the ledger checks) are remembered to
    // spare a query, but boundedly: a rebuild looks up about one per event.
    if (this.absent.size > MAX_ABSENT) this.absent.clear();
    for (const key of missing) if (!this.rows.has(key)) this.absent.add(key);
  }

  get(key: string): R | undefined {
    const row = this.rows.get(key);
    if (row === undefined && !this.session.complete && !this.absent.has(key))
      throw new Error(`${this.spec.name}: row ${key} read before load()`);
    return row;
  }

  /** Store (or mark as changed) a row; it is written at the next flush. */
  set(key: string, row: R): void {
    this.rows.set(key, row);
    this.absent.delete(key);
    this.dirty.add(key);
  }

  get size(): number {
    return this.rows.size;
  }

  async flush(db: ReadModelDb): Promise<number> {
    if (this.dirty.size === 0) return 0;
    const codec = codecOf(this.spec);
    // In key order: B-tree inserts then touch neighbouring pages (a quarter faster on SQLite).
    const keys = [...this.dirty].sort();
    // Encoded a chunk at a time: a rebuild flushes many thousand rows, and holding all of them
    // encoded beside the decoded ones doubled its peak memory.
    for (let i = 0; i < keys.length; i += FLUSH_CHUNK) {
      const encoded = keys.slice(i, i + FLUSH_CHUNK).map((key) => encodeRow(codec, this.rows.get(key) as Record<string, unknown>));
      await upsertRows(db, this.session.target, this.spec, this.physical, encoded);
    }
    this.dirty.clear();
    return keys.length;
  }

  clear(): void {
    if (this.dirty.size > 0) throw new Error(`${this.spec.name}: clearing unflushed rows`);
    this.rows.clear();
    this.absent.clear();
  }
}

/** One projection's cached tables, bound to the transaction its loads read through. */
export class RowSession {
  /** Where loads read: the projector's current transaction. */
  db: ReadModelDb;
  private readonly tables = new Map<string, TableCache<object>>();

  constructor(
    readonly target: SqlTarget,
    specs: readonly TableSpec[],
    physicalName: (base: string) => string,
    db: ReadModelDb,
    /** True on fresh, empty tables: every row is in the cache. */
    public complete = false,
  ) {
    this.db = db;
    for (const spec of specs) this.tables.set(spec.name, new TableCache(spec, physicalName(spec.name), this));
  }

  table<R extends object>(name: string): TableCache<R> {
    const table = this.tables.get(name);
    if (!table) throw new Error(`no table ${name} in this projection`);
    return table as unknown as TableCache<R>;
  }

  get cachedRows(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  /** Write every changed row; returns how many. */
  async flush(db: ReadModelDb): Promise<number> {
    let n = 0;
    for (const t of this.tables.values()) n += await t.flush(db);
    return n;
  }

  /** Forget cached rows (after a flush); later misses are read from the tables. */
  evict(): void {
    for (const t of this.tables.values()) t.clear();
    this.complete = false;
  }
}
