/**
 * The database engine behind the simulated `pg` module: a real Postgres (PGlite, in
 * WebAssembly) answers every statement, and a deterministic cost model says how long the
 * statement occupied the server. Plain async: the pg layer awaits it outside user code and
 * does all virtual-time scheduling itself.
 *
 * Statements run one at a time in call order (PGlite has one session; running them in order
 * also keeps cache fills and invalidations consistent). Results are deterministic provided
 * the SQL is: now(), clock_timestamp() and gen_random_uuid() read the host; random() is
 * seeded at every reset, so it repeats given the same statement order.
 */
import { PGlite } from '@electric-sql/pglite';
import type { Results } from '@electric-sql/pglite';
import { loadCatalogFacts, tablesReachedByWrite, type CatalogFacts } from './catalog-facts.ts';
import { COST_MODEL_DEFAULT, serviceMsOf, type CostModel } from './cost-model.ts';
import type { QueryError, QueryFailure, QueryOutcome, QuerySuccess } from './query-outcome.ts';
import { summarizeExplain, type PlanSummary } from './query-plan.ts';
import { resetToSetup } from './reset-to-setup.ts';
import { ResultCache, resultKey, type CachedResult } from './result-cache.ts';
import { copyRows } from './row-copy.ts';
import { rowKeysOf, type RowKey } from './row-restriction.ts';
import { profileStatement, type StatementProfile } from './statement-profile.ts';
import { recogniseTransactionControl, type TransactionControl } from './transaction-control.ts';
import { PG_TYPE_PARSERS } from './type-parsers.ts';
import { PreparedStatements } from './prepared-statements.ts';
import { mayAssignColumn, splitStatements } from './statement-text.ts';

export type { QueryOutcome, QuerySuccess, QueryFailure, QueryError, QueryField } from './query-outcome.ts';
export type { CostModel } from './cost-model.ts';
export type { TransactionControl } from './transaction-control.ts';

export interface DatabaseOptions {
  /** DDL and bulk data, run once per reset (not timed). */
  setupSql: string;
  /** Overrides of the cost model's defaults. */
  costModel?: Partial<CostModel>;
  /** Result-cache entries kept at most (default 20 000). */
  resultCacheEntriesMax?: number;
  /**
   * A data directory from PGlite's `dumpDataDir()` to start from instead of running initdb
   * (seconds in a browser). Any reset gives the same state either way.
   */
  loadDataDir?: Blob | File;
  /**
   * `loadDataDir` is a snapshot of this very `setupSql` (see `snapshot.ts`): the setup is
   * not run again, as it would only rebuild the same state.
   */
  loadedSetup?: boolean;
  /** PGlite's own wasm and file bundle, when the host has fetched them ahead. */
  engine?: EngineFiles;
}

/** PGlite's engine files, fetched by a host that wants them to overlap other downloads. */
export interface EngineFiles {
  wasmModule?: WebAssembly.Module;
  fsBundle?: Blob;
}

/** Counts since the last reset, for tests and the bench. */
export interface DatabaseStats {
  statements: number;
  resultCacheHits: number;
  explains: number;
  resultCacheEntries: number;
}

const RESULT_CACHE_ENTRIES_DEFAULT = 20_000;
const RESULT_CACHE_ROWS_MAX = 2_000_000;
/**
 * Distinct SQL texts whose plan and profile are remembered. A statement is priced by the
 * planner's generic plan (`EXPLAIN (GENERIC_PLAN)`, the plan a prepared statement gets),
 * which depends on the SQL text and the data, never on which parameters came first: so a
 * statement costs the same in every run, whatever ran before it in the same process.
 */
const STATEMENTS_REMEMBERED_MAX = 10_000;
const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);

