/**
 * The deterministic cost model: how long a statement occupies a database core, in virtual
 * milliseconds. It is driven by the planner's own estimate (EXPLAIN's total cost, which is
 * a pure function of the statistics and the statement) plus the rows that actually came
 * back or were changed, never by how long the host took.
 *
 * Calibration targets (a Postgres 16–18 server with the working set in shared buffers):
 * a primary-key lookup ≈ 0.1 ms of server time, a sequential scan with a filter over
 * ≈ 5 000 rows ≈ 1 ms, a few µs per row sent back. On a typical 5 000-row table the planner
 * prices the first at 8.3 cost units (two random pages at random_page_cost 4) and the second
 * at ≈ 105 units (≈ 42 pages + 5 000 × cpu_tuple_cost and cpu_operator_cost). Solving
 * `base + 8.3 k = 0.1` and `base + 105 k = 1` gives k ≈ 0.0093 and base ≈ 0.023.
 */
export interface CostModel {
  /**
   * Work every statement pays whatever it does: parse, plan, executor start-up and the
   * CommandComplete message. Real Postgres runs `SELECT 1` in a few tens of µs of backend CPU.
   */
  baseMs: number;
  /**
   * Milliseconds per planner cost unit (one sequential 8 kB page read). Chosen so that both
   * calibration targets above hold; the planner's pessimism about random reads of cached
   * pages is what makes the PK lookup cost as much as 8 units.
   */
  msPerCostUnit: number;
  /**
   * Per row returned: output functions and writing the DataRow to the socket. ≈ 2 µs for a
   * row of 5–10 narrow columns.
   */
  msPerRow: number;
  /**
   * Per row inserted, updated or deleted: heap write, index maintenance and its WAL record.
   * Bulk inserts of small rows run at ≈ 100 000 rows/s per backend, i.e. ≈ 10 µs a row. The
   * WAL flush at commit is not included.
   */
  msPerRowWritten: number;
  /**
   * Statements EXPLAIN cannot price (CREATE, ALTER, DROP, TRUNCATE, SET, …): catalog updates
   * and cache invalidation take about a millisecond on a real server.
   */
  unexplainedMs: number;
  /** BEGIN, COMMIT, SAVEPOINT, …: a state change in the backend, no data touched. */
  transactionControlMs: number;
}

export const COST_MODEL_DEFAULT: Readonly<CostModel> = Object.freeze({
  baseMs: 0.025,
  msPerCostUnit: 0.009,
  msPerRow: 0.002,
  msPerRowWritten: 0.01,
  unexplainedMs: 1,
  transactionControlMs: 0.01,
});

/** What a statement did, as the cost model needs it. */
export interface StatementWork {
  /** EXPLAIN's total cost, or undefined when the statement could not be explained. */
  planCost: number | undefined;
  rowsReturned: number;
  rowsWritten: number;
}

export function serviceMsOf(model: CostModel, work: StatementWork): number {
  const planMs = work.planCost === undefined ? model.unexplainedMs : work.planCost * model.msPerCostUnit;
  const ms = model.baseMs + planMs + work.rowsReturned * model.msPerRow + work.rowsWritten * model.msPerRowWritten;
  return roundToMicros(ms);
}

/** Whole microseconds keep summaries readable; the rounding is as deterministic as the sum. */
export function roundToMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
