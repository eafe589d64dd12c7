/**
 * The batcher's rest after a batch (server/store/batcher.ts [2]): a lone item after a quiet
 * spell goes on the next turn, while items that come one per turn right after a batch share
 * the next one instead of each paying a batch of its own; the rest lasts as long as the last
 * batch took, within its bounds. On a clock the test moves.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../server/store/batcher.ts';

describe('the batcher, right after a batch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** `tookMs`: how long each batch keeps the database, on the test's clock. */
  function batcher(restMsMin: number, restMsMax: number, tookMs = 0) {
    const batches: number[][] = [];
    const starts: number[] = [];
    const b = new Batcher<number, number>(
      async (items) => {
        starts.push(Date.now());
        batches.push(items);
        vi.advanceTimersByTime(tookMs);
        return items;
      },
      { batchSizeMax: 100, queuedMax: 1000, restMsMin, restMsMax, nowMs: () => Date.now() },
    );
    return { b, batches, starts };
  }

  /** Items arriving one per turn of the event loop, as new connections are accepted. */
  async function onePerTurn(b: Batcher<number, number>, items: number[]): Promise<Promise<number>[]> {
    const answers: Promise<number>[] = [];
    for (const item of items) {
      answers.push(b.add(item));
      await vi.advanceTimersByTimeAsync(0);
    }
    return answers;
  }

  it('sends a lone item at once, on the next turn', async () => {
    const { b, batches } = batcher(5, 50);
    const answer = b.add(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1]]);
    expect(await answer).toBe(1);
  });

  it('gathers items that come one per turn right after a batch into the next one', async () => {
    const { b, batches } = batcher(5, 50);
    await onePerTurn(b, [1]);
    const answers = await onePerTurn(b, [2, 3, 4, 5]);
    await vi.advanceTimersByTimeAsync(5);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
    expect(await Promise.all(answers)).toEqual([2, 3, 4, 5]);
  });

  it('without a rest, pays one batch per item', async () => {
    const { b, batches } = batcher(0, 0);
    await onePerTurn(b, [1, 2, 3]);
    expect(batches).toEqual([[1], [2], [3]]);
  });

  it('rests as long as the last batch took, within its bounds', async () => {
    const slow = batcher(5, 50, 30);
    await onePerTurn(slow.b, [1, 2]);
    await vi.advanceTimersByTimeAsync(100);
    expect(slow.batches).toEqual([[1], [2]]);
    // The first batch ended 30 ms after it started; the second started 30 ms after that.
    expect(slow.starts[1] - slow.starts[0]).toBe(60);

    const verySlow = batcher(5, 50, 400);
    await onePerTurn(verySlow.b, [1, 2]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(verySlow.starts[1] - verySlow.starts[0]).toBe(400 + 50);
  });

  it('does not wait once the quiet spell is longer than the rest', async () => {
    const { b, batches } = batcher(5, 50);
    await onePerTurn(b, [1]);
    await vi.advanceTimersByTimeAsync(20);
    await onePerTurn(b, [2]);
    expect(batches).toEqual([[1], [2]]);
  });
});
