/**
 * The watchdog's measure of a busy machine, on a scripted clock: chunks of equal work, some of
 * them interrupted by other threads, give the whole time over the uninterrupted time.
 */
import { describe, expect, it } from 'vitest';
import { measureThreadSlowdown } from '../../../web/lab/threadSlowdown.ts';

/** A clock read twice per timed chunk: each chunk takes the next of `chunkMs` (sizing included). */
function scriptedClock(chunkMs: number[]): () => number {
  let t = 0;
  let reads = 0;
  return () => {
    if (reads++ % 2 === 1) t += chunkMs.shift() ?? 1;
    return t;
  };
}

describe('measureThreadSlowdown', () => {
  it('is 1 when no chunk was interrupted', () => {
    expect(measureThreadSlowdown(scriptedClock([]))).toBe(1);
  });

  it('is the whole time over the uninterrupted time when other threads ran in between', () => {
    // Sizing takes one 1 ms chunk; then 40 chunks, of which 10 waited 13 ms for a core.
    const chunks = [1, ...Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 14 : 1))];
    expect(measureThreadSlowdown(scriptedClock(chunks))).toBeCloseTo((30 + 10 * 14) / 40, 5);
  });

  it('is 1 on a clock that does not move', () => {
    expect(measureThreadSlowdown(() => 0)).toBe(1);
  });
});
