/**
 * A Platform assembled by hand for unit tests of the runtime modules, with a driver that
 * runs the kernel and a helper that runs "user code" as a main-thread task in a request
 * context. Exceptions escaping user code are collected and rethrown by `run`.
 */
import { Kernel } from '../../../runner/sim/kernel.ts';
import { createPrng } from '../../../runner/sim/prng.ts';
import { EventLoop } from '../../../runner/runtime/event-loop.ts';
import { JobQueue } from '../../../runner/runtime/job-queue.ts';
import { DEFAULT_EPOCH_MS, type Platform } from '../../../runner/runtime/platform.ts';
import { RunCounters } from '../../../runner/runtime/run-counters.ts';
import { createPromiseClass } from '../../../runner/runtime/sim-promise.ts';

export interface TestPlatform {
  p: Platform;
  /** Runs events until none is left or the next one is after `untilMs`; rethrows user errors. */
  run(untilMs?: number): void;
  /** Runs `fn` as a main-thread task ready at `atMs`, in `context` (a fresh request by default). */
  task(atMs: number, fn: () => void, context?: object): void;
}

export function testPlatform(seed = 1): TestPlatform {
  const kernel = new Kernel();
  const jobs = new JobQueue();
  const errors: unknown[] = [];
  const loop = new EventLoop(kernel, jobs, { onUncaught: (e) => errors.push(e), afterTask() {} });
  // These tests check exact virtual times of the module under test; the loop's own
  // per-task cost (a microsecond) is covered by the event-loop tests.
  loop.taskCostMs = 0;
  const p: Platform = {
    kernel, loop, jobs,
    Promise: createPromiseClass(jobs),
    rng: createPrng(seed),
    counters: new RunCounters(),
    epochMs: DEFAULT_EPOCH_MS,
  };
  return {
    p,
    run(untilMs = Infinity) {
      while (kernel.nextEventMs() <= untilMs && kernel.step()) {
        if (errors.length) throw errors[0];
      }
    },
    task(atMs, fn, context = {}) {
      kernel.at(atMs, () => loop.post(atMs, fn, context));
    },
  };
}
