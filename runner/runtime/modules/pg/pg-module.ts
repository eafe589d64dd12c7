/**
 * The `pg` module user code imports: `Pool`, `Client` and `types`, bound to this run's
 * database server. It also reports the pool gauges and, at the end, the leaked clients.
 */
import type { Platform } from '../../platform.ts';
import type { DbServer } from '../../remote/db-server.ts';
import { PgClient } from './client.ts';
import { Pool, type PoolOptions, type PoolRegistry } from './pool.ts';
import { hardenPlatform } from '../../harden-platform.ts';

export interface PgModule {
  exports: Record<string, unknown>;
  /** Clients checked out of any pool that nothing will give back (see Pool.leakedCount). */
  leakedClients(): number;
  /** For each leaked client, the stack of the connect() that took it, where known. */
  leakSites(): Array<Error | undefined>;
  /** Times a client went back to a pool inside an open transaction. */
  releasesInTransaction(): number;
}

export function createPgModule(p: Platform, server: DbServer | undefined): PgModule {
  let inTransaction = 0;
  const registry: PoolRegistry = {
    pools: [],
    releasedInTransaction() {
      inTransaction++;
    },
    changed() {
      let inUse = 0;
      let waiting = 0;
      for (const pool of registry.pools) {
        inUse += pool.checkedOutCount;
        waiting += pool.waitingCount;
      }
      p.counters.notePool(inUse, waiting);
    },
  };
  const need = (): DbServer => {
    if (!server) throw new Error("This scenario has no database: there is nothing for 'pg' to connect to.");
    return server;
  };
  class BoundPool extends Pool {
    constructor(options?: PoolOptions) {
      super(p, need(), registry, options);
    }
  }
  class BoundClient extends PgClient {
    constructor(_options?: unknown) {
      super(p, need());
    }
  }
  hardenPlatform(BoundPool);
  hardenPlatform(BoundClient);
  const exports = {
    Pool: BoundPool,
    Client: BoundClient,
    types: { setTypeParser() {}, getTypeParser: () => (v: unknown) => v },
  };
  return {
    exports,
    leakedClients: () => registry.pools.reduce((n, pool) => n + pool.leakedCount, 0),
    leakSites: () => registry.pools.flatMap((pool) => pool.leakSites()),
    releasesInTransaction: () => inTransaction,
  };
}
