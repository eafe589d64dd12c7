/**
 * The counters of several instances of the service read as one, for the per-second series
 * and the summary: counts are summed; a bucket's peak is the sum of each instance's peak in
 * it (an upper bound on the fleet's peak, exact when the peaks coincide). Per-instance
 * figures are in the summary's `replicas`.
 */
import type { RunCounters } from '../runtime/process/run-counters.ts';

/** What the collector and the summary read of the platform's counters. */
export interface CounterReadings {
  readonly dbQueries: number;
  readonly downstreamCalls: number;
  readonly downstreamAttempts: number;
  readonly poolInUseMax: number;
  readonly poolWaitingMax: number;
  readonly threadPoolQueueMax: number;
  resetMaxima(): void;
}

export class FleetCounters implements CounterReadings {
  constructor(private readonly parts: readonly RunCounters[]) {}

  get dbQueries(): number {
    return this.sum((c) => c.dbQueries);
  }

  get downstreamCalls(): number {
    return this.sum((c) => c.downstreamCalls);
  }

  get downstreamAttempts(): number {
    return this.sum((c) => c.downstreamAttempts);
  }

  get poolInUseMax(): number {
    return this.sum((c) => c.poolInUseMax);
  }

  get poolWaitingMax(): number {
    return this.sum((c) => c.poolWaitingMax);
  }

  get threadPoolQueueMax(): number {
    return this.sum((c) => c.threadPoolQueueMax);
  }

  resetMaxima(): void {
    for (const c of this.parts) c.resetMaxima();
  }

  private sum(of: (c: RunCounters) => number): number {
    let total = 0;
    for (const c of this.parts) total += of(c);
    return total;
  }
}

/** One instance's counters as they are; several, summed. */
export function countersOf(parts: readonly RunCounters[]): CounterReadings {
  return parts.length === 1 ? parts[0] : new FleetCounters(parts);
}
