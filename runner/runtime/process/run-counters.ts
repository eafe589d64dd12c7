/**
 * Counters and gauges the platform modules update as the run goes; the metrics collector
 * reads them into per-second buckets. Plain fields: they are on the hot path.
 */
import { isRequestContext } from '../platform.ts';

export class RunCounters {
  dbQueries = 0;
  downstreamCalls = 0;
  downstreamAttempts = 0;
  poolInUse = 0;
  poolWaiting = 0;
  poolInUseMax = 0;
  poolWaitingMax = 0;
  threadPoolQueued = 0;
  threadPoolQueueMax = 0;

  notePool(inUse: number, waiting: number): void {
    this.poolInUse = inUse;
    this.poolWaiting = waiting;
    if (inUse > this.poolInUseMax) this.poolInUseMax = inUse;
    if (waiting > this.poolWaitingMax) this.poolWaitingMax = waiting;
  }

  noteThreadPoolQueue(queued: number): void {
    this.threadPoolQueued = queued;
    if (queued > this.threadPoolQueueMax) this.threadPoolQueueMax = queued;
  }

  /**
   * Statements sent per route, by SQL text: what an N+1 looks like from the database (one
   * text, once per item). Kept for the run's diagnosis.
   */
  readonly statementsByRoute = new Map<string, Map<string, number>>();

  /**
   * Per route, where in the service each statement text was first asked for (the stack of
   * that call), for the diagnosis to name the line of a repeated statement.
   */
  readonly statementSites = new Map<string, Map<string, Error>>();

  /** The service asks for `sql` now (its code is on the stack): keep where, the first time. */
  noteStatementSite(context: unknown, sql: unknown): void {
    if (!isRequestContext(context) || typeof sql !== 'string') return;
    let sites = this.statementSites.get(context.route);
    if (!sites) this.statementSites.set(context.route, (sites = new Map()));
    if (sites.size < STATEMENT_SITES_MAX && !sites.has(sql)) sites.set(sql, new Error('query'));
  }

  /** Per host, where the service sent a request's second and later attempts (the first few). */
  readonly retrySites = new Map<string, Error[]>();

  /** A request called `host` again (its code is on the stack): keep where, the first few times. */
  noteRetrySite(host: string): void {
    let sites = this.retrySites.get(host);
    if (!sites) this.retrySites.set(host, (sites = []));
    if (sites.length < RETRY_SITES_MAX) sites.push(new Error('retry'));
  }

  /** One query sent, attributed to the request whose code sent it. */
  noteQuery(context: unknown, sql: string): void {
    this.dbQueries++;
    if (!isRequestContext(context)) return;
    context.dbQueries++;
    let texts = this.statementsByRoute.get(context.route);
    if (!texts) this.statementsByRoute.set(context.route, (texts = new Map()));
    texts.set(sql, (texts.get(sql) ?? 0) + 1);
  }

  /**
   * Downstream calls sent with no signal to bound them (no timeout, no abort), per host:
   * those that have not settled, and the slowest that did. Kept for the run's diagnosis.
   */
  readonly unboundedCalls = new Map<string, UnboundedCalls>();

  /**
   * An unbounded call to `host` was sent. Where it was made is taken (a stack costs microseconds)
   * only for the first UNBOUNDED_SITES_KEPT calls to each host: those show the lines that make
   * such calls; the rest are counted.
   */
  unboundedCallSent(host: string, sentMs: number): UnboundedCall {
    let u = this.unboundedCalls.get(host);
    if (!u) this.unboundedCalls.set(host, (u = { pending: new Set(), settled: 0, slowestMs: 0, sites: [] }));
    if (u.sites.length < UNBOUNDED_SITES_KEPT) u.sites.push(new Error('fetch'));
    const call: UnboundedCall = { host, sentMs };
    u.pending.add(call);
    return call;
  }

  /** That call settled after `ms`. */
  unboundedCallSettled(call: UnboundedCall, ms: number): void {
    const u = this.unboundedCalls.get(call.host);
    if (!u?.pending.delete(call)) return;
    u.settled++;
    if (ms > u.slowestMs) u.slowestMs = ms;
  }

  /** Resets the per-bucket maxima to the current values at the start of a bucket. */
  resetMaxima(): void {
    this.poolInUseMax = this.poolInUse;
    this.poolWaitingMax = this.poolWaiting;
    this.threadPoolQueueMax = this.threadPoolQueued;
  }
}

/** Retry sites kept per host. */
const RETRY_SITES_MAX = 16;

/** Statement texts per route whose call site is kept (an N+1 shows in its first ones). */
const STATEMENT_SITES_MAX = 256;

/** Sites kept per host for the diagnosis: the first calls'. */
const UNBOUNDED_SITES_KEPT = 8;

export interface UnboundedCall {
  host: string;
  sentMs: number;
}

export interface UnboundedCalls {
  /** Sent and not settled yet. */
  pending: Set<UnboundedCall>;
  settled: number;
  slowestMs: number;
  /** Where the first calls were made. */
  sites: Error[];
}
