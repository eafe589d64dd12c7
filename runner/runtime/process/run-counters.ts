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

  /** One query sent, attributed to the request whose code sent it. */
  noteQuery(context: unknown, sql: string): void {
    this.dbQueries++;
    if (!isRequestContext(context)) return;
    context.dbQueries++;
    let texts = this.statementsByRoute.get(context.route);
    if (!texts) this.statementsByRoute.set(context.route, (texts = new Map()));
    texts.set(sql, (texts.get(sql) ?? 0) + 1);
  }

  /** Resets the per-bucket maxima to the current values at the start of a bucket. */
  resetMaxima(): void {
    this.poolInUseMax = this.poolInUse;
    this.poolWaitingMax = this.poolWaiting;
    this.threadPoolQueueMax = this.threadPoolQueued;
  }
}
