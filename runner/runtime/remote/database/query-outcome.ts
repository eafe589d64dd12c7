/**
 * What one statement produced on the database: its result and its modelled service time.
 * `serviceMs` is virtual time on the database server only; the caller adds the network.
 */

/** A result column, as node-postgres describes it. */
export interface QueryField {
  name: string;
  /** Postgres type OID (23 int4, 25 text, 114 json, …). */
  dataTypeID: number;
}

/** A Postgres error, with the fields node-postgres's DatabaseError carries when present. */
export interface QueryError {
  message: string;
  /** SQLSTATE, e.g. `42601` syntax error, `23505` unique violation. */
  code?: string;
  /** 1-based character offset of the error in the statement, as a string (as Postgres sends it). */
  position?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  where?: string;
}

export interface QuerySuccess {
  ok: true;
  rows: Record<string, unknown>[];
  fields: QueryField[];
  /** Rows returned (SELECT) or changed (INSERT/UPDATE/DELETE); 0 when Postgres reports none. */
  rowCount: number;
  /** First word of Postgres's command tag: SELECT, INSERT, CREATE, BEGIN, START, … */
  command: string;
  serviceMs: number;
  /** The rows came from the result cache; `serviceMs` is the same as if they had not. */
  cached: boolean;
  /** Tables the statement reads or writes, from its plan (sorted; empty when unknown). */
  tables: string[];
  /** The statement changed data or schema. */
  isWrite: boolean;
}

export interface QueryFailure {
  ok: false;
  error: QueryError;
  serviceMs: number;
}

export type QueryOutcome = QuerySuccess | QueryFailure;
