/**
 * node-postgres semantics of the simulated Pool, on the real database: a leaked client stays
 * leaked, waiters are served first come first served and, with connectionTimeoutMillis 0,
 * wait forever; a timeout makes them fail instead; release(err) destroys the client.
 */
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../../../runner/world.ts';
import { openDatabase } from '../../../../../runner/runtime/remote/database/shared-database.ts';
import { DbServer } from '../../../../../runner/runtime/remote/db-server.ts';
import { Pool, type PoolClient } from '../../../../../runner/runtime/modules/pg/pool.ts';
import type { Platform, RequestContext } from '../../../../../runner/runtime/platform.ts';
import { createPgModule } from '../../../../../runner/runtime/modules/pg/pg-module.ts';

const SETUP =
  'CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, $$item $$ || g FROM generate_series(1, 100) g;';

async function platformWithPool(options: ConstructorParameters<typeof Pool>[3]): Promise<{ p: Platform; pool: Pool; server: DbServer }> {
  const db = await openDatabase({ setupSql: SETUP });
  const { platform: p } = createWorld(1);
  const server = new DbServer(p, db, { setupSql: SETUP });
  const pool = new Pool(p, server, { pools: [], changed() {} }, options);
  return { p, pool, server };
}

async function runUntil(p: Platform, endMs: number): Promise<void> {
  while (p.kernel.nextEventMs() <= endMs) {
    if (p.kernel.hasHostWork) await p.kernel.settleHostWork();
    if (!p.kernel.step()) break;
  }
  await p.kernel.settleHostWork();
}

