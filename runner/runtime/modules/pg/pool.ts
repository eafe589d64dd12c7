/**
 * node-postgres's `Pool` (pg-pool 3) with its defaults and its semantics, because they are
 * what the pool-exhaustion bug is made of: `max` 10 connections; waiters queue FIFO and, with
 * `connectionTimeoutMillis` 0, wait forever; idle clients are reused last-in first-out and
 * closed after `idleTimeoutMillis`; `release(err)` destroys the client; a client that is
 * never released stays checked out for good.
 */
import type { Platform } from '../../platform.ts';
import type { DbServer } from '../../remote/db-server.ts';
import { PgClient, type QueryConfig, type QueryResult } from './client.ts';
import { Emitter } from './emitter.ts';
import { isRequestContext } from '../../platform.ts';
import { hardenPlatform } from '../../harden-platform.ts';
import { type SpanRecord, traceOf } from '../../trace-log.ts';

export interface PoolOptions {
  /** Most clients open at once (pg default 10). */
  max?: number;
  /** How long `connect()` waits for a client; 0 waits forever (pg default). */
  connectionTimeoutMillis?: number;
  /** An idle client is closed after this long; 0 never (pg default 10 000). */
  idleTimeoutMillis?: number;
  connectionString?: string;
  [other: string]: unknown;
}

/** Waiters one pool queues before refusing: pg has no limit; this is a limit on memory. */
const WAITERS_MAX = 100_000;

interface Waiter {
  resolve: (c: PoolClient) => void;
  reject: (e: Error) => void;
  timedOut: boolean;
  /** The async context (request) that called connect(). */
  context: unknown;
  /**
   * Where the service asked for the client: its stack, for the diagnosis of a leak. Not taken
   * for the client `pool.query` takes and gives back itself, which cannot leak: a stack costs
   * microseconds, and an N+1 asks fifty times a request.
   */
  site: Error | undefined;
  /** When connect() was called, for a trace's pool wait. */
  sinceMs: number;
  /** Its wait in the request's trace, open until it gets a client or gives up (a leak shows as a wait with no end). */
  span: SpanRecord | undefined;
}

/** The pool's bookkeeping of one client, out of the service's reach (see PoolClient). */
interface Lease {
  released: boolean;
  idleTimer: number;
  /** Handed to a caller and not yet released. */
  checkedOut: boolean;
  /** While checked out: the async context (e.g. a request) that called connect(). */
  holder: unknown;
  /** While checked out: the stack of that connect() call. */
  site?: Error;
}

let leaseOf: (client: PoolClient) => Lease;

/** Set while `query` calls `connect` (synchronously), so that call takes no stack. */
let connectingForQuery = false;

/** What a connect site reads as: `Error: pool.connect`, like the Error it stands for. */
const SITE_PROTOTYPE: Error = Object.create(Error.prototype, { message: { value: 'pool.connect' } });

/**
 * The stack of the caller, as `new Error('pool.connect')` would have it: the same frames from
 * the same one down, and the same text. The hardened realm's Error constructor captures a
 * stack twice (once as it constructs, once more to cut its own frame off); this captures it
 * once, and V8 only formats it if the site is ever read (a leak report).
 */
function connectSite(): Error {
  const site: Error = Object.create(SITE_PROTOTYPE);
  Error.captureStackTrace(site, connectSite);
  return site;
}

/**
 * A client of the pool. Its lease is a private field: the holder is the request's own
 * accounting, and a service that could clear `checkedOut` would hide a leak.
 */
export class PoolClient extends PgClient {
  release!: (err?: Error | boolean) => void;
  readonly #lease: Lease = { released: false, idleTimer: 0, checkedOut: false, holder: undefined };

  static {
    leaseOf = (client) => client.#lease;
  }
}
hardenPlatform(PoolClient);

export interface PoolRegistry {
  pools: Pool[];
  /**
   * A client went back to the pool inside a transaction (BEGIN without COMMIT or ROLLBACK).
   * node-postgres allows it; the writes are never committed and the next borrower inherits
   * the open transaction. Optional so tests may pass a bare registry.
   */
  releasedInTransaction?(client: PoolClient): void;
  /** Called when any pool's counts change, so the run's gauges follow. */
  changed(): void;
}

