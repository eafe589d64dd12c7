/**
 * The database server as the service sees it over the network: a limited number of cores
 * that queries queue for, Postgres's `max_connections`, a round trip per query and a cost to
 * open a connection. Query results come from the real Postgres (PGlite) in `Database`;
 * their virtual duration comes from its deterministic cost model, never from the host.
 */
import type { DatabaseSpec } from '../../types.ts';
import type { Platform } from '../platform.ts';
import type { Database, QueryOutcome } from '../db/database.ts';
import { Fifo } from '../../sim/fifo.ts';

/** Round trip between service and database in the same zone (STACK-FACTS: ≈0.5 ms). */
export const DEFAULT_DB_RTT_MS = 0.5;
/** Opening a connection: TCP, startup and auth messages, and forking a backend. */
export const DEFAULT_CONNECT_MS = 3;
/** Cores of the database server. */
export const DEFAULT_DB_CORES = 4;
/** Postgres's default `max_connections`. */
export const DEFAULT_MAX_CONNECTIONS = 100;
/** Queries waiting for a core beyond this fail: a limit on memory, far above any sane load. */
const MAX_CORE_QUEUE = 100_000;

interface PendingQuery {
  outcome: QueryOutcome | undefined;
  done: (outcome: QueryOutcome) => void;
  /** The request that sent it: its continuation runs in that async context. */
  context: unknown;
}

export class DbServer {
  readonly rttMs: number;
  readonly connectMs: number;
  readonly cores: number;
  readonly maxConnections: number;
  connections = 0;
  private busyCores = 0;
  private readonly coreQueue = new Fifo<PendingQuery>();

  constructor(
    private readonly p: Platform,
    readonly db: Database,
    spec: DatabaseSpec,
  ) {
    this.rttMs = spec.rttMs ?? DEFAULT_DB_RTT_MS;
    this.connectMs = DEFAULT_CONNECT_MS;
    this.cores = spec.cores ?? DEFAULT_DB_CORES;
    this.maxConnections = spec.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  }

  /**
   * Opens a connection; `done(error?)` runs as a main-thread task after the handshake.
   * Beyond max_connections the server refuses, as Postgres does.
   */
  connect(done: (err?: Error) => void): void {
    const loop = this.p.loop;
    const atMs = loop.now() + this.connectMs + this.rttMs;
    if (this.connections >= this.maxConnections) {
      loop.post(atMs, () => done(pgError('sorry, too many clients already', '53300', 'FATAL')));
      return;
    }
    this.connections++;
    loop.post(atMs, () => done());
  }

  disconnect(): void {
    this.connections--;
  }

  /**
   * Sends one statement. It runs on the real database now (host work the kernel awaits),
   * reaches the server after half a round trip, waits for a core, occupies it for its
   * modelled service time, and its result reaches the service half a round trip later.
   */
  query(sql: string, params: unknown[], done: (outcome: QueryOutcome) => void): void {
    const { kernel, loop, jobs } = this.p;
    this.p.counters.noteQuery(jobs.context);
    const pending: PendingQuery = { outcome: undefined, done, context: jobs.context };
    const now = this.db.answerNow(sql, params);
    if (now) pending.outcome = now;
    else kernel.awaitHost(this.db.execute(sql, params).then((o) => { pending.outcome = o; }));
    kernel.at(loop.now() + this.rttMs / 2, () => this.arrive(pending));
  }

  private arrive(q: PendingQuery): void {
    if (this.busyCores < this.cores) this.start(q);
    else if (this.coreQueue.length < MAX_CORE_QUEUE) this.coreQueue.push(q);
    else this.finish(q, { ok: false, error: { message: 'the database is overloaded', code: '53000' }, serviceMs: 0 });
  }

  private start(q: PendingQuery): void {
    this.busyCores++;
    const outcome = q.outcome as QueryOutcome;
    this.p.kernel.at(this.p.kernel.nowMs + outcome.serviceMs, () => {
      this.busyCores--;
      const next = this.coreQueue.shift();
      if (next) this.start(next);
      this.finish(q, outcome);
    });
  }

  private finish(q: PendingQuery, outcome: QueryOutcome): void {
    this.p.loop.post(this.p.kernel.nowMs + this.rttMs / 2, () => q.done(outcome), q.context);
  }
}

/** An Error shaped like node-postgres's DatabaseError. */
export function pgError(message: string, code?: string, severity = 'ERROR', position?: string): Error {
  const err = new Error(message) as Error & Record<string, unknown>;
  err.name = 'error';
  err.severity = severity;
  err.code = code;
  if (position) err.position = position;
  return err;
}
