/**
 * Per-instance gauges when the service runs as several instances: how the balancer spread
 * the requests, each one's worst event-loop delay and pool use, and its leaked clients.
 */
import type { ReplicaStats } from '../summary-schema.ts';
import type { Platform } from '../runtime/platform.ts';
import type { LoadBalancer } from '../load/balancer.ts';
import type { LoadedService } from '../sandbox/load-service.ts';

export class FleetGauges {
  private readonly loopDelayMaxMs: number[];
  private readonly poolInUseMax: number[];

  constructor(private readonly replicas: readonly Platform[]) {
    this.loopDelayMaxMs = replicas.map(() => 0);
    this.poolInUseMax = replicas.map(() => 0);
  }

  loopDelay(replica: number, delayMs: number): void {
    if (delayMs > this.loopDelayMaxMs[replica]) this.loopDelayMaxMs[replica] = delayMs;
  }

  /** Folds each instance's pool peak of the bucket now closing into its peak of the run. */
  notePeaks(): void {
    this.replicas.forEach((p, i) => {
      if (p.counters.poolInUseMax > this.poolInUseMax[i]) this.poolInUseMax[i] = p.counters.poolInUseMax;
    });
  }

  stats(balancer: LoadBalancer, services: readonly LoadedService[]): ReplicaStats[] {
    return this.replicas.map((_, i) => ({
      replica: i + 1,
      requests: balancer.handled[i],
      eventLoopDelayMaxMs: Math.round(this.loopDelayMaxMs[i] * 1000) / 1000,
      poolInUseMax: this.poolInUseMax[i],
      leakedClients: services[i].leakedClients(),
    }));
  }
}
