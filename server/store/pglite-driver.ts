/**
 * PGlite on disk: Postgres compiled to WebAssembly, in one folder, in this process. It needs no
 * install and no server to run, which is what a host with a laptop and a room wants. One
 * process must own the folder; PGlite serializes the queries of this process itself.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Row, SqlDriver, SqlQuery } from './sql-driver.ts';

export async function openPgliteDriver(dataDir: string): Promise<SqlDriver> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const query = async <T extends Row>(q: Pick<PGlite, 'query'>, sql: string, params?: unknown[]): Promise<T[]> =>
    (await q.query<T>(sql, params)).rows;
  return {
    query: (sql, params) => query(db, sql, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => query(tx, sql, params) } satisfies SqlQuery)),
    // Only this process writes to the folder, so no other connection can notify it.
    listen: async () => {},
    close: () => db.close(),
  };
}
