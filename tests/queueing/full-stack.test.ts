/**
 * Queueing theory through the whole runner (load generator, HTTP layer, event loop, fetch,
 * downstream), not just the downstream model: if any layer added time it should not, or
 * lost requests, these means and tails would move.
 *
 * Tolerances are ±4 standard errors. Sojourn times in a queue are strongly correlated, so
 * the standard error is not σ/√n: it was measured by batch means (40 batches) and across 16
 * independent seeds on 1.6 M arrivals, giving SE(W) ≈ 0.32 ms and SE(p99) ≈ 4.3 ms for M/M/1
 * at ρ = 0.8; both scale as 1/√n. The platform's own costs here (0.05 ms of fetch CPU and
 * microseconds of promise jobs per request) are far inside these bands.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../runner/run.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
import { FORWARDING_SERVICE, textbookQueue } from './textbook.ts';
import { littleGap } from '../helpers/run-fixture.ts';

const seFor = (sePerRootN: number, n: number) => sePerRootN / Math.sqrt(n);
// SE × √n from the measured values above.
const MM1_W_SE_ROOT_N = 0.32 * Math.sqrt(1.6e6);
const MM1_P99_SE_ROOT_N = 4.3 * Math.sqrt(1.6e6);

describe('M/M/1 through the full stack (service mean 10 ms, ρ = 0.8)', () => {
  it('mean latency 50 ms, p99 230.26 ms, and Little’s law', async () => {
    const def = textbookQueue({ servers: 1, serviceMeanMs: 10, ratePerSec: 80, durationMs: 5_000_000 });
    const s = await runScenario(def, { ...nodeHost(), code: FORWARDING_SERVICE, seed: 11 });
    const n = s.requests.completed;
    expect(n).toBeGreaterThan(380_000);
    expect(s.requests.errors + s.requests.timeouts).toBe(0);
    const seW = seFor(MM1_W_SE_ROOT_N, n);
    const seP99 = seFor(MM1_P99_SE_ROOT_N, n);
    // W = 1 / (μ − λ) = 1 / (100 − 80) s = 50 ms.
    expect(Math.abs(s.requests.latencyMeanMs - 50)).toBeLessThan(4 * seW);
    // Sojourn time in M/M/1 is exponential with mean W: p99 = W · ln 100 = 230.26 ms.
    expect(Math.abs(s.requests.latency.p99Ms - 230.26)).toBeLessThan(4 * seP99);
    expect(littleGap(s)).toBeLessThan(0.01);
  });
});

describe('M/M/c through the full stack (c = 10, service mean 50 ms, 150 req/s)', () => {
  it('mean latency 56.13 ms and Little’s law', async () => {
    const def = textbookQueue({ servers: 10, serviceMeanMs: 50, ratePerSec: 150, durationMs: 2_000_000 });
    const s = await runScenario(def, { ...nodeHost(), code: FORWARDING_SERVICE, seed: 12 });
    const n = s.requests.completed;
    expect(n).toBeGreaterThan(290_000);
    // Erlang C with a = λ/μ = 7.5, c = 10: P(wait) = 0.3066; W = 1/μ + P(wait)/(cμ − λ)
    // = 50 ms + 0.3066 / (200 − 150) s = 56.13 ms. The downstream tests measured
    // SE(W) ≈ 0.18 ms at 600 k arrivals, so SE × √n ≈ 141.
    const seW = seFor(0.182 * Math.sqrt(6e5), n);
    expect(Math.abs(s.requests.latencyMeanMs - 56.13)).toBeLessThan(4 * seW);
    expect(littleGap(s)).toBeLessThan(0.01);
  });
});