/**
 * Server settings on top of PGlite's own. Postgres zeroes its buffer pool at every start
 * (128 MB by default, a tenth of a second in WebAssembly) although a scenario's data is a few
 * MB. Neither setting changes a plan or a cost estimate. With synchronized scans off, a
 * sequential scan always starts at the table's first page, never where an earlier scan of
 * it (say, one cut short by LIMIT) left off, so rows a query leaves unordered come back in
 * the same order in every run.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB', '-c', 'synchronize_seqscans=off'];

export class Database {
  /** The transaction-control kind of `sql`, or null for any other statement. */
  static isTransactionControl(sql: string): TransactionControl | null {
    return recogniseTransactionControl(sql)?.control ?? null;
  }

  /**
   * The statements of a text node-postgres sends on the simple query protocol (see
   * statement-text.ts `splitStatements`): one for most texts, none for an empty one.
   */
  static statementsOf(sql: string): string[] {
    return sql.includes(';') ? splitStatements(sql) : sql.trim() === '' ? [] : [sql];
  }

  static async create(options: DatabaseOptions): Promise<Database> {
    const pg = await PGlite.create({
      parsers: PG_TYPE_PARSERS,
      startParams: START_PARAMS,
      loadDataDir: options.loadDataDir,
      pgliteWasmModule: options.engine?.wasmModule,
      fsBundle: options.engine?.fsBundle,
    });
    const db = new Database(pg, options.resultCacheEntriesMax ?? RESULT_CACHE_ENTRIES_DEFAULT);
    try {
      if (options.loadedSetup && options.loadDataDir) await db.adoptLoadedSetup(options.setupSql, options.costModel);
      else await db.reset(options.setupSql, options.costModel);
    } catch (err) {
      await pg.close();
      throw err;
    }
    return db;
  }

  private cost: CostModel = { ...COST_MODEL_DEFAULT };
  private readonly results: ResultCache;
  private readonly statements: PreparedStatements;
  /** The functional checks' own statements: see `readForCheck`. */
  private readonly checkStatements: PreparedStatements;
  private readonly plans = new Map<string, PlanSummary>();
  private readonly profiles = new Map<string, StatementProfile>();
  private facts: Promise<CatalogFacts> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  /** Short names of SQL texts, for result-cache keys (see `keyOf`). */
  private readonly sqlIds = new Map<string, string>();
  private nextSqlId = 0;
  /** Work queued by `serial` and not yet settled. */
  private inFlight = 0;
  private counts = { statements: 0, resultCacheHits: 0, explains: 0 };
  /** The setup (SQL and cost model) the database was last reset to. */
  private setupKey: string | undefined;
  /** A setup key whose setup may be replayed without triggers (see reset-to-setup.ts). */
  private replayableKey: string | undefined;
  /** What the run since that reset changed: see `reset`. */
  private changes = { any: false, all: false, tables: new Set<string>() };

  private constructor(
    private readonly pg: PGlite,
    resultCacheEntriesMax: number,
  ) {
    this.results = new ResultCache({ entriesMax: resultCacheEntriesMax, rowsMax: RESULT_CACHE_ROWS_MAX });
    this.statements = new PreparedStatements(pg);
    this.checkStatements = new PreparedStatements(pg, 'tailspin_check_');
  }

  /**
   * Drops everything and runs `setupSql` again: the state of a fresh database, so each run
   * starts alike. Also restores the cost model (defaults plus `costModel`) and empties caches.
   */
  reset(setupSql: string, costModel?: Partial<CostModel>): Promise<void> {
    return this.serial(async () => {
      this.counts = { statements: 0, resultCacheHits: 0, explains: 0 };
      const key = setupKeyOf(setupSql, costModel);
      const changes = this.changes;
      this.changes = { any: false, all: false, tables: new Set() };
      if (key === this.setupKey && !changes.any) {
        // Nothing since the last reset changed data, settings or random()'s state: the
        // database already is the setup's state, and every cache is still right.
        await this.pg.exec('SELECT setseed(0)');
        return;
      }
      const sameSetup = key === this.setupKey;
      this.setupKey = undefined;
      this.cost = { ...COST_MODEL_DEFAULT, ...costModel };
      // Its DISCARD ALL drops them, and the session's settings, even if the setup then fails.
      this.statements.forget();
      this.checkStatements.forget();
      const withoutTriggers = key === this.replayableKey;
      const { replayableWithoutTriggers } = await resetToSetup(this.pg, setupSql, { withoutTriggers });
      if (!withoutTriggers) this.replayableKey = replayableWithoutTriggers ? key : undefined;
      this.setupKey = key;
      // The same setup rebuilds the same tables, statistics and plans, so plans and the
      // results of tables nobody wrote stay valid: repeated runs of a scenario stay cheap.
      if (!sameSetup || changes.all) this.forgetSchema();
      else this.results.invalidate([...changes.tables]);
    });
  }

  /**
   * Writes the data directory, at a checkpoint, as a tarball `Database.create` can load:
   * the state the last reset produced, provided nothing has run since.
   */
  dumpDataDir(): Promise<Blob> {
    return this.serial(async () => {
      await this.pg.exec('CHECKPOINT');
      return this.pg.dumpDataDir('none');
    });
  }

  /**
   * The statements of a query sent on the simple protocol (see `statementsOf`), one after the
   * other in one turn of the queue, as one backend runs them; the first failure ends it, as
   * Postgres skips the rest. Each is the statement `execute` would run: priced, cached and
   * invalidating alike. Simplified: statements before a failure are not undone (Postgres
   * rolls back those of the implicit transaction), as a ROLLBACK undoes nothing in this
   * model (see transaction-control.ts).
   */
  executeSimple(statements: readonly string[]): Promise<QueryOutcome[]> {
    return this.serial(async () => {
      const outcomes: QueryOutcome[] = [];
      for (const sql of statements) {
        const outcome = await this.run(sql, []);
        outcomes.push(outcome);
        if (!outcome.ok) break;
      }
      return outcomes;
    });
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<QueryOutcome> {
    const now = this.answerNow(sql, params);
    return now ? Promise.resolve(now) : this.serial(() => this.run(sql, params));
  }

  /**
   * A statement a functional check (or another writer of the scenario) sends: the service's
   * path (in order with its statements, seeing every write before it; reads answered from
   * and kept in the result cache; writes invalidating what they must), but on prepared
   * statements of its own, which the service's writes never drop: a check reads the table
   * the service keeps writing, and preparing its statement again after every write cost
   * more than the read. A plan only changes speed, never the rows of a statement whose
   * order the SQL fixes.
   */
  readForCheck(sql: string, params: readonly unknown[] = []): Promise<QueryOutcome> {
    return this.serial(() => this.run(sql, params, this.checkStatements));
  }

  /**
   * The outcome at once, when it needs nothing from PGlite (transaction control, or a read
   * whose result is cached) and no statement is in flight that it could overtake; otherwise
   * undefined, and the caller uses `execute`. Most N+1 traffic is answered this way, without
   * a round of promises per statement.
   */
  answerNow(sql: string, params: readonly unknown[] = []): QueryOutcome | undefined {
    if (this.inFlight > 0) return undefined;
    const outcome = this.fromMemory(sql, params);
    if (outcome) this.counts.statements++;
    return outcome;
  }

  /**
   * A freshly loaded snapshot of `setupSql` is that setup's state already: all `reset` would
   * add is the session state a new session lacks anyway, and random()'s seed.
   */
  private adoptLoadedSetup(setupSql: string, costModel?: Partial<CostModel>): Promise<void> {
    return this.serial(async () => {
      this.cost = { ...COST_MODEL_DEFAULT, ...costModel };
      await this.pg.exec('SELECT setseed(0)');
      this.setupKey = setupKeyOf(setupSql, costModel);
    });
  }

  stats(): DatabaseStats {
    return { ...this.counts, resultCacheEntries: this.results.size };
  }

  close(): Promise<void> {
    return this.serial(() => this.pg.close());
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    const run = this.tail.then(work);
    this.tail = run.then(
      () => void this.inFlight--,
      () => void this.inFlight--,
    );
    return run;
  }

  /** Transaction control, or a cached read of a statement already profiled; else undefined. */
  private fromMemory(sql: string, params: readonly unknown[]): QueryOutcome | undefined {
    const control = recogniseTransactionControl(sql);
    if (control) return success([], [], 0, control.command, this.cost.transactionControlMs, [], false);
    if (!this.profiles.get(sql)?.cacheable) return undefined;
    const key = this.keyOf(sql, params);
    const hit = key === undefined ? undefined : this.results.get(key);
    if (!hit) return undefined;
    this.counts.resultCacheHits++;
    return fromCache(hit);
  }

  private async run(sql: string, params: readonly unknown[], statements = this.statements): Promise<QueryOutcome> {
    this.counts.statements++;
    const known = this.fromMemory(sql, params);
    if (known) return known;

    const profile = await this.profileOf(sql);
    // Anything not cacheable may change state, even when it fails (a failed INSERT still
    // advanced its sequence; a volatile call moves random()'s seed).
    if (!profile.cacheable) this.changes.any = true;
    const key = profile.cacheable ? this.keyOf(sql, params) : undefined;
    const hit = key === undefined ? undefined : this.results.get(key);
    if (hit) {
      this.counts.resultCacheHits++;
      return fromCache(hit);
    }

    let result: Results<Record<string, unknown>>;
    try {
      result = await statements.query(sql, params);
    } catch (err) {
      await this.closeStrayTransaction();
      return this.failure(err, sql);
    }
    await this.closeStrayTransaction();

    const plan = profile.explainable ? await this.planOf(sql, params) : undefined;
    const written = plan?.modifiedTables ?? [];
    const utility = plan === undefined && !profile.readOnlyUtility;
    if (utility) {
      this.forgetSchema();
      this.changes.all = true;
    } else if (written.length > 0 || profile.opaqueWrites) {
      await this.invalidateAfterWrite(written, profile.opaqueWrites, plan && (await this.writtenRowsOf(sql, plan, params)));
    }

    const command = result.command ?? profile.keyword;
    const rowCount = result.rowCount ?? 0;
    const serviceMs = serviceMsOf(this.cost, {
      planCost: plan ? plan.totalCost : profile.readOnlyUtility ? 0 : undefined,
      rowsReturned: result.rows.length,
      rowsWritten: WRITE_COMMANDS.has(command) ? rowCount : 0,
    });
    const tables = plan?.tables ?? [];
    if (key !== undefined && plan && written.length === 0 && !(await this.readsSequence(tables))) {
      const rowKeys = await this.readRowsOf(plan, params);
      this.results.set(key, {
        rows: copyRows(result.rows),
        fields: copyFields(result.fields),
        rowCount,
        command,
        serviceMs,
        tables,
        rowKeys,
      });
    }
    const isWrite = written.length > 0 || profile.opaqueWrites || utility;
    return success(result.rows, result.fields, rowCount, command, serviceMs, [...tables], isWrite);
  }

  /**
   * The result-cache key: the statement's short id rather than its text, so a lookup hashes a
   * few characters instead of the whole SQL. Ids are never reused, so a forgotten id only
   * strands the entries made with it until the cache evicts them.
   */
  private keyOf(sql: string, params: readonly unknown[]): string | undefined {
    let id = this.sqlIds.get(sql);
    if (id === undefined) {
      if (this.sqlIds.size >= STATEMENTS_REMEMBERED_MAX) this.sqlIds.clear();
      id = (this.nextSqlId++).toString(36);
      this.sqlIds.set(sql, id);
    }
    return resultKey(id, params);
  }

  private async profileOf(sql: string): Promise<StatementProfile> {
    const known = this.profiles.get(sql);
    if (known) return known;
    const profile = profileStatement(sql, await this.catalog());
    remember(this.profiles, sql, profile);
    return profile;
  }

  /** The plan of the statement's first successful execution; undefined if EXPLAIN refuses it. */
  private async planOf(sql: string, params: readonly unknown[]): Promise<PlanSummary | undefined> {
    const known = this.plans.get(sql);
    if (known) return known;
    this.counts.explains++;
    try {
      let rows: Record<string, unknown>[];
      try {
        rows = (await this.pg.exec(`EXPLAIN (GENERIC_PLAN, VERBOSE, FORMAT JSON) ${sql}`))[0].rows as Record<string, unknown>[];
      } catch {
        // A few statements have no generic plan (a parameter whose type cannot be inferred):
        // those are priced with their first parameters instead.
        await this.closeStrayTransaction();
        rows = (await this.pg.query<Record<string, unknown>>(`EXPLAIN (VERBOSE, FORMAT JSON) ${sql}`, params as unknown[])).rows;
      }
      const plan = summarizeExplain(rows);
      if (this.plans.size >= STATEMENTS_REMEMBERED_MAX) {
        // Forgetting one plan while results priced by it stay cached would let caching change
        // virtual time (a re-explain may price differently); forgetting both keeps it invisible.
        this.plans.clear();
        this.results.clear();
      }
      this.plans.set(sql, plan);
      return plan;
    } catch {
      await this.closeStrayTransaction();
      return undefined;
    }
  }

  private async readsSequence(tables: readonly string[]): Promise<boolean> {
    const facts = await this.catalog();
    return tables.some((t) => facts.sequences.has(t));
  }

  private catalog(): Promise<CatalogFacts> {
    if (!this.facts) {
      const loading = loadCatalogFacts(this.pg);
      loading.catch(() => {
        if (this.facts === loading) this.facts = undefined;
      });
      this.facts = loading;
    }
    return this.facts;
  }

  /** The rows of its tables a read's result depends on, when its plan restricts them; else undefined. */
  private async readRowsOf(plan: PlanSummary, params: readonly unknown[]): Promise<RowKey[] | undefined> {
    if (plan.restrictions.length === 0) return undefined;
    const facts = await this.catalog();
    if (facts.userOperators) return undefined;
    const keys = rowKeysOf(plan.restrictions, params, facts.integerColumns);
    return keys.length > 0 ? keys : undefined;
  }

  /**
   * The rows a plain UPDATE or DELETE can change, before and after, as keys (see
   * row-restriction.ts); undefined when they cannot be told: a write that reaches other rows
   * through foreign-key actions or partitions, or an UPDATE that may assign the key column.
   */
  private async writtenRowsOf(sql: string, plan: PlanSummary, params: readonly unknown[]): Promise<RowKey[] | undefined> {
    const [table] = plan.modifiedTables;
    if (!plan.rootWrite || plan.modifiedTables.length !== 1) return undefined;
    const facts = await this.catalog();
    if (facts.userOperators || facts.dependents.has(table)) return undefined;
    const restrictions = plan.restrictions.filter(
      (r) => r.table === table && (plan.rootWrite === 'Delete' || !mayAssignColumn(sql, r.column)),
    );
    const keys = rowKeysOf(restrictions, params, facts.integerColumns);
    return keys.length > 0 ? keys : undefined;
  }

  private async invalidateAfterWrite(written: readonly string[], opaqueWrites: boolean, rows: RowKey[] | undefined): Promise<void> {
    const facts = await this.catalog();
    this.changes.any = true;
    if (opaqueWrites || written.some((t) => facts.opaqueTables.has(t))) {
      this.results.clear();
      this.statements.forget();
      this.changes.all = true;
    } else {
      const reached = tablesReachedByWrite(facts, written);
      // Only a write whose rows are known reaches no other table (see writtenRowsOf).
      if (rows) this.results.invalidateRows(written[0], rows);
      else this.results.invalidate(reached);
      this.statements.forgetWhere((sql) => this.plans.get(sql)?.scannedTables.some((t) => reached.has(t)) ?? true);
      for (const t of reached) this.changes.tables.add(t);
    }
  }

  /** After DDL or a setting change: cached results, plans and catalog facts may all be stale. */
  private forgetSchema(): void {
    this.results.clear();
    this.plans.clear();
    this.profiles.clear();
    this.facts = undefined;
    this.statements.forget();
    this.checkStatements.forget();
  }

  /** No statement may leave the shared session inside a transaction (see transaction-control.ts). */
  private async closeStrayTransaction(): Promise<void> {
    if (this.pg.isInTransaction()) await this.pg.exec('ROLLBACK');
  }

  private failure(err: unknown, sql: string): QueryFailure {
    // The work before the error is unknown; the base cost, or the plan's if it is known.
    const planCost = this.plans.get(sql)?.totalCost ?? 0;
    return { ok: false, error: toQueryError(err), serviceMs: serviceMsOf(this.cost, { planCost, rowsReturned: 0, rowsWritten: 0 }) };
  }
}

