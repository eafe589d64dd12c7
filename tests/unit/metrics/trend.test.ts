import { describe, expect, it } from 'vitest';
import { Trend } from '../../../runner/metrics/trend.ts';

function trendOf(values: number[]): Trend {
  const trend = new Trend();
  for (const v of values) trend.add(v);
  return trend;
}

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('Trend percentiles (linear interpolation between closest ranks, as k6)', () => {
  it('p(99) of 1..100 interpolates: rank 0.99 * 99 = 98.01 -> 99 + 0.01', () => {
    expect(trendOf(oneToHundred).percentile(99)).toBeCloseTo(99.01, 9);
  });

  it('p(50) of 1..100 is the mean of the two middle samples', () => {
    expect(trendOf(oneToHundred).percentile(50)).toBeCloseTo(50.5, 12);
  });

  it('p(95) of 1..100: rank 94.05 -> 95.05', () => {
    expect(trendOf(oneToHundred).percentile(95)).toBeCloseTo(95.05, 9);
  });

  it('p(0) is the minimum and p(100) the maximum', () => {
    const trend = trendOf([30, 10, 20]);
    expect(trend.percentile(0)).toBe(10);
    expect(trend.percentile(100)).toBe(30);
  });

  it('hits samples exactly when the rank is whole, and interpolates between unsorted input', () => {
    // sorted: 1, 2, 4, 8, 16; p(25) -> rank 1 -> 2; p(90) -> rank 3.6 -> 8 + 0.6 * 8 = 12.8
    const trend = trendOf([16, 1, 8, 2, 4]);
    expect(trend.percentile(25)).toBe(2);
    expect(trend.percentile(50)).toBe(4);
    expect(trend.percentile(90)).toBeCloseTo(12.8, 12);
  });

  it('handles a decimal percentile such as p(99.9)', () => {
    // rank 0.999 * 999 = 998.001 over 0..999 -> 998.001
    const trend = trendOf(Array.from({ length: 1000 }, (_, i) => i));
    expect(trend.percentile(99.9)).toBeCloseTo(998.001, 9);
  });

  it('a single sample is every percentile', () => {
    const trend = trendOf([42.5]);
    for (const p of [0, 50, 99, 100]) expect(trend.percentile(p)).toBe(42.5);
    expect(trend.stats()).toEqual({ count: 1, meanMs: 42.5, p50Ms: 42.5, p95Ms: 42.5, p99Ms: 42.5, maxMs: 42.5 });
  });

  it('an empty trend has NaN percentiles and zero stats', () => {
    const trend = new Trend();
    expect(trend.count).toBe(0);
    expect(trend.percentile(50)).toBeNaN();
    expect(trend.mean).toBeNaN();
    expect(trend.min).toBeNaN();
    expect(trend.max).toBeNaN();
    expect(trend.stats()).toEqual({ count: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 });
  });

  it('rejects percentiles outside [0, 100] and non-finite samples', () => {
    const trend = trendOf([1]);
    expect(() => trend.percentile(-1)).toThrow(RangeError);
    expect(() => trend.percentile(100.5)).toThrow(RangeError);
    expect(() => trend.percentile(NaN)).toThrow(RangeError);
    expect(() => trend.add(NaN)).toThrow(/finite/);
    expect(() => trend.add(Infinity)).toThrow(/finite/);
    expect(trend.count).toBe(1);
  });
});

describe('Trend bookkeeping', () => {
  it('tracks count, mean, min and max', () => {
    const trend = trendOf([3, 1, 2, 10]);
    expect(trend.count).toBe(4);
    expect(trend.mean).toBe(4);
    expect(trend.min).toBe(1);
    expect(trend.max).toBe(10);
  });

  it('grows beyond its initial capacity without losing samples', () => {
    const trend = new Trend({ capacityInitial: 2 });
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000); // a permutation of 0..999
    for (const v of values) trend.add(v);
    expect(trend.count).toBe(1000);
    expect(trend.min).toBe(0);
    expect(trend.max).toBe(999);
    expect(trend.mean).toBe(499.5);
    expect(trend.percentile(50)).toBe(499.5);
    expect(trend.percentile(100)).toBe(999);
  });

  it('re-sorts after adds that follow a query', () => {
    const trend = trendOf([10, 20]);
    expect(trend.percentile(100)).toBe(20);
    trend.add(5);
    trend.add(30);
    expect(trend.percentile(0)).toBe(5);
    expect(trend.percentile(100)).toBe(30);
    expect(trend.percentile(50)).toBe(15);
  });

  it('stats() reports mean, p50/p95/p99 and max', () => {
    const stats = trendOf(oneToHundred).stats();
    expect(stats.count).toBe(100);
    expect(stats.meanMs).toBe(50.5);
    expect(stats.p50Ms).toBeCloseTo(50.5, 12);
    expect(stats.p95Ms).toBeCloseTo(95.05, 9);
    expect(stats.p99Ms).toBeCloseTo(99.01, 9);
    expect(stats.maxMs).toBe(100);
  });

  it('reset() empties the trend for reuse', () => {
    const trend = trendOf(oneToHundred);
    trend.percentile(50);
    trend.reset();
    expect(trend.count).toBe(0);
    expect(trend.percentile(50)).toBeNaN();
    trend.add(-3);
    trend.add(7);
    expect(trend.min).toBe(-3);
    expect(trend.max).toBe(7);
    expect(trend.mean).toBe(2);
    expect(trend.percentile(50)).toBe(2);
  });

  it('refuses samples beyond capacityMax', () => {
    const trend = new Trend({ capacityInitial: 2, capacityMax: 4 });
    for (let i = 0; i < 4; i++) trend.add(i);
    expect(() => trend.add(4)).toThrow(/more than 4 samples/);
  });
});
