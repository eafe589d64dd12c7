/**
 * The database server as the service sees it over the network: a limited number of cores
 * that queries queue for and Postgres's `max_connections` (both in DatabaseHost, shared by
 * every instance of the service), a round trip per query and a cost to open a connection.
 * Query results come from the real Postgres (PGlite) in `Database`; their virtual duration
 * comes from its deterministic cost model, never from the host.
 */
import type { DatabaseSpec } from '../../scenario/types.ts';
import type { Platform } from '../platform.ts';
import type { Database, QueryOutcome } from './database/database.ts';
import { DatabaseHost, type ServerStatement } from './database/database-host.ts';
import { type SpanRecord, traceOf } from '../trace-log.ts';

/** Round trip between service and database in the same zone (STACK-FACTS: ≈0.5 ms). */
export const DB_RTT_MS_DEFAULT = 0.5;
/** Opening a connection: TCP, startup and auth messages, and forking a backend. */
export const CONNECT_MS_DEFAULT = 3;
export { DB_CORES_DEFAULT, MAX_CONNECTIONS_DEFAULT } from './database/database-host.ts';

/**
 * One instance's side of the network to the database: round trips, connection set-up and
 * attribution of queries to requests. The server's cores and max_connections are the
 * DatabaseHost's, shared with every other instance.
 */
export class DbServer {
  readonly rttMs: number;
  readonly connectMs: number;

  constructor(
    private readonly p: Platform,
    readonly db: Database,
    spec: DatabaseSpec,
    private readonly host = new DatabaseHost(spec, p.kernel),
  ) {
    this.rttMs = spec.rttMs ?? DB_RTT_MS_DEFAULT;
    this.connectMs = CONNECT_MS_DEFAULT;
  }

  /**
   * Opens a connection; `done(error?)` runs as a main-thread task after the handshake.
   * Beyond max_connections the server refuses, as Postgres does.
   */
  connect(done: (err?: Error) => void): void {
    const loop = this.p.loop;
    const atMs = loop.now() + this.connectMs + this.rttMs;
    if (!this.host.admit()) {
      loop.post(atMs, () => done(pgError('sorry, too many clients already', '53300', 'FATAL')));
      return;
    }
    loop.post(atMs, () => done());
  }

  disconnect(): void {
    this.host.release();
  }

  /** Connections open at the server, from every instance. */
  get connections(): number {
    return this.host.connections;
  }

  /**
   * Sends one statement. It runs on the real database now (host work the kernel awaits),
   * reaches the server after half a round trip, waits for a core, occupies it for its
   * modelled service time, and its result reaches the service half a round trip later.
   */
  query(sql: string, params: unknown[], done: (outcome: QueryOutcome) => void): void {
    const { kernel, loop, jobs } = this.p;
    this.p.counters.noteQuery(jobs.context, sql);
    const context = jobs.context;
    const span = traceOf(context)?.open('db.query', sql, loop.now());
    const statement: ServerStatement = {
      outcome: undefined,
      finished: (outcome) => {
        if (span !== undefined) this.endQuerySpan(span, outcome);
        loop.post(kernel.nowMs + this.rttMs / 2, () => done(outcome), context);
      },
    };
    const now = this.db.answerNow(sql, params);
    if (now) statement.outcome = now;
    else
      kernel.awaitHost(
        this.db.execute(sql, params).then((o) => {
          statement.outcome = o;
        }),
      );
    kernel.at(loop.now() + this.rttMs / 2, () => this.host.arrive(statement));
  }

  /**
   * Sends several statements in one simple-protocol query: one round trip, and one core
   * busy for the sum of their service times. Each statement counts as a query of the
   * request, as it would in the database's statistics. `done` gets each statement's
   * outcome up to the first failure.
   */
  simpleQuery(statements: readonly string[], done: (outcomes: QueryOutcome[]) => void): void {
    const { kernel, loop, jobs } = this.p;
    const context = jobs.context;
    for (let i = 0; i < statements.length; i++) this.p.counters.noteQuery(context, statements[i]);
    let outcomes: QueryOutcome[] = [];
    const span = traceOf(context)?.open('db.query', statements.join(';\n'), loop.now(), { statements: statements.length });
    const statement: ServerStatement = {
      outcome: undefined,
      // The server may refuse the whole query (overloaded) with an outcome of its own.
      finished: (outcome) => {
        if (span !== undefined) this.endQuerySpan(span, outcome);
        loop.post(kernel.nowMs + this.rttMs / 2, () => done(outcome === statement.outcome ? outcomes : [outcome]), context);
      },
    };
    kernel.awaitHost(
      this.db.executeSimple(statements).then((o) => {
        outcomes = o;
        statement.outcome = combined(o);
      }),
    );
    kernel.at(loop.now() + this.rttMs / 2, () => this.host.arrive(statement));
  }

  /**
   * Closes a query's span as the server finishes it: the answer is back half a round trip
   * later; what is left of the time at the server beyond its service time was the wait for a core.
   */
  private endQuerySpan(span: SpanRecord, outcome: QueryOutcome): void {
    const finishMs = this.p.kernel.nowMs;
    const atServerMs = span.startMs + this.rttMs / 2;
    span.endMs = finishMs + this.rttMs / 2;
    const attributes = span.attributes ?? {};
    attributes.dbQueueMs = Math.max(0, finishMs - outcome.serviceMs - atServerMs);
    attributes.dbExecMs = outcome.serviceMs;
    if (outcome.ok) attributes.rows = outcome.rowCount;
    else attributes.error = outcome.error.message;
    span.attributes = attributes;
  }
}

/** What the server spends on a simple query: the last outcome, for the time of all of them. */
function combined(outcomes: readonly QueryOutcome[]): QueryOutcome {
  const serviceMs = outcomes.reduce((sum, o) => sum + o.serviceMs, 0);
  return { ...outcomes[outcomes.length - 1], serviceMs };
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
