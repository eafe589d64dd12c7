/**
 * Runs statements the way a driver with a statement cache does: each SQL text is parsed once
 * into a named prepared statement, and every later execution is one round trip into PGlite
 * (Bind, Execute, Sync) instead of PGlite's `query()`, which parses, analyses and plans the
 * text again and makes six round trips to do it. Parsing and planning are most of the wall
 * time of a small statement in WebAssembly, so this is what keeps thousands of distinct
 * lookups per simulated minute fast. The result's columns are the ones Describe gave for the
 * statement when it was prepared: with every column in text format, a Describe of each
 * portal would only repeat them (≈ 10 µs of WebAssembly per execution). If the columns
 * change under a statement, Postgres refuses to execute it (see `query`).
 *
 * Executions use the statement's generic plan (`plan_cache_mode = force_generic_plan`): a
 * plan that depends only on the SQL text and the data, never on the parameters that came
 * first, so a run gives the same rows whatever ran before it in the same process. It is also
 * the plan the cost model prices (see `Database.planOf`). Only wall time changes: results are
 * the query's results under any plan, up to the order of rows the SQL leaves unordered.
 *
 * Parameters are serialised as PGlite's `query()` does, by the type the server inferred for
 * each one; results are read by `wire.ts` into the shape `query()` gives, with
 * PGlite's value parsers and error class.
 */
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';
import type { QueryField } from './query-outcome.ts';
import { encodeBind, readResult } from './wire.ts';

/** "cached plan must not change result type" */
const CACHED_PLAN_CHANGED = '0A000';

/** Prepared statements kept at most; the least recently used is closed first. */
const PREPARED_MAX = 500;

interface Prepared extends Shape {
  name: string;
}

interface Shape {
  /** The type the server inferred for each parameter, which picks its serialiser. */
  paramTypes: number[];
  /** The result's columns (none for a statement that returns no rows). */
  fields: QueryField[];
}

const serialize = protocol.serialize;
const EXECUTE = serialize.execute({});
const SYNC = serialize.sync();

export class PreparedStatements {
  /** Map order is recency order, as in the result cache. */
  private readonly statements = new Map<string, Prepared>();
  /**
   * What `forgetWhere` closed after a write: such a statement's text, on an unchanged schema,
   * parses to the same parameter types and columns, so preparing it again needs no Describe
   * and goes in one message with its execution (see `reprepareAndExecute`).
   */
  private readonly shapes = new Map<string, Shape>();
  /** Statements to close with the next message; see `forget`. */
  private closing: string[] = [];
  /** Whether the session has the plan-cache setting; a reset or a user's SET may undo it. */
  private sessionReady = false;
  private nextId = 1;

  /** `prefix` names this set's statements apart from another set's on the same session. */
  constructor(
    private readonly pg: PGlite,
    private readonly prefix = 'tailspin_',
  ) {}

  /**
   * After a reset or any statement that may have changed the schema or the session's
   * settings: prepared statements may be stale (or already gone, after DISCARD ALL), and the
   * plan-cache setting may have been reset. The statements are closed with the next message;
   * closing one that no longer exists is not an error.
   */
  forget(): void {
    for (const p of this.statements.values()) this.closing.push(p.name);
    this.statements.clear();
    this.shapes.clear();
    this.sessionReady = false;
  }

  /**
   * Closes the statements `stale` picks: after a write, those whose generic plan read the
   * tables written. A generic plan is made when its statement is prepared and depends on the
   * tables' sizes then; prepared again at the first execution after the write (a cache miss
   * in every run, since the write also drops the cached results), the plan depends only on
   * the data, not on which executions the result cache happened to answer.
   */
  forgetWhere(stale: (sql: string) => boolean): void {
    for (const [sql, p] of this.statements) {
      if (!stale(sql)) continue;
      this.closing.push(p.name);
      this.statements.delete(sql);
      if (this.shapes.size >= PREPARED_MAX) this.shapes.clear();
      this.shapes.set(sql, { paramTypes: p.paramTypes, fields: p.fields });
    }
  }

  async query(sql: string, params: readonly unknown[]): Promise<Results<Record<string, unknown>>> {
    try {
      return await this.execute(sql, params);
    } catch (err) {
      // The statement's result columns changed under it (DDL the lab could not see, such as
      // one inside a function): Postgres refuses to run it, as prepared. Prepared again, it
      // runs as an unnamed statement would have.
      if ((err as { code?: unknown }).code !== CACHED_PLAN_CHANGED) throw err;
      this.forgetWhere((s) => s === sql);
      this.shapes.delete(sql); // its columns are what changed
      return this.execute(sql, params);
    }
  }

