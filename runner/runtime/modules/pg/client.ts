/**
 * node-postgres's `Client`: one connection, queries queued and sent one at a time, and the
 * connection's transaction status tracked as Postgres reports it ('I' idle, 'T' in a
 * transaction, 'E' in a failed transaction, where every statement but ROLLBACK fails).
 * A query without values goes on the simple protocol as in node-postgres, so one text may
 * hold several statements (`BEGIN; UPDATE …; COMMIT`), answered with an array of results.
 */
import type { Platform } from '../../platform.ts';
import type { QueryOutcome, QuerySuccess } from '../../remote/database/database.ts';
import { Database } from '../../remote/database/database.ts';
import { pgError, type DbServer } from '../../remote/db-server.ts';
import { Emitter } from './emitter.ts';
import { hardenPlatform } from '../../harden-platform.ts';

export interface QueryResult {
  command: string;
  rowCount: number;
  rows: Record<string, unknown>[];
  fields: { name: string; dataTypeID: number }[];
  oid: null;
}

type Callback = (err: Error | null, res?: QueryResult | QueryResult[]) => void;

interface Queued {
  text: string;
  values: unknown[];
  /**
   * The statements of a query node-postgres sends on the simple protocol, when there are
   * several: they run as one query, and it resolves to an array of results, one per statement.
   */
  statements?: string[];
  resolve: (r: QueryResult | QueryResult[]) => void;
  reject: (e: Error) => void;
}

/** What `query` accepts as its first argument (the node-postgres QueryConfig subset). */
export interface QueryConfig {
  text: string;
  values?: unknown[];
  /** A prepared statement's name: it always goes on the extended protocol. */
  name?: string;
  /** Rows per portal execution: extended protocol. */
  rows?: number;
  /** 'extended' forces the extended protocol even without values. */
  queryMode?: 'extended';
}

/** Queries one client may have queued: node-postgres has no limit; a leak should not eat memory. */
const CLIENT_QUEUE_MAX = 10_000;

/**
 * What the service holds is this object, so everything of the simulator it works with (the
 * platform, the server, the queue and the connection's state) is in private fields.
 */
export class PgClient extends Emitter {
  #txStatus: 'I' | 'T' | 'E' = 'I';
  #connected = false;
  #ended = false;
  #active = false;
  readonly #queue: Queued[] = [];
  readonly #p: Platform;
  readonly #server: DbServer;

  constructor(p: Platform, server: DbServer) {
    super();
    this.#p = p;
    this.#server = server;
  }

  /** 'I' idle, 'T' in transaction, 'E' failed transaction (Postgres's ReadyForQuery status). */
  get txStatus(): 'I' | 'T' | 'E' {
    return this.#txStatus;
  }

  get ended(): boolean {
    return this.#ended;
  }

