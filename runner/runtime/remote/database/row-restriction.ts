/**
 * Row restrictions: what lets a write to a table keep the cached reads of other rows of it.
 * N+1 traffic reads a child table by its parent's id thousands of times (`WHERE p.event_id =
 * $1`), and other writers change one parent's children now and then (`UPDATE … WHERE
 * event_id = $1`): dropping every cached read of the table on each such write made most reads
 * run again for nothing.
 *
 * A restriction is read from the statement's plan, not its text: a table is restricted to
 * `column = $n` (or `column = ANY ($n)`) when every node of the plan that scans it has that
 * comparison as a top-level conjunct of its conditions (Index Cond, Recheck Cond or Filter),
 * so those scans, the only way the plan reads the table, emit nothing but rows whose column
 * equals the parameter (one of its elements).
 * Any correct plan of the statement gives the same rows, so the statement's result then
 * depends only on those rows of the table. A write restricted on the same column to another
 * value (no common element) cannot change it: an UPDATE or DELETE changes only rows its scan
 * of the table emits,
 * and an UPDATE that does not assign the column leaves it as it was (see `assignsColumn`).
 *
 * Only integer columns compared without a cast are used, and parameters that are plain
 * integers or arrays of them, so that equality of the values here is exactly Postgres's `=`
 * (see `integerParam`). Everything else (other types, OR, casts, a value that is not a plain
 * integer) has no restriction, and writes then invalidate as before.
 */

/**
 * The plan reads `table` only through rows whose `column` equals parameter `param` (1-based),
 * or, when `any`, one of the elements of that array parameter.
 */
export interface RowRestriction {
  table: string;
  column: string;
  param: number;
  any: boolean;
}

/** A restriction with its parameter's value: the rows of `table` whose `column` is one of `values`. */
export interface RowKey {
  table: string;
  column: string;
  values: readonly bigint[];
}

/** Plan-node fields whose conditions a scan's output rows all satisfy. */
export const SCAN_CONDITIONS = ['Index Cond', 'Recheck Cond', 'Filter'] as const;

