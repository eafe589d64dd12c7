/**
 * The parts of `EXPLAIN (FORMAT JSON)` the simulator uses: the planner's total cost (the
 * input of the cost model) and the tables the plan touches (the keys of cache invalidation).
 */

export interface PlanSummary {
  /** Total cost of the top plan node, in planner cost units. */
  totalCost: number;
  /** Every relation the plan scans or modifies, sorted. */
  tables: string[];
  /** Relations of ModifyTable nodes (INSERT/UPDATE/DELETE/MERGE, also inside CTEs), sorted. */
  modifiedTables: string[];
  /** Relations some other node reads (a scan), sorted: what the plan's shape depends on. */
  scannedTables: string[];
}

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  'Total Cost'?: number;
  Plans?: PlanNode[];
}

/** Deeper plans than this are not walked: a limit, far beyond any real statement. */
const DEPTH_MAX = 200;

/** Reads the rows EXPLAIN (FORMAT JSON) returned (one row, one json column). */
export function summarizeExplain(rows: Record<string, unknown>[]): PlanSummary {
  const document = rows[0]?.['QUERY PLAN'];
  const root = Array.isArray(document) ? (document[0] as { Plan?: PlanNode } | undefined)?.Plan : undefined;
  if (!root || typeof root['Total Cost'] !== 'number') throw new Error('EXPLAIN returned no plan');
  const tables = new Set<string>();
  const modified = new Set<string>();
  const scanned = new Set<string>();
  walk(root, 0, tables, modified, scanned);
  return {
    totalCost: root['Total Cost'],
    tables: [...tables].sort(),
    modifiedTables: [...modified].sort(),
    scannedTables: [...scanned].sort(),
  };
}

function walk(node: PlanNode, depth: number, tables: Set<string>, modified: Set<string>, scanned: Set<string>): void {
  if (depth > DEPTH_MAX) return;
  const relation = node['Relation Name'];
  if (relation !== undefined) {
    tables.add(relation);
    (node['Node Type'] === 'ModifyTable' ? modified : scanned).add(relation);
  }
  for (const child of node.Plans ?? []) walk(child, depth + 1, tables, modified, scanned);
}
