/**
 * The database's other writers (DatabaseSpec.writers): a Poisson process per writer, each
 * write awaited by the kernel at its instant, none after the load ends.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../../../../runner/sim/kernel.ts';
import { createPrng } from '../../../../../runner/sim/prng.ts';
import { startOtherWriters } from '../../../../../runner/runtime/remote/database/other-writers.ts';
import type { CheckDb, DatabaseWriter } from '../../../../../runner/scenario/types.ts';

const db: CheckDb = { query: async () => ({ rows: [] }), ledger: () => [], derivations: () => [] };

/** Runs the kernel to the end, settling host work as the run loop does; returns the write instants. */
async function writes(writers: DatabaseWriter[], untilMs: number, seed = 1): Promise<{ kernel: Kernel }> {
  const kernel = new Kernel();
  startOtherWriters(writers, kernel, db, createPrng(seed, 'writers'), untilMs);
  for (;;) {
    if (kernel.hasHostWork) await kernel.settleHostWork();
    if (!kernel.step()) break;
  }
  return { kernel };
}

function recorder(name: string, ratePerSec: number): { writer: DatabaseWriter; atMs: number[] } {
  const atMs: number[] = [];
  return { atMs, writer: { name, ratePerSec, write: async (_db, _rng, nowMs) => void atMs.push(nowMs) } };
}

describe('other writers', () => {
  it('write at Poisson instants: the mean gap is 1/rate within 3 standard errors', async () => {
    const { writer, atMs } = recorder('box office', 2);
    await writes([writer], 2_000_000);
    const n = atMs.length;
    // Exponential gaps: the mean's standard error is mean / sqrt(n).
    const meanGap = atMs[n - 1] / n;
    expect(Math.abs(meanGap - 500)).toBeLessThan(3 * (500 / Math.sqrt(n)));
    expect(atMs.every((t, i) => i === 0 || t >= atMs[i - 1])).toBe(true);
  });

  it('stop when the load ends, and give the same instants for the same seed', async () => {
    const a = recorder('admin', 1);
    const b = recorder('admin', 1);
    const c = recorder('admin', 1);
    await writes([a.writer], 60_000, 7);
    await writes([b.writer], 60_000, 7);
    await writes([c.writer], 60_000, 8);
    expect(a.atMs.length).toBeGreaterThan(0);
    expect(a.atMs.every((t) => t < 60_000)).toBe(true);
    expect(b.atMs).toEqual(a.atMs);
    expect(c.atMs).not.toEqual(a.atMs);
  });

  it("each writer has its own stream: adding one does not move another's writes", async () => {
    const alone = recorder('box office', 1);
    const together = recorder('box office', 1);
    await writes([alone.writer], 30_000);
    await writes([recorder('admin', 3).writer, together.writer], 30_000);
    expect(together.atMs).toEqual(alone.atMs);
  });

  it('the kernel waits for a write before virtual time moves on', async () => {
    const kernel = new Kernel();
    let done = false;
    startOtherWriters(
      [
        {
          name: 'slow',
          ratePerSec: 1,
          write: () =>
            new Promise((r) =>
              setTimeout(() => {
                done = true;
                r();
              }, 5),
            ),
        },
      ],
      kernel,
      db,
      createPrng(1),
      10_000,
    );
    expect(kernel.step()).toBe(true);
    expect(kernel.hasHostWork).toBe(true);
    await kernel.settleHostWork();
    expect(done).toBe(true);
  });

  it('a failing write names its writer; a bad rate is refused', async () => {
    await expect(
      writes(
        [
          {
            name: 'admin',
            ratePerSec: 1,
            write: async () => {
              throw new Error('no such table');
            },
          },
        ],
        10_000,
      ),
    ).rejects.toThrow(/database writer admin failed at \d+\.\d{3}s: no such table/);
    expect(() => startOtherWriters([{ name: 'x', ratePerSec: 0, write: async () => {} }], new Kernel(), db, createPrng(1), 1000)).toThrow(
      /ratePerSec/,
    );
  });
});