  connect(cb?: (err: Error | null) => void): Promise<void> | void {
    const promise = new this.#p.Promise<void>((resolve, reject) => {
      if (this.#connected || this.#ended) {
        reject(new Error('Client has already been connected. You cannot reuse a client.'));
        return;
      }
      this.#server.connect((err) => {
        if (err) {
          this.#ended = true;
          reject(err);
        } else {
          this.#connected = true;
          resolve();
        }
      });
    });
    if (!cb) return promise;
    promise.then(
      () => cb(null),
      (e: Error) => cb(e),
    );
  }

  query(config: string | QueryConfig, values?: unknown[] | Callback, cb?: Callback): Promise<QueryResult | QueryResult[]> | void {
    const text = typeof config === 'string' ? config : config?.text;
    this.#p.counters.noteStatementSite(this.#p.jobs.context, text);
    let params = typeof config === 'object' && config?.values ? config.values : [];
    let callback = cb;
    if (typeof values === 'function') callback = values;
    else if (Array.isArray(values)) params = values;
    const promise = new this.#p.Promise<QueryResult | QueryResult[]>((resolve, reject) => {
      if (typeof text !== 'string') {
        reject(new TypeError('Client was passed a null or undefined query'));
        return;
      }
      if (!this.#connected || this.#ended) {
        reject(new Error(this.#ended ? 'Client was closed and is not queryable' : 'Client has not been connected: call connect() first'));
        return;
      }
      if (this.#queue.length >= CLIENT_QUEUE_MAX) {
        reject(new Error(`More than ${CLIENT_QUEUE_MAX} queries queued on one client.`));
        return;
      }
      const statements = onSimpleProtocol(config, params) ? Database.statementsOf(text) : [];
      this.#queue.push({ text, values: params.map(toParam), statements: statements.length > 1 ? statements : undefined, resolve, reject });
      this.#pump();
    });
    if (!callback) return promise;
    const done = callback;
    promise.then(
      (r) => done(null, r),
      (e: Error) => done(e),
    );
  }

  end(): Promise<void> {
    return new this.#p.Promise<void>((resolve) => {
      this.close();
      resolve();
    });
  }

  /** Closes the connection at once (used by the pool when it removes a client). */
  close(): void {
    if (this.#connected && !this.#ended) this.#server.disconnect();
    this.#ended = true;
    this.#connected = false;
    for (const q of this.#queue.splice(0)) q.reject(new Error('Connection terminated'));
  }

  #pump(): void {
    if (this.#active) return;
    const q = this.#queue.shift();
    if (!q) return;
    this.#active = true;
    const control = Database.isTransactionControl(q.statements ? q.statements[0] : q.text);
    if (this.#txStatus === 'E' && control !== 'ROLLBACK' && control !== 'COMMIT' && control !== 'ROLLBACK TO') {
      this.#server.query('SELECT 1', [], () =>
        this.#settle(q, failed(pgError('current transaction is aborted, commands ignored until end of transaction block', '25P02'))),
      );
      return;
    }
    if (q.statements) this.#server.simpleQuery(q.statements, (outcomes) => this.#settleSimple(q, q.statements as string[], outcomes));
    else this.#server.query(q.text, q.values, (outcome) => this.#settle(q, outcome, control));
  }

  /**
   * A simple-protocol query of several statements: the transaction status follows each
   * statement that ran, and the query fails with the first error, as node-postgres reports it.
   */
  #settleSimple(q: Queued, statements: string[], outcomes: QueryOutcome[]): void {
    const results: QueryResult[] = [];
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i];
      if (!outcome.ok) {
        this.#settle(q, outcome);
        return;
      }
      // Past the statements sent, an outcome is the server's own refusal, handled above.
      this.#trackTransaction(Database.isTransactionControl(statements[i] ?? ''));
      results.push(resultOf(outcome));
    }
    this.#active = false;
    q.resolve(results);
    this.#pump();
  }

  #settle(q: Queued, outcome: QueryOutcome | Failed, control?: string | null): void {
    this.#active = false;
    if (!outcome.ok) {
      if (this.#txStatus === 'T') this.#txStatus = 'E';
      const e =
        'err' in outcome ? outcome.err : pgError(outcome.error.message, outcome.error.code, outcome.error.severity, outcome.error.position);
      q.reject(e);
    } else {
      this.#trackTransaction(control);
      q.resolve(resultOf(outcome));
    }
    this.#pump();
  }

  #trackTransaction(control: string | null | undefined): void {
    if (control === 'BEGIN') this.#txStatus = 'T';
    else if (control === 'COMMIT' || control === 'ROLLBACK') this.#txStatus = 'I';
    else if (control === 'ROLLBACK TO' && this.#txStatus === 'E') this.#txStatus = 'T';
  }
}
hardenPlatform(PgClient);

interface Failed {
  ok: false;
  err: Error;
}

function failed(err: Error): Failed {
  return { ok: false, err };
}

function resultOf(outcome: QuerySuccess): QueryResult {
  return { command: outcome.command, rowCount: outcome.rowCount, rows: outcome.rows, fields: outcome.fields, oid: null };
}

/**
 * node-postgres's rule (Query#requiresPreparation): a query without values, unless named,
 * limited to `rows` or in 'extended' mode, goes on the simple protocol, where one text may
 * hold several statements.
 */
function onSimpleProtocol(config: string | QueryConfig, params: readonly unknown[]): boolean {
  if (params.length > 0) return false;
  return typeof config === 'string' || !(config.name || config.rows || config.queryMode === 'extended');
}

/** node-postgres sends Dates as ISO strings and objects as JSON. */
function toParam(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) return JSON.stringify(v);
  return v;
}
