/**
 * The parts of `EXPLAIN (VERBOSE, FORMAT JSON)` the simulator uses: the planner's total cost
 * (the input of the cost model), the tables the plan touches (the keys of cache
 * invalidation) and the rows it can touch of each (see row-restriction.ts).
 */
import { conjunctsOf, restrictionOf, SCAN_CONDITIONS, type RowRestriction } from './row-restriction.ts';

export interface PlanSummary {
  /** Total cost of the top plan node, in planner cost units. */
  totalCost: number;
  /** Every relation the plan scans or modifies, sorted. */
  tables: string[];
  /** Relations of ModifyTable nodes (INSERT/UPDATE/DELETE/MERGE, also inside CTEs), sorted. */
  modifiedTables: string[];
  /** Relations some other node reads (a scan), sorted: what the plan's shape depends on. */
  scannedTables: string[];
  /** Tables every scan of which keeps only rows whose column equals a parameter; sorted. */
  restrictions: RowRestriction[];
  /**
   * 'Update' or 'Delete' when the statement is that and nothing else: the plan's only
   * ModifyTable is its root. Then the rows it changes are rows its scans emit.
   */
  rootWrite?: 'Update' | 'Delete';
}

interface PlanNode {
  'Node Type'?: string;
  Operation?: string;
  'Relation Name'?: string;
  Alias?: string;
  'Total Cost'?: number;
  Plans?: PlanNode[];
  [condition: string]: unknown;
}

/** Deeper plans than this are not walked: a limit, far beyond any real statement. */
const DEPTH_MAX = 200;

interface Walk {
  tables: Set<string>;
  modified: Set<string>;
  scanned: Set<string>;
  /** Per scanned table, the conjuncts (see `conjunctKey`) every scan of it has so far. */
  conjuncts: Map<string, Set<string>>;
  modifyNodes: number;
  /** A node was too deep to walk: nothing may be concluded about what it reads. */
  truncated: boolean;
}

/** Reads the rows EXPLAIN (FORMAT JSON) returned (one row, one json column). */
export function summarizeExplain(rows: Record<string, unknown>[]): PlanSummary {
  const document = rows[0]?.['QUERY PLAN'];
  const root = Array.isArray(document) ? (document[0] as { Plan?: PlanNode } | undefined)?.Plan : undefined;
  if (!root || typeof root['Total Cost'] !== 'number') throw new Error('EXPLAIN returned no plan');
  const w: Walk = { tables: new Set(), modified: new Set(), scanned: new Set(), conjuncts: new Map(), modifyNodes: 0, truncated: false };
  walk(root, 0, w);
  const restrictions: RowRestriction[] = [];
  if (!w.truncated) {
    for (const [table, keys] of w.conjuncts) {
      for (const key of keys) restrictions.push(restrictionOf(table, key));
    }
  }
  restrictions.sort(
    (a, b) => compare(a.table, b.table) || compare(a.column, b.column) || a.param - b.param || Number(a.any) - Number(b.any),
  );
  const operation = root['Node Type'] === 'ModifyTable' && w.modifyNodes === 1 ? root.Operation : undefined;
  return {
    totalCost: root['Total Cost'],
    tables: [...w.tables].sort(),
    modifiedTables: [...w.modified].sort(),
    scannedTables: [...w.scanned].sort(),
    restrictions,
    ...(operation === 'Update' || operation === 'Delete' ? { rootWrite: operation } : {}),
  };
}

function walk(node: PlanNode, depth: number, w: Walk): void {
  if (depth > DEPTH_MAX) {
    w.truncated = true;
    return;
  }
  const relation = node['Relation Name'];
  if (node['Node Type'] === 'ModifyTable') w.modifyNodes++;
  if (relation !== undefined) {
    w.tables.add(relation);
    if (node['Node Type'] === 'ModifyTable') w.modified.add(relation);
    else {
      w.scanned.add(relation);
      noteScan(node, relation, w.conjuncts);
    }
  }
  for (const child of node.Plans ?? []) walk(child, depth + 1, w);
}

/** Intersects the table's conjuncts so far with this scan's. */
function noteScan(node: PlanNode, relation: string, conjuncts: Map<string, Set<string>>): void {
  const alias = node.Alias ?? relation;
  const here = new Set<string>();
  for (const field of SCAN_CONDITIONS) {
    const condition = node[field];
    if (typeof condition === 'string') for (const c of conjunctsOf(condition, alias)) here.add(c);
  }
  const before = conjuncts.get(relation);
  if (!before) conjuncts.set(relation, here);
  else for (const c of before) if (!here.has(c)) before.delete(c);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