/** What the service holds: the platform, the server and the queues are private fields. */
export class Pool extends Emitter {
  readonly options: Required<Pick<PoolOptions, 'max' | 'connectionTimeoutMillis' | 'idleTimeoutMillis'>>;
  ending = false;
  readonly #clients = new Set<PoolClient>();
  readonly #idle: PoolClient[] = [];
  readonly #waiting: Waiter[] = [];
  readonly #p: Platform;
  readonly #server: DbServer;
  readonly #registry: PoolRegistry;

  constructor(p: Platform, server: DbServer, registry: PoolRegistry, options: PoolOptions = {}) {
    super();
    this.#p = p;
    this.#server = server;
    this.#registry = registry;
    // Options often come from environment variables as strings; node-postgres hands them to
    // setTimeout and comparisons, which convert them to numbers.
    const num = (v: unknown, fallback: number): number => (v === undefined || v === null || Number.isNaN(Number(v)) ? fallback : Number(v));
    this.options = {
      max: num(options.max, 10),
      connectionTimeoutMillis: num(options.connectionTimeoutMillis, 0),
      idleTimeoutMillis: num(options.idleTimeoutMillis, 10_000),
    };
    registry.pools.push(this);
  }

  get totalCount(): number {
    return this.#clients.size;
  }
  get idleCount(): number {
    return this.#idle.length;
  }
  get waitingCount(): number {
    return this.#waiting.length;
  }
  get expiredCount(): number {
    return 0;
  }
  /** Clients handed out and not released (what a leak leaves behind, or simply busy ones). */
  get checkedOutCount(): number {
    return this.#clients.size - this.#idle.length;
  }

  /**
   * Checked-out clients that nothing will give back: held by a request the service has
   * already answered, or by code outside any request. A client held by a request that is
   * still at work (waiting for a query or a remote call) is busy, not leaked.
   */
  get leakedCount(): number {
    return this.leakSites().length;
  }

  /** For each leaked client, the stack of the connect() that took it (see leakedCount). */
  leakSites(): Array<Error | undefined> {
    const sites: Array<Error | undefined> = [];
    for (const c of this.#clients) {
      const { checkedOut, holder, site } = leaseOf(c);
      if (checkedOut && (!isRequestContext(holder) || holder.answered)) sites.push(site);
    }
    return sites;
  }

