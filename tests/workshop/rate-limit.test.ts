import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../server/rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst, then one request per refill, per key', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 2, perSecond: 0.5 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 2]);
    expect(limiter.take('b')).toBe(0);
    now += 1000;
    expect(limiter.take('a')).toBe(1);
    now += 1000;
    expect(limiter.take('a')).toBe(0);
  });

  it('forgets the oldest keys past its bound, which start again with a full bucket', () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 0.001 }, () => 0, 2);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    limiter.take('b');
    limiter.take('c');
    expect(limiter.take('a')).toBe(0);
  });
});
