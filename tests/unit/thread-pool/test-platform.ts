/**
 * A Platform built by hand for unit tests of the runtime modules, and a driver that runs the
 * kernel until nothing is left. Uncaught errors in tasks fail the test at once.
 */
import { DEFAULT_EPOCH_MS, type Platform } from '../../../runner/runtime/platform.ts';
import { EventLoop } from '../../../runner/runtime/event-loop.ts';
import { JobQueue } from '../../../runner/runtime/job-queue.ts';
import { RunCounters } from '../../../runner/runtime/run-counters.ts';
import { createPromiseClass } from '../../../runner/runtime/sim-promise.ts';
import { Kernel } from '../../../runner/sim/kernel.ts';
import { createPrng } from '../../../runner/sim/prng.ts';

export function makePlatform(seed = 1): Platform {
  const kernel = new Kernel();
  const jobs = new JobQueue();
  const loop = new EventLoop(kernel, jobs, {
    onUncaught: (e) => {
      throw e;
    },
    afterTask() {},
  });
  // These tests check exact virtual times of the module under test; the loop's own
  // per-task cost (a microsecond) is covered by the event-loop tests.
  loop.taskCostMs = 0;
  return {
    kernel,
    loop,
    jobs,
    Promise: createPromiseClass(jobs),
    rng: createPrng(seed),
    counters: new RunCounters(),
    epochMs: DEFAULT_EPOCH_MS,
  };
}

/** Runs every pending event; a bound keeps a broken model from spinning forever. */
export function runAll(p: Platform, eventsMax = 1_000_000): void {
  let n = 0;
  while (p.kernel.step()) {
    if (++n > eventsMax) throw new Error(`more than ${eventsMax} events`);
  }
}