function setupKeyOf(setupSql: string, costModel: Partial<CostModel> | undefined): string {
  return `${JSON.stringify(costModel ?? {})}\n${setupSql}`;
}

function success(
  rows: Record<string, unknown>[],
  fields: { name: string; dataTypeID: number }[],
  rowCount: number,
  command: string,
  serviceMs: number,
  tables: string[],
  isWrite: boolean,
): QuerySuccess {
  return { ok: true, rows, fields, rowCount, command, serviceMs, cached: false, tables, isWrite };
}

function fromCache(hit: CachedResult): QuerySuccess {
  return {
    ok: true,
    rows: copyRows(hit.rows),
    fields: copyFields(hit.fields),
    rowCount: hit.rowCount,
    command: hit.command,
    serviceMs: hit.serviceMs,
    cached: true,
    tables: [...hit.tables],
    isWrite: false,
  };
}

function copyFields(fields: readonly { name: string; dataTypeID: number }[]): { name: string; dataTypeID: number }[] {
  return fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
}

const ERROR_FIELDS = ['code', 'position', 'severity', 'detail', 'hint', 'schema', 'table', 'column', 'constraint', 'where'] as const;

function toQueryError(err: unknown): QueryError {
  const source = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const error: QueryError = { message: typeof source.message === 'string' ? source.message : String(err) };
  for (const field of ERROR_FIELDS) {
    const value = source[field];
    if (typeof value === 'string') error[field] = value;
  }
  return error;
}

/** Inserts into a bounded map, forgetting the oldest entry when full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= STATEMENTS_REMEMBERED_MAX) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
