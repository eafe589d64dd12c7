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

  /** One query sent, attributed to the request whose code sent it. */
  noteQuery(context: unknown): void {
    this.dbQueries++;
    if (isRequestContext(context)) context.dbQueries++;
  }

  /** Resets the per-bucket maxima to the current values at the start of a bucket. */
  resetMaxima(): void {
    this.poolInUseMax = this.poolInUse;
    this.poolWaitingMax = this.poolWaiting;
    this.threadPoolQueueMax = this.threadPoolQueued;
  }
}
