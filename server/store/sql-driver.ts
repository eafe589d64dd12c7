/**
 * The little the SQL store needs from a database: queries with $1 parameters, a transaction
 * that commits before it resolves, and a way to close. PGlite and node-postgres each give it
 * in a few lines (pglite-driver.ts, postgres-driver.ts), so both run the very same SQL.
 */

export type Row = Record<string, unknown>;

export interface SqlQuery {
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface SqlDriver extends SqlQuery {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T>;
  /** Calls `listener` with each notification's payload on `channel` from other connections. */
  listen(channel: string, listener: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** node-postgres gives bigint columns as strings, PGlite as numbers: both become numbers here. */
export function num(v: unknown): number {
  return Number(v);
}
