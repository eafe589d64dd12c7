/**
 * The machine's cores under processor sharing: while a core is free every burst runs at full
 * speed and finishes exactly `demand` after its start; beyond that, k bursts on c cores run at
 * c/k, every finish moves, and the owners hear of it.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../../../runner/sim/kernel.ts';
import { CpuCores } from '../../../../runner/runtime/process/cpu-cores.ts';

function drive(kernel: Kernel): void {
  while (kernel.step()) {}
}

describe('CpuCores', () => {
  it('runs bursts at full speed while there are cores for them, finishing at exactly start + demand', () => {
    const kernel = new Kernel();
    const cores = new CpuCores(kernel, 2);
    const done: number[] = [];
    cores.run(0, 10.1, (t) => done.push(t));
    cores.run(0, 3.3, (t) => done.push(t));
    cores.run(5, 2.2, (t) => done.push(t)); // the 3.3 ms burst is over by then
    drive(kernel);
    expect(done).toEqual([3.3, 5 + 2.2, 10.1]);
  });

  it('shares the cores equally when oversubscribed: two 10 ms bursts on one core both end at 20 ms', () => {
    const kernel = new Kernel();
    const cores = new CpuCores(kernel, 1);
    const done: number[] = [];
    cores.run(0, 10, (t) => done.push(t));
    cores.run(0, 10, (t) => done.push(t));
    drive(kernel);
    expect(done).toEqual([20, 20]);
  });

  it('recomputes every finish as bursts come and go, and tells their owners', () => {
    const kernel = new Kernel();
    const cores = new CpuCores(kernel, 1);
    const done: Array<[string, number]> = [];
    const moves: number[] = [];
    // A runs alone for 4 ms (6 left), then shares with B (2 ms of work) at half speed:
    // B ends at 4 + 2 / 0.5 = 8, having given A 2 ms; A's last 4 ms run alone: A ends at 12.
    cores.run(
      0,
      10,
      (t) => done.push(['A', t]),
      (t) => moves.push(t),
    );
    cores.run(4, 2, (t) => done.push(['B', t]));
    drive(kernel);
    expect(done).toEqual([
      ['B', 8],
      ['A', 12],
    ]);
    expect(moves).toEqual([16, 12]);
  });

  it('a new burst learns its speed before it starts: 1 while a core is free, c/(k+1) when not', () => {
    const kernel = new Kernel();
    const cores = new CpuCores(kernel, 2);
    expect(cores.speedOfNewBurst()).toBe(1);
    cores.run(0, 10);
    expect(cores.speedOfNewBurst()).toBe(1);
    cores.run(0, 10);
    expect(cores.speedOfNewBurst()).toBeCloseTo(2 / 3);
  });

  it('refuses a core count that is not a whole number from 1 to 1024', () => {
    expect(() => new CpuCores(new Kernel(), 0)).toThrow(/platform.cpus must be an integer from 1 to 1024, got 0/);
    expect(() => new CpuCores(new Kernel(), 1.5)).toThrow(RangeError);
  });
});