describe('pg Pool', () => {
  it('a client that is never released stays checked out, and later callers wait forever (FIFO)', async () => {
    const { p, pool } = await platformWithPool({ max: 2 });
    const log: string[] = [];
    p.loop.runNow(() => {
      for (const name of ['a', 'b']) {
        void (pool.connect() as Promise<PoolClient>).then((c) =>
          (c.query('SELECT name FROM items WHERE id = $1', [1]) as Promise<unknown>).then(() => {
            log.push(`${name} leaked`); // never released
          }),
        );
      }
      for (const name of ['c', 'd']) void (pool.connect() as Promise<PoolClient>).then(() => log.push(`${name} got a client`));
    });
    await runUntil(p, 60_000);
    expect(log).toEqual(['a leaked', 'b leaked']);
    expect(pool.checkedOutCount).toBe(2);
    expect(pool.waitingCount).toBe(2);
    expect(pool.totalCount).toBe(2);
  });

  it('serves waiters in arrival order as clients are released', async () => {
    const { p, pool } = await platformWithPool({ max: 1 });
    const order: string[] = [];
    p.loop.runNow(() => {
      for (const name of ['first', 'second', 'third', 'fourth']) {
        void (pool.connect() as Promise<PoolClient>).then((c) => {
          order.push(name);
          return (c.query('SELECT count(*) FROM items') as Promise<unknown>).then(() => c.release());
        });
      }
    });
    await runUntil(p, 10_000);
    expect(order).toEqual(['first', 'second', 'third', 'fourth']);
    expect(pool.checkedOutCount).toBe(0);
    expect(pool.idleCount).toBe(1);
  });

  it('with connectionTimeoutMillis, a waiter fails with node-postgres’s message instead of hanging', async () => {
    const { p, pool } = await platformWithPool({ max: 1, connectionTimeoutMillis: 500 });
    const outcomes: string[] = [];
    p.loop.runNow(() => {
      void pool.connect(); // leaked
      void (pool.connect() as Promise<PoolClient>).then(
        () => outcomes.push('got one'),
        (e: Error) => outcomes.push(`${p.loop.now().toFixed(0)}: ${e.message}`),
      );
    });
    await runUntil(p, 5_000);
    expect(outcomes).toEqual(['500: timeout exceeded when trying to connect']);
  });

  it('release(err) destroys the client; the next caller opens a new connection', async () => {
    const { p, pool, server } = await platformWithPool({ max: 1 });
    p.loop.runNow(() => {
      void (pool.connect() as Promise<PoolClient>).then((c) => c.release(new Error('broken')));
    });
    await runUntil(p, 1_000);
    expect(pool.totalCount).toBe(0);
    expect(server.connections).toBe(0);
  });

  it('a query error inside a transaction fails the rest of the transaction until ROLLBACK, as Postgres does', async () => {
    const { p, pool } = await platformWithPool({ max: 1 });
    const seen: string[] = [];
    // Plain .then chains: a native `await` here would leave the simulated job queue.
    type Q = Promise<{ rows: Record<string, unknown>[] }>;
    p.loop.runNow(() => {
      void (pool.connect() as Promise<PoolClient>).then((c) => {
        const q = (sql: string, params?: unknown[]) => c.query(sql, params) as Q;
        return q('BEGIN')
          .then(() =>
            q('SELECT nope FROM items').catch((e: Error) => {
              seen.push(e.message);
            }),
          )
          .then(() =>
            q('SELECT 1').catch((e: Error & { code?: string }) => {
              seen.push(String(e.code));
            }),
          )
          .then(() => q('ROLLBACK'))
          .then(() => q('SELECT name FROM items WHERE id = $1', [7]))
          .then((r) => {
            seen.push(String((r as { rows: Record<string, unknown>[] }).rows[0].name));
            c.release();
          });
      });
    });
    await runUntil(p, 1_000);
    expect(seen).toEqual(['column "nope" does not exist', '25P02', 'item 7']);
  });

  it('refuses connections beyond max_connections like Postgres', async () => {
    const db = await openDatabase({ setupSql: SETUP });
    const { platform: p } = createWorld(1);
    const server = new DbServer(p, db, { setupSql: SETUP, maxConnections: 3 });
    const pool = new Pool(p, server, { pools: [], changed() {} }, { max: 5 });
    const errors: string[] = [];
    p.loop.runNow(() => {
      for (let i = 0; i < 5; i++) void (pool.connect() as Promise<PoolClient>).catch((e: Error) => errors.push(e.message));
    });
    await runUntil(p, 1_000);
    expect(errors).toEqual(['sorry, too many clients already', 'sorry, too many clients already']);
    expect(server.connections).toBe(3);
  });

  it('at the end, a client is leaked once the request holding it has been answered; a request still at work only keeps it busy', async () => {
    const db = await openDatabase({ setupSql: SETUP });
    const { platform: p } = createWorld(1);
    const pg = createPgModule(p, new DbServer(p, db, { setupSql: SETUP }));
    const PgPool = pg.exports.Pool as new (o: object) => Pool;
    const request = (seq: number): RequestContext => ({ route: 'POST /checkout', seq, dbQueries: 0, calledHosts: undefined });
    const answered = request(1);
    const working = request(2);
    let pool!: Pool;
    p.loop.runNow(() => {
      pool = new PgPool({ max: 3 });
      void pool.connect(); // startup code that never gives its client back
    });
    // Each checks a client out and keeps it; the first request's handler then replies.
    p.loop.post(0, () => void pool.connect(), answered);
    p.loop.post(0, () => void pool.connect(), working);
    await runUntil(p, 1_000);
    answered.answered = true;
    expect(pool.checkedOutCount).toBe(3);
    expect(pg.leakedClients()).toBe(2);
  });

  it('notices a client going back to the pool inside an open transaction (its writes would never commit)', async () => {
    const db = await openDatabase({ setupSql: SETUP });
    const { platform: p } = createWorld(1);
    const server = new DbServer(p, db, { setupSql: SETUP });
    let open = 0;
    const pool = new Pool(p, server, { pools: [], changed() {}, releasedInTransaction: () => open++ }, { max: 2 });
    type Q = Promise<unknown>;
    p.loop.runNow(() => {
      void (pool.connect() as Promise<PoolClient>).then((c) =>
        (c.query('BEGIN') as Q).then(() => c.query("UPDATE items SET name = 'x' WHERE id = 1") as Q).then(() => c.release()),
      );
      void (pool.connect() as Promise<PoolClient>).then((c) =>
        (c.query('BEGIN') as Q).then(() => c.query('COMMIT') as Q).then(() => c.release()),
      );
    });
    await runUntil(p, 1_000);
    expect(open).toBe(1);
  });
});
