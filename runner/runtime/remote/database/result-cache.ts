/**
 * Answers to read statements, so that N+1 traffic (thousands of identical lookups per
 * simulated second) costs wall time once. Virtual cost is unaffected: an entry keeps the
 * serviceMs of the execution that filled it. An entry lives until a write touches one of its
 * tables (kept in a table → keys index), or until it is the least recently used one when
 * the cache is full.
 */
import type { QueryField } from './query-outcome.ts';
import { disjoint, type RowKey } from './row-restriction.ts';

export interface CachedResult {
  rows: Record<string, unknown>[];
  fields: QueryField[];
  rowCount: number;
  command: string;
  serviceMs: number;
  tables: string[];
  /** The only rows of some of its tables the result depends on (see row-restriction.ts). */
  rowKeys?: RowKey[];
}

export interface ResultCacheLimits {
  /** Entries kept at most; the least recently used goes first. */
  entriesMax: number;
  /** Rows kept at most over all entries, so a few huge results cannot exhaust memory. */
  rowsMax: number;
}

export class ResultCache {
  /** Map order is recency order: a hit moves its key to the end, eviction takes the first. */
  private readonly entries = new Map<string, CachedResult>();
  private readonly keysByTable = new Map<string, Set<string>>();
  private rowsHeld = 0;

  constructor(readonly limits: ResultCacheLimits) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry, which the caller must not hand out without copying its rows. */
  get(key: string): CachedResult | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Takes ownership of `entry`. */
  set(key: string, entry: CachedResult): void {
    const { entriesMax, rowsMax } = this.limits;
    // One result bigger than a tenth of the budget would flush most of the cache: skip it.
    if (entriesMax <= 0 || entry.rows.length > rowsMax / 10) return;
    this.delete(key);
    while (this.entries.size >= entriesMax || this.rowsHeld + entry.rows.length > rowsMax) {
      this.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, entry);
    this.rowsHeld += entry.rows.length;
    for (const table of entry.tables) {
      let keys = this.keysByTable.get(table);
      if (!keys) this.keysByTable.set(table, (keys = new Set()));
      keys.add(key);
    }
  }

  /** Drops every entry that read one of `tables`. */
  invalidate(tables: Iterable<string>): void {
    for (const table of tables) {
      const keys = this.keysByTable.get(table);
      if (!keys) continue;
      for (const key of [...keys]) this.delete(key);
    }
  }

  /**
   * Drops every entry that read `table`, except those that `written` proves untouched: they
   * read only rows of it whose key differs from the rows the write could change.
   */
  invalidateRows(table: string, written: readonly RowKey[]): void {
    const keys = this.keysByTable.get(table);
    if (!keys) return;
    for (const key of [...keys]) {
      if (!disjoint(this.entries.get(key)?.rowKeys, written)) this.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
    this.keysByTable.clear();
    this.rowsHeld = 0;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.rowsHeld -= entry.rows.length;
    for (const table of entry.tables) {
      const keys = this.keysByTable.get(table);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTable.delete(table);
    }
  }
}

/** The cache key of a statement (its text or a name for it) and its parameters; undefined when they cannot be keyed. */
export function resultKey(sql: string, params: readonly unknown[]): string | undefined {
  try {
    // The separator cannot appear in JSON's output, so distinct pairs give distinct keys.
    // Parameters are nearly always plain values, which JSON.stringify keys fastest without
    // a replacer (the replacer only changes byte arrays).
    return `${sql}\u0000${params.every(isPlainValue) ? JSON.stringify(params) : JSON.stringify(params, keyReplacer)}`;
  } catch {
    return undefined; // BigInt, cycles: rare enough to just not cache
  }
}

function isPlainValue(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

/**
 * Uint8Array would otherwise serialise as an object with numbered keys; keep it short. NaN
 * and the infinities would serialise as null, yet reach Postgres as 'NaN' and 'Infinity'.
 */
function keyReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value).join(',') };
  if (typeof value === 'number' && !Number.isFinite(value)) return { number: String(value) };
  return value;
}