  private async execute(sql: string, params: readonly unknown[]): Promise<Results<Record<string, unknown>>> {
    const shape = this.statements.has(sql) ? undefined : this.shapes.get(sql);
    if (shape && this.sessionReady && params.length === shape.paramTypes.length) return this.reprepareAndExecute(sql, shape, params);
    const statement = await this.prepare(sql);
    if (params.length !== statement.paramTypes.length) {
      // Postgres's error names the statement, and ours have run-dependent names: PGlite's
      // own query() reports it exactly as an unnamed statement gets it.
      return this.pg.query<Record<string, unknown>>(sql, params as unknown[]);
    }
    const values = params.map((value, i) => this.serialize(value, statement.paramTypes[i]));
    const chunks: Uint8Array[] = [];
    await this.pg.execProtocolRawStream(
      this.withCloses([encodeBind(statement.name, values), EXECUTE, SYNC]),
      // The bytes are a view of PGlite's memory, valid only during the call.
      { syncToFs: false, onRawData: (bytes) => chunks.push(bytes.slice()) },
    );
    return readResult(chunks.length === 1 ? chunks[0] : concat(chunks), this.pg.parsers, statement.fields);
  }

  /**
   * Prepares a statement `forgetWhere` closed and executes it, in one message: Parse, Bind,
   * Execute, Sync. The statement and its plan are the ones `prepare` then `execute` would
   * make (the plan is made at the Bind either way); it only skips a Describe whose answer is
   * known and a round trip. A Parse that fails leaves no statement, as in `prepare`, and the
   * next execution prepares from scratch.
   */
  private async reprepareAndExecute(sql: string, shape: Shape, params: readonly unknown[]): Promise<Results<Record<string, unknown>>> {
    const name = `${this.prefix}${this.nextId++}`;
    const values = params.map((value, i) => this.serialize(value, shape.paramTypes[i]));
    const chunks: Uint8Array[] = [];
    await this.pg.execProtocolRawStream(this.withCloses([serialize.parse({ name, text: sql }), encodeBind(name, values), EXECUTE, SYNC]), {
      syncToFs: false,
      onRawData: (bytes) => chunks.push(bytes.slice()),
    });
    const reply = chunks.length === 1 ? chunks[0] : concat(chunks);
    // Parsed or not, the shape is spent: a failed Parse means the schema moved under it.
    this.shapes.delete(sql);
    if (hasParseComplete(reply)) this.remember(sql, { name, ...shape });
    return readResult(reply, this.pg.parsers, shape.fields);
  }

  private async prepare(sql: string): Promise<Prepared> {
    const known = this.statements.get(sql);
    if (known) {
      this.statements.delete(sql);
      this.statements.set(sql, known);
      return known;
    }
    if (!this.sessionReady) {
      await this.pg.exec('SET plan_cache_mode = force_generic_plan');
      this.sessionReady = true;
    }
    const name = `${this.prefix}${this.nextId++}`;
    // A failed Parse leaves no statement behind: the error goes to the caller, nothing is kept.
    const messages = await this.pg.execProtocolStream(
      this.withCloses([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(messages), fields: resultFields(messages) };
    this.shapes.delete(sql);
    this.remember(sql, prepared);
    return prepared;
  }

  private remember(sql: string, prepared: Prepared): void {
    if (this.statements.size >= PREPARED_MAX) {
      const oldest = this.statements.keys().next().value as string;
      this.closing.push(this.statements.get(oldest)!.name);
      this.statements.delete(oldest);
    }
    this.statements.set(sql, prepared);
  }

  /** As PGlite's `query()` serialises a parameter. */
  private serialize(value: unknown, type: number | undefined): string | null {
    if (value === null || value === undefined) return null;
    const serializer = type === undefined ? undefined : this.pg.serializers[type];
    return serializer ? (serializer(value) as string) : String(value);
  }

  /** The message, after a Close of each statement `forget` or eviction gave up. */
  private withCloses(parts: Uint8Array[]): Uint8Array {
    const closes = this.closing.map((name) => serialize.close({ type: 'S', name }));
    this.closing = [];
    return concat([...closes, ...parts]);
  }
}

/** The columns of the statement's RowDescription, as PGlite's `query()` reports them. */
function resultFields(messages: readonly { name: string }[]): QueryField[] {
  const description = messages.find((m) => m.name === 'rowDescription') as
    | { fields: readonly { name: string; dataTypeID: number }[] }
    | undefined;
  return description ? description.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) : [];
}

/** ParseComplete ('1'): the reply's Parse made its statement. */
const PARSE_COMPLETE = 0x31;

/** Whether the backend's reply carries a ParseComplete message. */
function hasParseComplete(reply: Uint8Array): boolean {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  for (let at = 0; at + 5 <= reply.length; at += 1 + view.getUint32(at + 1)) {
    if (reply[at] === PARSE_COMPLETE) return true;
  }
  return false;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
