/**
 * The downstream model against queueing theory. Arrivals are Poisson from a seeded stream;
 * each tolerance is ±4 standard errors, the standard error measured by batch means over the
 * run itself (requests are correlated through the queue, so s/sqrt(n) would be far too
 * small) and bounded by the size expected for this many arrivals, so a run cannot pass by
 * being noisy. "Measured across seeds" below is the spread of the estimate over 16 (M/M/1)
 * or 8 (M/M/c) independent seeds, run once by hand to check the batch-means error.
 * How long these runs take is measured by `npm run bench`, not asserted here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DownstreamStats } from '../../runner/runtime/remote/downstream.ts';
import { MM1_RUN, MMC_RUN } from './downstream-runs.ts';
import { batchMeans, batchQuantile, runAll, runPoisson, type PoissonRun } from './poisson-driver.ts';

/** Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda/mu. */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const top = (term * a) / c / (1 - a / c);
  return top / (sum + top);
}

const BATCHES = 40;

describe('M/M/1: service mean 10 ms, rho = 0.8', () => {
  let run: PoissonRun;
  let little: DownstreamStats;
  beforeAll(() => {
    run = runPoisson(MM1_RUN.spec, MM1_RUN.ratePerSec, MM1_RUN.arrivals, MM1_RUN.seed);
    little = run.service.stats(run.runArrivals());
    runAll(run.kernel);
  });
  // The queue starts empty; its relaxation time at rho 0.8 is 1/(mu(1-sqrt(rho))^2) ≈ 0.9 s
  // (≈ 70 arrivals), so dropping the first 1 % (16 000 arrivals, 200 s) removes the start-up bias.
  const warmup = 16_000;

  it('mean time in system is 1/(mu - lambda) = 50 ms', () => {
    const w = batchMeans(run.sojournMs, warmup, BATCHES);
    // Expected error: the time-average number in system has asymptotic variance
    // 2 rho (1 + rho) / (mu (1 - rho)^4) = 18 000 ms (Whitt 1989); over T = 1.58e6 / 0.08 per ms
    // = 1.98e7 ms, SE(L) = sqrt(18 000 / 1.98e7) = 0.030, and W = L / lambda gives SE(W) ≈ 0.38 ms
    // (measured across seeds: 0.33 ms; batch means: 0.35 ms). So ±4σ ≈ ±1.4 ms, 2.8 % of 50 ms.
    // 40 batches of 39 600 arrivals (≈ 550 relaxation times each) are long enough to be
    // independent: 10 or 80 batches give the same error.
    expect(w.se).toBeGreaterThan(0.18);
    expect(w.se).toBeLessThan(0.75);
    expect(Math.abs(w.mean - 50)).toBeLessThan(4 * w.se);
    console.log(`M/M/1 W: ${w.mean.toFixed(2)} ms (exact 50.00, SE ${w.se.toFixed(2)})`);
  });

  it('p99 of time in system is ln(100) * 50 = 230.26 ms (sojourn is exponential)', () => {
    const p99 = batchQuantile(run.sojournMs, warmup, BATCHES, 0.99);
    // Expected error: for n independent exponential samples SE(p99) = sqrt(0.99 * 0.01 / n) / f(p99)
    // with density f(p99) = 0.01 / 50 ms, i.e. 0.40 ms at n = 1.58e6. But exceedances of the p99
    // come in clusters (one long busy period pushes dozens of consecutive requests past it),
    // which inflates that about ninefold: measured across seeds 3.5 ms, batch quantiles 3.7 ms.
    // So ±4σ ≈ ±15 ms, 6 % of 230 ms.
    expect(p99.se).toBeGreaterThan(1.8);
    expect(p99.se).toBeLessThan(7.5);
    expect(Math.abs(p99.value - 50 * Math.log(100))).toBeLessThan(4 * p99.se);
    console.log(`M/M/1 p99: ${p99.value.toFixed(2)} ms (exact 230.26, SE ${p99.se.toFixed(2)})`);
  });

  it("Little's law holds on the service: L = lambda W within 1 %", () => {
    const lambdaPerMs = little.accepted / little.elapsedMs;
    const lw = lambdaPerMs * little.timeInSystemMeanMs;
    // Both sides measure the same sample path; they differ only by the requests still in the
    // system at the cut (about 4 of 1.6 million), far below 1 %.
    expect(Math.abs(little.inSystemMean - lw) / lw).toBeLessThan(0.01);
    expect(little.rejected + little.refused).toBe(0);
    expect(little.utilisation).toBeGreaterThan(0.78);
    expect(little.utilisation).toBeLessThan(0.82);
    console.log(
      `M/M/1 Little: L ${little.inSystemMean.toFixed(4)} vs lambda*W ${lw.toFixed(4)}, utilisation ${little.utilisation.toFixed(4)}`,
    );
  });
});

