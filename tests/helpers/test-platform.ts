/**
 * The one Platform assembled by hand for unit tests of the runtime modules: a kernel, an event
 * loop whose own per-task cost is zero (these tests check exact virtual times of the module
 * under test; the loop's microsecond per task is covered by the event-loop tests), and
 * drivers that run the kernel.
 */
import { Kernel } from '../../runner/sim/kernel.ts';
import { createPrng } from '../../runner/sim/prng.ts';
import { EventLoop } from '../../runner/runtime/process/event-loop.ts';
import { JobQueue } from '../../runner/runtime/process/job-queue.ts';
import { EPOCH_MS_DEFAULT, type Platform } from '../../runner/runtime/platform.ts';
import { RunCounters } from '../../runner/runtime/process/run-counters.ts';
import { createPromiseClass } from '../../runner/runtime/process/sim-promise.ts';
import { CpuCores } from '../../runner/runtime/process/cpu-cores.ts';

/** Cores enough that no test contends for them unless it asks for fewer (`cpus`). */
const TEST_CPUS = 1024;

export interface TestPlatform {
  p: Platform;
  /** Runs events until none is left or the next one is after `untilMs`; rethrows user errors. */
  run(untilMs?: number): void;
  /** Runs `fn` as a main-thread task ready at `atMs`, in `context` (a fresh request by default). */
  task(atMs: number, fn: () => void, context?: object): void;
}

function assemble(seed: number, onUncaught: (e: unknown) => void, cpus = TEST_CPUS): Platform {
  const kernel = new Kernel();
  const jobs = new JobQueue();
  const cores = new CpuCores(kernel, cpus);
  const loop = new EventLoop(kernel, jobs, { onUncaught, afterTask() {} }, cores);
  loop.taskCostMs = 0;
  return {
    kernel,
    loop,
    jobs,
    cores,
    Promise: createPromiseClass(jobs),
    rng: createPrng(seed),
    counters: new RunCounters(),
    epochMs: EPOCH_MS_DEFAULT,
  };
}

/** A platform whose user-code exceptions are collected and rethrown by `run`. */
export function testPlatform(seed = 1, cpus?: number): TestPlatform {
  const errors: unknown[] = [];
  const p = assemble(seed, (e) => errors.push(e), cpus);
  return {
    p,
    run(untilMs = Infinity) {
      while (p.kernel.nextEventMs() <= untilMs && p.kernel.step()) {
        if (errors.length) throw errors[0];
      }
    },
    task(atMs, fn, context = {}) {
      p.kernel.at(atMs, () => p.loop.post(atMs, fn, context));
    },
  };
}

/** A bare platform whose uncaught errors fail the test at once; drive it with `runAll`. */
export function makePlatform(seed = 1): Platform {
  return assemble(seed, (e) => {
    throw e;
  });
}

/** Runs every pending event; a bound keeps a broken model from spinning forever. */
export function runAll(p: Platform, eventsMax = 1_000_000): void {
  let n = 0;
  while (p.kernel.step()) {
    if (++n > eventsMax) throw new Error(`more than ${eventsMax} events`);
  }
}
