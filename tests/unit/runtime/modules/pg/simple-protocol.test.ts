/**
 * node-postgres sends a query without values on the simple protocol: one text may hold several
 * statements, it resolves to an array of results (one per statement), it costs one round trip,
 * and the first error ends it. With values, or named, it is prepared, and Postgres refuses
 * several statements. Times below are exact virtual milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../../../runner/world.ts';
import { openDatabase } from '../../../../../runner/runtime/remote/database/shared-database.ts';
import { DB_RTT_MS_DEFAULT, DbServer } from '../../../../../runner/runtime/remote/db-server.ts';
import { Pool, type PoolClient } from '../../../../../runner/runtime/modules/pg/pool.ts';
import type { QueryResult } from '../../../../../runner/runtime/modules/pg/client.ts';
import type { Platform } from '../../../../../runner/runtime/platform.ts';

const SETUP =
  'CREATE TABLE items (id int PRIMARY KEY, name text, stock int NOT NULL DEFAULT 10); INSERT INTO items (id, name) SELECT g, $$item $$ || g FROM generate_series(1, 100) g;';

async function platformWithPool(): Promise<{ p: Platform; pool: Pool; server: DbServer }> {
  const db = await openDatabase({ setupSql: SETUP });
  const { platform: p } = createWorld(1);
  const server = new DbServer(p, db, { setupSql: SETUP });
  const pool = new Pool(p, server, { pools: [], changed() {} }, { max: 1 });
  return { p, pool, server };
}

async function runUntil(p: Platform, endMs: number): Promise<void> {
  while (p.kernel.nextEventMs() <= endMs) {
    if (p.kernel.hasHostWork) await p.kernel.settleHostWork();
    if (!p.kernel.step()) break;
  }
  await p.kernel.settleHostWork();
}

type Outcome = { result?: QueryResult | QueryResult[]; error?: Error & { code?: string }; atMs: number };

/** Sends `queries` one after another on one pooled client; each outcome with the virtual time it arrived. */
async function onOneClient(queries: [string, unknown[]?][]): Promise<{ outcomes: Outcome[]; txStatus: string; dbQueries: number }> {
  const { p, pool } = await platformWithPool();
  const outcomes: Outcome[] = [];
  let txStatus = '';
  p.loop.runNow(() => {
    // Plain .then chains: a native `await` here would leave the simulated job queue.
    void (pool.connect() as Promise<PoolClient>).then((c) => {
      let chain: Promise<unknown> = p.Promise.resolve();
      for (const [sql, values] of queries) {
        chain = chain.then(() => {
          const startMs = p.loop.now();
          return (c.query(sql, values) as Promise<QueryResult | QueryResult[]>).then(
            (result) => outcomes.push({ result, atMs: p.loop.now() - startMs }),
            (error: Error) => outcomes.push({ error, atMs: p.loop.now() - startMs }),
          );
        });
      }
      return chain.then(() => {
        txStatus = c.txStatus;
        c.release();
      });
    });
  });
  await runUntil(p, 10_000);
  return { outcomes, txStatus, dbQueries: p.counters.dbQueries };
}

describe('pg simple query protocol', () => {
  it('runs BEGIN; UPDATE; COMMIT sent without values, resolving to one result per statement', async () => {
    const { outcomes, txStatus, dbQueries } = await onOneClient([
      ['BEGIN; UPDATE items SET stock = stock - 1 WHERE id = 3; COMMIT'],
      ['SELECT stock FROM items WHERE id = $1', [3]],
    ]);
    const results = outcomes[0].result as QueryResult[];
    expect(Array.isArray(results)).toBe(true);
    expect(results.map((r) => [r.command, r.rowCount])).toEqual([
      ['BEGIN', 0],
      ['UPDATE', 1],
      ['COMMIT', 0],
    ]);
    expect((outcomes[1].result as QueryResult).rows).toEqual([{ stock: 9 }]);
    expect(txStatus).toBe('I');
    // Each statement counts as a query: batching them saves round trips, not statements.
    expect(dbQueries).toBe(4);
  });

  it('an empty values array is still the simple protocol; a text of one statement gives one result, not an array', async () => {
    const { outcomes } = await onOneClient([['SELECT 1 AS a; SELECT 2 AS b', []], ['SELECT 3 AS c;']]);
    expect((outcomes[0].result as QueryResult[]).map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    expect((outcomes[1].result as QueryResult).rows).toEqual([{ c: 3 }]);
  });

  it('with values the query is prepared, and Postgres refuses several statements', async () => {
    const { outcomes } = await onOneClient([['SELECT $1::int AS a; SELECT 2', [1]]]);
    expect(outcomes[0].error?.message).toBe('cannot insert multiple commands into a prepared statement');
  });

  it('costs one round trip for all its statements', async () => {
    const statements = ['SELECT name FROM items WHERE id = 1', 'SELECT name FROM items WHERE id = 2', 'SELECT count(*) FROM items'];
    const { outcomes } = await onOneClient([...statements.map((s): [string] => [s]), [statements.join('; ')]]);
    const separateMs = outcomes.slice(0, 3).reduce((sum, o) => sum + o.atMs, 0);
    // Two round trips fewer; the rest differs only by the main thread's few microseconds per reply.
    expect(outcomes[3].atMs).toBeCloseTo(separateMs - 2 * DB_RTT_MS_DEFAULT, 2);
    expect((outcomes[3].result as QueryResult[]).map((r) => r.rows[0])).toEqual([{ name: 'item 1' }, { name: 'item 2' }, { count: '100' }]);
  });

  it('the first error ends the query; inside BEGIN it leaves the transaction failed until ROLLBACK', async () => {
    const { outcomes, txStatus } = await onOneClient([
      ['BEGIN; SELECT nope FROM items; COMMIT'],
      ['SELECT 1'],
      ['ROLLBACK; SELECT name FROM items WHERE id = 5'],
    ]);
    expect(outcomes[0].error?.message).toBe('column "nope" does not exist');
    expect(outcomes[1].error?.code).toBe('25P02');
    expect((outcomes[2].result as QueryResult[]).map((r) => r.command)).toEqual(['ROLLBACK', 'SELECT']);
    expect(txStatus).toBe('I');
  });

  it('outside a transaction block an error leaves the connection idle, and the statements after it never run', async () => {
    const { outcomes, txStatus } = await onOneClient([
      ['SELECT nope FROM items; UPDATE items SET stock = 0 WHERE id = 4'],
      ['SELECT stock FROM items WHERE id = 4'],
    ]);
    expect(outcomes[0].error?.code).toBe('42703');
    expect((outcomes[1].result as QueryResult).rows).toEqual([{ stock: 10 }]);
    expect(txStatus).toBe('I');
  });

  it('a named query goes on the extended protocol, as node-postgres prepares it', async () => {
    const { p, pool } = await platformWithPool();
    let message = '';
    p.loop.runNow(() => {
      void (pool.query({ text: 'SELECT 1; SELECT 2', name: 'two' }) as Promise<unknown>).catch((e: Error) => {
        message = e.message;
      });
    });
    await runUntil(p, 1_000);
    expect(message).toBe('cannot insert multiple commands into a prepared statement');
  });
});