describe('M/M/c: c = 10, service mean 50 ms, lambda = 150/s', () => {
  let run: PoissonRun;
  let little: DownstreamStats;
  beforeAll(() => {
    run = runPoisson(MMC_RUN.spec, MMC_RUN.ratePerSec, MMC_RUN.arrivals, MMC_RUN.seed);
    little = run.service.stats(run.runArrivals());
    runAll(run.kernel);
  });
  // The first 1 % (6 000 arrivals, 40 s) covers the start from an empty system many times over.
  const warmup = 6_000;
  const pWaitExact = erlangC(10, 7.5);
  const wExactMs = (pWaitExact / (200 - 150)) * 1000 + 50;

  it('the formulas give the textbook values', () => {
    expect(pWaitExact).toBeCloseTo(0.3066, 4);
    expect(wExactMs).toBeCloseTo(56.13, 2);
  });

  it('P(wait) matches Erlang C (0.3066)', () => {
    const waited = Float64Array.from(run.waitMs, (w) => (w > 0 ? 1 : 0));
    const p = batchMeans(waited, warmup, BATCHES);
    // Expected error: independent indicators would give sqrt(0.3066 * 0.6934 / 594 000) = 0.0006;
    // arrivals close together see the same busy servers, which inflates it about fivefold:
    // measured across seeds 0.0029, batch means 0.0030. So ±4σ ≈ ±0.012 (4 % of 0.3066).
    // Batches of 14 850 arrivals span ≈ 100 s, far longer than the queue's memory.
    expect(p.se).toBeGreaterThan(0.0015);
    expect(p.se).toBeLessThan(0.006);
    expect(Math.abs(p.mean - pWaitExact)).toBeLessThan(4 * p.se);
    console.log(`M/M/c P(wait): ${p.mean.toFixed(4)} (exact ${pWaitExact.toFixed(4)}, SE ${p.se.toFixed(4)})`);
  });

  it('mean time in system is C/(c mu - lambda) + 1/mu = 56.13 ms', () => {
    const w = batchMeans(run.sojournMs, warmup, BATCHES);
    // Expected error: the service time alone (sd 50 ms) gives 50 / sqrt(594 000) = 0.065 ms;
    // waiting adds a correlated part: measured across seeds 0.13 ms, batch means 0.19 ms.
    // So ±4σ ≈ ±0.75 ms, 1.3 % of 56.13 ms.
    expect(w.se).toBeGreaterThan(0.09);
    expect(w.se).toBeLessThan(0.37);
    expect(Math.abs(w.mean - wExactMs)).toBeLessThan(4 * w.se);
    console.log(`M/M/c W: ${w.mean.toFixed(2)} ms (exact ${wExactMs.toFixed(2)}, SE ${w.se.toFixed(3)})`);
  });

  it("Little's law holds on the service: L = lambda W within 1 %", () => {
    const lw = (little.accepted / little.elapsedMs) * little.timeInSystemMeanMs;
    expect(Math.abs(little.inSystemMean - lw) / lw).toBeLessThan(0.01);
    expect(little.rejected + little.refused).toBe(0);
    expect(little.utilisation).toBeGreaterThan(0.73);
    expect(little.utilisation).toBeLessThan(0.77);
    console.log(
      `M/M/c Little: L ${little.inSystemMean.toFixed(4)} vs lambda*W ${lw.toFixed(4)}, utilisation ${little.utilisation.toFixed(4)}`,
    );
  });
});
