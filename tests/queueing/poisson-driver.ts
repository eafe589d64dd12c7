/**
 * Drives a DownstreamService with Poisson arrivals from a seeded stream, recording each
 * request's time in system and whether it had to wait for a server. Only the kernel is
 * needed: the service lives in background events.
 */
import type { DownstreamSpec } from '../../runner/scenario/types.ts';
import { Kernel } from '../../runner/sim/kernel.ts';
import { createPrng } from '../../runner/sim/prng.ts';
import { DownstreamService } from '../../runner/runtime/remote/downstream.ts';

export interface PoissonRun {
  service: DownstreamService;
  kernel: Kernel;
  /** Time in system (queue + service) per request in arrival order; NaN when not served. */
  sojournMs: Float64Array;
  /** Time spent queued per request in arrival order; NaN when not served. */
  waitMs: Float64Array;
  /** Runs events until the last arrival has happened; returns its virtual time. */
  runArrivals(): number;
}

const REQ = { method: 'GET', path: '/', query: {}, headers: {}, body: undefined };

export function runPoisson(spec: DownstreamSpec, ratePerSec: number, arrivals: number, seed: number): PoissonRun {
  const kernel = new Kernel();
  const root = createPrng(seed);
  const service = new DownstreamService(spec, kernel, root);
  const gapRng = root.fork('test/arrivals');
  const meanGapMs = 1000 / ratePerSec;
  const sojournMs = new Float64Array(arrivals).fill(NaN);
  const waitMs = new Float64Array(arrivals).fill(NaN);
  let sent = 0;
  let lastArrivalMs = 0;
  const arrive = (): void => {
    const i = sent++;
    lastArrivalMs = kernel.nowMs;
    service.submit(REQ, kernel.nowMs, (_reply, atMs, served) => {
      // Rejected and refused requests keep NaN: they have no time in system.
      if (!served) return;
      sojournMs[i] = atMs - served.enteredMs;
      waitMs[i] = served.startedMs - served.enteredMs;
    });
    if (sent < arrivals) kernel.at(kernel.nowMs - Math.log(1 - gapRng.next()) * meanGapMs, arrive);
  };
  kernel.at(-Math.log(1 - gapRng.next()) * meanGapMs, arrive);
  const runArrivals = (): number => {
    while (sent < arrivals && kernel.step()) {}
    return lastArrivalMs;
  };
  return { service, kernel, sojournMs, waitMs, runArrivals };
}

export function runAll(kernel: Kernel): void {
  while (kernel.step()) {}
}

/**
 * The mean of xs[from..] and its standard error by batch means: consecutive requests see
 * the same queue, so their times are correlated and s/sqrt(n) would be far too small. The
 * means of long batches are nearly independent, so their spread gives an honest error.
 */
export function batchMeans(xs: ArrayLike<number>, from: number, batches: number): { mean: number; se: number } {
  const size = Math.floor((xs.length - from) / batches);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    let sum = 0;
    for (let i = from + b * size; i < from + (b + 1) * size; i++) sum += xs[i];
    means.push(sum / size);
  }
  return meanAndSe(means);
}

/** The `q` quantile of xs[from..], and its standard error from the batches' own quantiles. */
export function batchQuantile(xs: Float64Array, from: number, batches: number, q: number): { value: number; se: number } {
  const size = Math.floor((xs.length - from) / batches);
  const perBatch: number[] = [];
  for (let b = 0; b < batches; b++) {
    perBatch.push(quantile(Float64Array.prototype.slice.call(xs, from + b * size, from + (b + 1) * size), q));
  }
  const all = Float64Array.prototype.slice.call(xs, from, from + size * batches);
  return { value: quantile(all, q), se: meanAndSe(perBatch).se };
}

function quantile(values: Float64Array, q: number): number {
  values.sort();
  return values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
}

function meanAndSe(values: number[]): { mean: number; se: number } {
  const k = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1);
  return { mean, se: Math.sqrt(variance / k) };
}
