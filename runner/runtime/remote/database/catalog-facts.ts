/**
 * What the catalog says about side effects a plan does not show: which functions are
 * volatile or user-defined, which tables a write can reach through foreign-key actions or
 * partitions, and which tables have triggers or rules. Read once after setup and again after
 * any statement that may have changed the schema.
 */
import type { PGlite } from '@electric-sql/pglite';

export interface CatalogFacts {
  /** Names of volatile functions (built-in like nextval, random, and user-defined). */
  volatileFunctions: Set<string>;
  /** Names of functions outside pg_catalog: what they read or write is invisible in a plan. */
  userFunctions: Set<string>;
  /** Table → tables a write to it may also change (ON DELETE CASCADE/SET NULL, partitions). */
  dependents: Map<string, string[]>;
  /** Tables with user triggers or rules: a write there may change any table. */
  opaqueTables: Set<string>;
  /** Sequences: reading one is a plain scan in a plan, but nextval() changes it without a write. */
  sequences: Set<string>;
  /**
   * Table → its int2/int4/int8 columns that are not generated: the columns row restrictions
   * use (see row-restriction.ts). Tables whose name more than one schema uses are left out.
   */
  integerColumns: Map<string, Set<string>>;
  /** Operators outside pg_catalog exist: `=` in a plan may then not be integer equality. */
  userOperators: boolean;
}

const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema')`;

export async function loadCatalogFacts(pg: PGlite): Promise<CatalogFacts> {
  const functions = await pg.query<{ name: string; volatile: boolean; user: boolean }>(`
    SELECT p.proname AS name, p.provolatile = 'v' AS volatile, n.nspname NOT IN ${SYSTEM_SCHEMAS} AS user
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.provolatile = 'v' OR n.nspname NOT IN ${SYSTEM_SCHEMAS}`);
  const volatileFunctions = new Set<string>();
  const userFunctions = new Set<string>();
  for (const f of functions.rows) {
    if (f.volatile) volatileFunctions.add(f.name);
    if (f.user) userFunctions.add(f.name);
  }

  const links = await pg.query<{ parent: string; child: string }>(`
    SELECT p.relname AS parent, c.relname AS child
    FROM pg_constraint k JOIN pg_class p ON p.oid = k.confrelid JOIN pg_class c ON c.oid = k.conrelid
    WHERE k.contype = 'f' AND (k.confdeltype IN ('c', 'n', 'd') OR k.confupdtype IN ('c', 'n', 'd'))
    UNION
    SELECT p.relname, c.relname
    FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
    ORDER BY 1, 2`);
  const dependents = new Map<string, string[]>();
  for (const l of links.rows) dependents.set(l.parent, [...(dependents.get(l.parent) ?? []), l.child]);

  const opaque = await pg.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
    UNION
    SELECT tablename FROM pg_rules WHERE schemaname NOT IN ${SYSTEM_SCHEMAS}`);
  const opaqueTables = new Set(opaque.rows.map((r) => r.name));

  const sequences = await pg.query<{ name: string }>(`SELECT relname AS name FROM pg_class WHERE relkind = 'S'`);

  const columns = await pg.query<{ rel: string; col: string }>(`
    SELECT c.relname AS rel, a.attname AS col
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
    WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
      AND c.relname IN (SELECT relname FROM pg_class GROUP BY relname HAVING count(*) = 1)
    ORDER BY 1, 2`);
  const integerColumns = new Map<string, Set<string>>();
  for (const { rel, col } of columns.rows) {
    let set = integerColumns.get(rel);
    if (!set) integerColumns.set(rel, (set = new Set()));
    set.add(col);
  }

  const operators = await pg.query<{ any: boolean }>(`
    SELECT EXISTS (SELECT 1 FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
                   WHERE n.nspname NOT IN ${SYSTEM_SCHEMAS}) AS any`);

  return {
    volatileFunctions,
    userFunctions,
    dependents,
    opaqueTables,
    sequences: new Set(sequences.rows.map((r) => r.name)),
    integerColumns,
    userOperators: operators.rows[0]?.any !== false,
  };
}

/** The written tables and every table reachable from them through `dependents`. */
export function tablesReachedByWrite(facts: CatalogFacts, written: readonly string[]): Set<string> {
  const reached = new Set<string>();
  const pending = [...written];
  while (pending.length > 0) {
    const table = pending.pop() as string;
    if (reached.has(table)) continue;
    reached.add(table);
    pending.push(...(facts.dependents.get(table) ?? []));
  }
  return reached;
}
