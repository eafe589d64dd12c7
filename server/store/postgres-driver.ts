/**
 * A real Postgres through node-postgres, for an event that outgrows one machine: several
 * server processes behind a load balancer share one database. A run reported to one process
 * must reach a dashboard streamed by another, so each process LISTENs on a channel that the
 * store NOTIFYs in the run's transaction (Postgres delivers it only once committed).
 */
import pg from 'pg';
import type { Row, SqlDriver, SqlQuery } from './sql-driver.ts';

/** Connections per server process: each report is one short transaction. */
const POOL_SIZE_MAX = 10;
/** How long to wait before listening again after the listening connection dropped. */
const RELISTEN_DELAY_MS = 2000;

export async function openPostgresDriver(connectionString: string): Promise<SqlDriver> {
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE_MAX, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection emits on the pool; unhandled, it would end the process.
  pool.on('error', (err) => console.error(`workshop: a database connection dropped: ${err.message}`));
  // Fail at start, with the driver's message, rather than on the first report.
  await pool.query('select 1');
  let closed = false;
  const listeners: pg.Client[] = [];
  const query = async <T extends Row>(q: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]): Promise<T[]> =>
    (await q.query<T>(sql, params)).rows;

  const listen = async (channel: string, listener: (payload: string) => void): Promise<void> => {
    const client = new pg.Client({ connectionString });
    listeners.push(client);
    const again = (): void => {
      listeners.splice(listeners.indexOf(client), 1);
      if (!closed) setTimeout(() => listen(channel, listener).catch(again), RELISTEN_DELAY_MS).unref();
    };
    client.on('error', (err) => {
      console.error(`workshop: the listening connection dropped: ${err.message}`);
      client.end().catch(() => {});
      again();
    });
    client.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) listener(n.payload);
    });
    await client.connect();
    await client.query(`listen ${pg.escapeIdentifier(channel)}`);
  };

  return {
    query: (sql, params) => query(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const result = await fn({ query: (sql, params) => query(client, sql, params) } satisfies SqlQuery);
        await client.query('commit');
        return result;
      } catch (err) {
        // A connection that cannot even roll back is dropped instead of going back to the pool.
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
    listen,
    async close() {
      closed = true;
      await Promise.all(listeners.map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
}