  connect(cb?: (err: Error | null, client?: PoolClient, done?: (err?: Error) => void) => void): Promise<PoolClient> | void {
    const promise = new this.#p.Promise<PoolClient>((resolve, reject) => {
      if (this.ending) {
        reject(new Error('Cannot use a pool after calling end on the pool'));
        return;
      }
      if (this.#waiting.length >= WAITERS_MAX) {
        reject(new Error(`More than ${WAITERS_MAX} callers waiting for a client.`));
        return;
      }
      const waiter: Waiter = {
        resolve,
        reject,
        timedOut: false,
        context: this.#p.jobs.context,
        site: connectingForQuery ? undefined : connectSite(),
        sinceMs: this.#p.loop.now(),
        span: undefined,
      };
      waiter.span = traceOf(waiter.context)?.open('pg.pool.wait', 'waiting for a pool client', waiter.sinceMs);
      this.#waiting.push(waiter);
      const timeoutMs = this.options.connectionTimeoutMillis;
      if (timeoutMs > 0) {
        this.#p.loop.post(this.#p.loop.now() + timeoutMs, () => {
          const i = this.#waiting.indexOf(waiter);
          if (i < 0) return;
          this.#waiting.splice(i, 1);
          waiter.timedOut = true;
          if (waiter.span !== undefined) {
            waiter.span.endMs = this.#p.loop.now();
            waiter.span.attributes = { ...waiter.span.attributes, error: 'timeout exceeded when trying to connect' };
          }
          this.#changed();
          reject(new Error('timeout exceeded when trying to connect'));
        });
      }
      this.#pulse();
    });
    if (!cb) return promise;
    promise.then(
      (c) => cb(null, c, c.release),
      (e: Error) => cb(e),
    );
  }

  query(
    config: string | QueryConfig,
    values?: unknown[] | ((err: Error | null, r?: QueryResult | QueryResult[]) => void),
    cb?: (err: Error | null, r?: QueryResult | QueryResult[]) => void,
  ): Promise<QueryResult | QueryResult[]> | void {
    const callback = typeof values === 'function' ? values : cb;
    const params = typeof values === 'function' ? undefined : values;
    // Where the service asked, before the wait for a client loses its stack.
    this.#p.counters.noteStatementSite(this.#p.jobs.context, typeof config === 'string' ? config : config?.text);
    // Through `connect`, as pg-pool does, so a subclass's own connect() is used.
    let connecting: Promise<PoolClient>;
    connectingForQuery = true;
    try {
      connecting = this.connect() as Promise<PoolClient>;
    } finally {
      connectingForQuery = false;
    }
    const promise = connecting.then((client) =>
      (client.query(config, params) as Promise<QueryResult | QueryResult[]>).then(
        (res) => {
          client.release();
          return res;
        },
        (err: Error) => {
          // pg-pool passes the query error to release, which destroys the client.
          client.release(err);
          throw err;
        },
      ),
    );
    if (!callback) return promise;
    promise.then(
      (r) => callback(null, r),
      (e: Error) => callback(e),
    );
  }

  end(): Promise<void> {
    this.ending = true;
    for (const c of this.#idle.splice(0)) this.#remove(c);
    return this.#p.Promise.resolve();
  }

  /** Hands idle clients to waiters first-come first-served, or opens new ones while below max. */
  #pulse(): void {
    while (this.#waiting.length) {
      const idle = this.#idle.pop();
      if (idle) {
        leaseOf(idle).idleTimer++;
        this.#hand(idle, this.#waiting.shift() as Waiter);
        continue;
      }
      if (this.#clients.size >= this.options.max) break;
      this.#open(this.#waiting.shift() as Waiter);
    }
    this.#changed();
  }

  #open(waiter: Waiter): void {
    if (waiter.span !== undefined) waiter.span.attributes = { newConnection: true };
    const client = new PoolClient(this.#p, this.#server);
    this.#clients.add(client);
    client.connect((err) => {
      if (err) {
        this.#clients.delete(client);
        this.#changed();
        waiter.reject(err);
        this.#pulse();
        return;
      }
      this.emit('connect', client);
      this.#hand(client, waiter);
    });
  }

  #hand(client: PoolClient, waiter: Waiter): void {
    if (waiter.timedOut) {
      this.#toIdle(client);
      return;
    }
    const lease = leaseOf(client);
    lease.released = false;
    lease.checkedOut = true;
    lease.holder = waiter.context;
    lease.site = waiter.site;
    client.release = (err?: Error | boolean) => this.#release(client, err);
    const span = waiter.span;
    if (span !== undefined) {
      const nowMs = this.#p.loop.now();
      if (nowMs > waiter.sinceMs) span.endMs = nowMs;
      else traceOf(waiter.context)?.remove(span);
    }
    this.emit('acquire', client);
    this.#changed();
    waiter.resolve(client);
  }

  #release(client: PoolClient, err?: Error | boolean): void {
    const lease = leaseOf(client);
    if (lease.released) throw new Error('Release called on client which has already been released to the pool.');
    lease.released = true;
    lease.checkedOut = false;
    lease.holder = undefined;
    lease.site = undefined;
    if (client.txStatus !== 'I') this.#registry.releasedInTransaction?.(client);
    this.emit('release', err, client);
    if (err || this.ending || client.ended) {
      this.#remove(client);
      this.#pulse();
      return;
    }
    this.#toIdle(client);
  }

  #toIdle(client: PoolClient): void {
    const lease = leaseOf(client);
    lease.released = true;
    this.#idle.push(client);
    const idleMs = this.options.idleTimeoutMillis;
    if (idleMs > 0) {
      const generation = ++lease.idleTimer;
      this.#p.loop.post(this.#p.loop.now() + idleMs, () => {
        if (lease.idleTimer !== generation) return;
        const i = this.#idle.indexOf(client);
        if (i >= 0) {
          this.#idle.splice(i, 1);
          this.#remove(client);
          this.#changed();
        }
      });
    }
    this.#pulse();
  }

  #remove(client: PoolClient): void {
    this.#clients.delete(client);
    client.close();
    this.emit('remove', client);
  }

  #changed(): void {
    this.#registry.changed();
  }
}
hardenPlatform(Pool);
