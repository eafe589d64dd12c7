/**
 * Several instances of an M/M/1 service behind the load balancer. Each instance's main
 * thread is its one server: the handler spends an exponential amount of CPU (pbkdf2Sync with
 * an exponential number of iterations, whose cost is linear in them), so requests queue for
 * the event loop in arrival order. With N instances and Poisson arrivals at rate λ:
 *
 * - `random` splits a Poisson stream into N Poisson streams at λ/N: N independent M/M/1
 *   queues, W = 1 / (μ − λ/N).
 * - `round-robin` gives each instance every N-th arrival: Erlang-N gaps, an E_N/M/1 queue.
 *   GI/M/1 theory: W = 1 / (μ(1 − σ)), σ the root in (0, 1) of σ = A*(μ(1 − σ)), with the
 *   gaps' Laplace transform A*(s) = (λ / (λ + s))^N. More regular arrivals, shorter waits.
 *
 * Standard errors: as in full-stack.test.ts, SE(W) × √n ≈ 0.32 × √1.6e6 for M/M/1 at
 * ρ = 0.8 and a 10 ms mean, measured by batch means; the mean over N independent instances
 * of n/N requests each has the same SE as one queue of n. E_N/M/1 varies less, so the M/M/1
 * figure is a safe bound for it.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../runner/run.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
import { PBKDF2_ITERATION_MS } from '../../runner/runtime/modules/crypto/kdf.ts';
import type { ReplicaSpec, ScenarioDefinition } from '../../runner/scenario/types.ts';
import { littleGap } from '../helpers/run-fixture.ts';

const SERVICE_MEAN_MS = 10;
const REPLICAS = 4;
/** ρ = 0.8 on each instance. */
const RATE_PER_SEC = 320;
const MEAN_ITERATIONS = SERVICE_MEAN_MS / PBKDF2_ITERATION_MS.sha256;

/** A service whose every request costs exponential CPU on its main thread. */
const CPU_SERVICE = `
import { pbkdf2Sync } from 'node:crypto';
export default async function routes(app: any) {
  app.get('/work', async () => {
    const iterations = Math.max(1, Math.round(-Math.log(1 - Math.random()) * ${MEAN_ITERATIONS}));
    pbkdf2Sync('password', 'salt', iterations, 32, 'sha256');
    return '';
  });
}
`;

function replicated(replicas: ReplicaSpec, durationMs: number): ScenarioDefinition {
  return {
    id: `m-m-1-x${replicas.count}`,
    platform: { requestOverheadMs: 0, replicas },
    load: {
      durationMs,
      arrivals: { kind: 'constant', ratePerSec: RATE_PER_SEC },
      mix: [{ route: 'GET /work', weight: 1, build: () => ({ method: 'GET', path: '/work' }) }],
      clientTimeoutMs: 0,
    },
    slos: [],
  };
}

/** E_N/M/1: σ from its fixed point, then W. Rates per millisecond. */
function erlangArrivalsW(n: number, lambdaPerMs: number, muPerMs: number): number {
  let sigma = 0.5;
  for (let k = 0; k < 10_000; k++) sigma = (lambdaPerMs / (lambdaPerMs + muPerMs * (1 - sigma))) ** n;
  return 1 / (muPerMs * (1 - sigma));
}

const seW = (n: number) => (0.32 * Math.sqrt(1.6e6)) / Math.sqrt(n);

describe(`${REPLICAS} instances of an M/M/1 service (10 ms, ρ = 0.8 each)`, () => {
  it('random balancing: N independent M/M/1 queues at λ/N, W = 50 ms', async () => {
    const s = await runScenario(replicated({ count: REPLICAS, balancer: 'random' }, 600_000), {
      ...nodeHost(),
      code: CPU_SERVICE,
      seed: 21,
    });
    const n = s.requests.completed;
    expect(n).toBeGreaterThan(180_000);
    expect(s.requests.errors + s.requests.timeouts).toBe(0);
    // W = 1 / (μ − λ/N) = 1 / (100 − 80) s.
    expect(Math.abs(s.requests.latencyMeanMs - 50)).toBeLessThan(3 * seW(n));
    expect(littleGap(s)).toBeLessThan(0.01);
    expect(s.replicas?.map((r) => r.replica)).toEqual([1, 2, 3, 4]);
  });

  it('round robin: each instance an E_N/M/1 queue, which waits less than M/M/1', async () => {
    const s = await runScenario(replicated({ count: REPLICAS, balancer: 'round-robin' }, 600_000), {
      ...nodeHost(),
      code: CPU_SERVICE,
      seed: 22,
    });
    const n = s.requests.completed;
    const exact = erlangArrivalsW(REPLICAS, RATE_PER_SEC / 1000, 1 / SERVICE_MEAN_MS);
    expect(exact).toBeCloseTo(32.67, 2);
    expect(Math.abs(s.requests.latencyMeanMs - exact)).toBeLessThan(3 * seW(n));
    // Far from M/M/1's 50 ms: the test tells round robin from random.
    expect(50 - s.requests.latencyMeanMs).toBeGreaterThan(6 * seW(n));
    // Every instance gets every fourth request.
    for (const r of s.replicas ?? []) expect(Math.abs(r.requests - s.requests.arrivals / REPLICAS)).toBeLessThan(1);
  });
});