const IDENTIFIER = `(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const COLUMN_IS_PARAM = new RegExp(`^\\((${IDENTIFIER})\\.(${IDENTIFIER}) = (ANY \\()?\\$([1-9][0-9]{0,4})(\\))?\\)$`);
const PARAM_IS_COLUMN = new RegExp(`^\\(\\$([1-9][0-9]{0,4}) = (${IDENTIFIER})\\.(${IDENTIFIER})\\)$`);

/**
 * The `alias.column = $n` conjuncts of a condition as EXPLAIN (VERBOSE) prints it, e.g.
 * `((p.event_id = $1) AND (p.billing = 2))`, for columns of the scan with `alias`. As
 * `column:n` strings, so restrictions of several scans intersect as sets.
 */
export function conjunctsOf(condition: string, alias: string): string[] {
  const found: string[] = [];
  for (const conjunct of topLevelConjuncts(condition)) {
    let m = COLUMN_IS_PARAM.exec(conjunct);
    let qualifier: string | undefined;
    let column: string | undefined;
    let param: string | undefined;
    let any = false;
    if (m) {
      const [, q, c, open, n, close] = m;
      if (Boolean(open) !== Boolean(close)) continue;
      [qualifier, column, param, any] = [q, c, n, Boolean(open)];
    } else if ((m = PARAM_IS_COLUMN.exec(conjunct))) [, param, qualifier, column] = m;
    if (qualifier === undefined || column === undefined || param === undefined) continue;
    if (unquote(qualifier) === alias) found.push(conjunctKey(unquote(column), Number(param), any));
  }
  return found;
}

/** A conjunct as a string; identifiers never hold a NUL. */
export function conjunctKey(column: string, param: number, any: boolean): string {
  return `${column}\u0000${param}\u0000${any ? 'any' : ''}`;
}

/** The restriction a `conjunctKey` string stands for, on `table`. */
export function restrictionOf(table: string, key: string): RowRestriction {
  const [column, param, any] = key.split('\u0000');
  return { table, column, param: Number(param), any: any === 'any' };
}

/**
 * The top-level AND operands of a condition, each in its parentheses. Postgres prints a
 * conjunction as `(a AND b AND …)` and a single comparison as `(a)`; anything it cannot split
 * safely (an OR at the top, unbalanced text) gives the whole condition, which then matches
 * no restriction.
 */
function topLevelConjuncts(condition: string): string[] {
  const inner = condition.startsWith('(') && closingParen(condition, 0) === condition.length - 1 ? condition.slice(1, -1) : undefined;
  if (inner === undefined) return [condition];
  const parts: string[] = [];
  let from = 0;
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "'" || c === '"') {
      i = skipQuoted(inner, i);
      if (i < 0) return [condition];
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && inner.startsWith(' AND ', i)) {
      parts.push(inner.slice(from, i));
      from = i + 5;
      i += 4;
    } else if (depth === 0 && inner.startsWith(' OR ', i)) return [condition];
  }
  parts.push(inner.slice(from));
  // A single comparison `(a = $1)` is its own conjunct, parentheses and all.
  return parts.length === 1 ? [condition] : parts;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      i = skipQuoted(text, i);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The index of the closing quote of the literal or identifier opening at `start`; -1 if none. */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== quote) continue;
    if (text[i + 1] === quote) i++;
    else return i;
  }
  return -1;
}

function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replace(/""/g, '"') : identifier;
}

/**
 * The value Postgres compares, for an integer parameter given as a JS number, bigint or
 * decimal string (as int2/int4/int8 input reads it: optional sign and whitespace); undefined
 * for anything else (null, which equals nothing; hex or underscores, which Postgres 16 also
 * reads; values Postgres would refuse), which then restricts nothing.
 */
export function integerParam(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^[ \t\n\r\f\v]*[+-]?[0-9]{1,19}[ \t\n\r\f\v]*$/.test(value)) return BigInt(value.trim());
  return undefined;
}

/**
 * The elements `= ANY` compares, for an array parameter of integers (see `integerParam`);
 * nulls are left out, as they equal nothing. Undefined for anything else, nested arrays
 * included (Postgres compares their elements, flattened).
 */
export function integerArrayParam(value: unknown): bigint[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const values: bigint[] = [];
  for (const element of value) {
    if (element === null || element === undefined) continue;
    const v = integerParam(element);
    if (v === undefined) return undefined;
    values.push(v);
  }
  return values;
}

/**
 * Whether no row can be both read under `read` and written under `written`: they restrict a
 * common table and column to values that have none in common.
 */
export function disjoint(read: readonly RowKey[] | undefined, written: readonly RowKey[]): boolean {
  if (!read) return false;
  for (const r of read) {
    for (const w of written) {
      if (r.table === w.table && r.column === w.column && !intersect(r.values, w.values)) return true;
    }
  }
  return false;
}

function intersect(a: readonly bigint[], b: readonly bigint[]): boolean {
  if (a.length * b.length <= 64) return a.some((v) => b.includes(v));
  const set = new Set(a.length < b.length ? a : b);
  return (a.length < b.length ? b : a).some((v) => set.has(v));
}

/**
 * The keys of a statement run with `params`: its restrictions on integer columns (a table →
 * columns map, from the catalog) whose parameter is a plain integer.
 */
export function rowKeysOf(
  restrictions: readonly RowRestriction[],
  params: readonly unknown[],
  integerColumns: ReadonlyMap<string, ReadonlySet<string>>,
): RowKey[] {
  const keys: RowKey[] = [];
  for (const r of restrictions) {
    if (!integerColumns.get(r.table)?.has(r.column) || r.param > params.length) continue;
    const param = params[r.param - 1];
    const scalar = r.any ? undefined : integerParam(param);
    const values = r.any ? integerArrayParam(param) : scalar === undefined ? undefined : [scalar];
    if (values) keys.push({ table: r.table, column: r.column, values });
  }
  return keys;
}
