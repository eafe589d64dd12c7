/**
 * The two runs the downstream model is checked on against queueing theory: what they give is
 * tested in downstream.test.ts, how long they take is measured by `npm run bench`. Kept in one
 * place so the bench times exactly the runs the test checks.
 */
import type { DownstreamSpec } from '../../runner/scenario/types.ts';

export interface PoissonRunSpec {
  spec: DownstreamSpec;
  ratePerSec: number;
  arrivals: number;
  seed: number;
}

/** M/M/1, service mean 10 ms at 80 arrivals/s: rho = 0.8. */
export const MM1_RUN: PoissonRunSpec = {
  spec: { host: 'mm1.internal', concurrency: 1, queueLimit: Infinity, serviceTime: { kind: 'exponential', meanMs: 10 } },
  ratePerSec: 80,
  arrivals: 1_600_000,
  seed: 20260105,
};

/** M/M/c, c = 10, service mean 50 ms at 150 arrivals/s: offered load 7.5. */
export const MMC_RUN: PoissonRunSpec = {
  spec: { host: 'mmc.internal', concurrency: 10, queueLimit: Infinity, serviceTime: { kind: 'exponential', meanMs: 50 } },
  ratePerSec: 150,
  arrivals: 600_000,
  seed: 77,
};
