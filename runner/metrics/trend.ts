/**
 * A latency distribution with exact percentiles (k6's "trend" metric).
 *
 * Every sample is kept, so percentiles are exact rather than sketched: a minute of simulated
 * traffic is tens of thousands of samples, which costs less than a sketch's error would in
 * a lab whose verdicts sit right at SLO boundaries.
 *
 * Percentile definition (the one k6 uses, also numpy's default and Excel's PERCENTILE.INC):
 * sort the n samples ascending as x[0..n-1], take the fractional rank r = p/100 * (n-1), and
 * interpolate linearly between the closest ranks:
 *   percentile(p) = x[floor(r)] + (x[ceil(r)] - x[floor(r)]) * (r - floor(r))
 * So p(0) is the minimum, p(100) the maximum, p(50) of an even count the mean of the two
 * middle samples, and p(99) of 1..100 is 99.01.
 *
 * Empty trend: `percentile`, `mean`, `min` and `max` are NaN (there is no value to report),
 * while `stats()` reports count 0 and zeros so that a summary stays valid JSON.
 */
import type { LatencyStats } from '../summary-schema.ts';

export interface TrendOptions {
  /** Samples the buffer holds before its first doubling; small because most trends are per-route or per-second. */
  capacityInitial?: number;
  /** Most samples one trend accepts (a limit on memory: two Float64Arrays of this size). */
  capacityMax?: number;
}

const CAPACITY_INITIAL_DEFAULT = 64;
const CAPACITY_MAX_DEFAULT = 1 << 24;

export class Trend {
  private samples: Float64Array;
  private sorted: Float64Array;
  private sampleCount = 0;
  private sum = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  /** True while `sorted` holds exactly the current samples in order; any `add` clears it. */
  private sortedValid = true;
  private readonly capacityMax: number;

  constructor(options: TrendOptions = {}) {
    const capacityInitial = Math.max(1, Math.floor(options.capacityInitial ?? CAPACITY_INITIAL_DEFAULT));
    this.capacityMax = Math.max(capacityInitial, Math.floor(options.capacityMax ?? CAPACITY_MAX_DEFAULT));
    this.samples = new Float64Array(capacityInitial);
    // The sorted copy grows lazily on first query: many trends are only ever added to.
    this.sorted = new Float64Array(0);
  }

  /** Records one sample. Amortised allocation-free: the buffer only reallocates when it doubles. */
  add(value: number): void {
    // A NaN would silently poison every percentile and the mean; fail where it enters instead.
    if (!Number.isFinite(value)) throw new RangeError(`Trend sample must be a finite number, got ${value}`);
    if (this.sampleCount === this.samples.length) this.grow();
    this.samples[this.sampleCount++] = value;
    this.sum += value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    this.sortedValid = false;
  }

  get count(): number {
    return this.sampleCount;
  }

  /** Arithmetic mean; NaN when empty. */
  get mean(): number {
    return this.sampleCount === 0 ? NaN : this.sum / this.sampleCount;
  }

  /** Smallest sample; NaN when empty. */
  get min(): number {
    return this.sampleCount === 0 ? NaN : this.minValue;
  }

  /** Largest sample; NaN when empty. */
  get max(): number {
    return this.sampleCount === 0 ? NaN : this.maxValue;
  }

  /** How many samples pass `test` (one pass over the samples, no sorting). */
  countWhere(test: (sample: number) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.sampleCount; i++) if (test(this.samples[i])) n++;
    return n;
  }

  /** The p-th percentile, p in [0, 100], by linear interpolation between closest ranks; NaN when empty. */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
    const n = this.sampleCount;
    if (n === 0) return NaN;
    const sorted = this.sortedSamples();
    // p * (n - 1) / 100 rather than p / 100 * (n - 1): one rounding fewer for integer p.
    const rank = (p * (n - 1)) / 100;
    const lower = Math.floor(rank);
    const fraction = rank - lower;
    if (fraction === 0) return sorted[lower];
    return sorted[lower] + (sorted[lower + 1] - sorted[lower]) * fraction;
  }

  /** The summary shape; all zeros with count 0 when empty so the summary stays plain JSON. */
  stats(): LatencyStats {
    if (this.sampleCount === 0) return { count: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
    return {
      count: this.sampleCount,
      meanMs: this.mean,
      p50Ms: this.percentile(50),
      p95Ms: this.percentile(95),
      p99Ms: this.percentile(99),
      maxMs: this.maxValue,
    };
  }

  /** Forgets every sample but keeps the buffers, so a per-second trend can be reused without garbage. */
  reset(): void {
    this.sampleCount = 0;
    this.sum = 0;
    this.minValue = Infinity;
    this.maxValue = -Infinity;
    this.sortedValid = true;
  }

  private grow(): void {
    const capacity = this.samples.length;
    if (capacity >= this.capacityMax) {
      throw new RangeError(`Trend is full: more than ${this.capacityMax} samples`);
    }
    const next = new Float64Array(Math.min(capacity * 2, this.capacityMax));
    next.set(this.samples);
    this.samples = next;
  }

  /** Sorts a copy once per batch of adds; queries between adds reuse it (stats() asks three times). */
  private sortedSamples(): Float64Array {
    const n = this.sampleCount;
    if (!this.sortedValid) {
      if (this.sorted.length < n) this.sorted = new Float64Array(this.samples.length);
      this.sorted.set(this.samples.subarray(0, n));
      // Typed-array sort is numeric (not string order like Array#sort) and identical in every engine.
      this.sorted.subarray(0, n).sort();
      this.sortedValid = true;
    }
    return this.sorted;
  }
}
