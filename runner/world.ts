/**
 * One run's simulated world: kernel, main thread, job queue and Promise class, the
 * platform's modules, and the bookkeeping of errors user code raises. Built fresh per run so
 * nothing leaks between runs but the (reset) database.
 */
import type { ReportedError } from './types.ts';
import { Kernel } from './sim/kernel.ts';
import { createPrng } from './sim/prng.ts';
import { EventLoop } from './runtime/event-loop.ts';
import { JobQueue } from './runtime/job-queue.ts';
import { createPromiseClass, type RejectionTracker } from './runtime/sim-promise.ts';
import { RunCounters } from './runtime/run-counters.ts';
import { DEFAULT_EPOCH_MS, type Platform } from './runtime/platform.ts';
import type { ServiceSourceMap } from './sandbox/source-map.ts';

/** Distinct error kinds kept per run; repeats only increase a count. */
const MAX_ERROR_KINDS = 20;

export class ErrorLog {
  readonly errors: ReportedError[] = [];
  sourceMap: ServiceSourceMap | undefined;
  /** Exceptions nothing caught: each would have made Node exit (see Node's --unhandled-rejections). */
  fatal = 0;

  /** An uncaught exception or unhandled rejection: logged, and counted as a crash. */
  recordFatal(err: unknown, route: string | undefined, prefix: string): void {
    this.fatal++;
    this.record(err, route, prefix);
  }

  record(err: unknown, route?: string, prefix = ''): void {
    const message = prefix + describe(err);
    const pos = this.sourceMap?.locate((err as { stack?: string })?.stack);
    const found = this.errors.find((e) => e.message === message && e.line === pos?.line && e.route === route);
    if (found) {
      found.count++;
      return;
    }
    if (this.errors.length >= MAX_ERROR_KINDS) return;
    this.errors.push({ message, route, line: pos?.line, column: pos?.column, count: 1 });
  }
}

export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`;
  try {
    return `Thrown value: ${typeof err === 'string' ? err : JSON.stringify(err)}`;
  } catch {
    return `Thrown value: ${String(err)}`;
  }
}

export interface World {
  platform: Platform;
  errors: ErrorLog;
}

export function createWorld(seed: number): World {
  const errors = new ErrorLog();
  const kernel = new Kernel();
  const jobs = new JobQueue();
  const unhandled = new Set<object>();
  const reasons = new WeakMap<object, unknown>();
  const tracker: RejectionTracker = {
    rejectedUnhandled(promise, reason) {
      unhandled.add(promise);
      reasons.set(promise, reason);
    },
    handledLater(promise) {
      unhandled.delete(promise);
    },
  };
  const SimPromise = createPromiseClass(jobs, tracker);
  const loop = new EventLoop(kernel, jobs, {
    onUncaught: (err) => errors.recordFatal(err, contextRoute(jobs.context), 'Uncaught exception: '),
    afterTask: () => {
      // Node reports a rejection nobody handled by the end of the microtask drain.
      if (unhandled.size === 0) return;
      for (const p of unhandled) errors.recordFatal(reasons.get(p), contextRoute(jobs.context), 'Unhandled promise rejection: ');
      unhandled.clear();
    },
  });
  const platform: Platform = {
    kernel,
    loop,
    jobs,
    Promise: SimPromise,
    rng: createPrng(seed, 'platform'),
    counters: new RunCounters(),
    epochMs: DEFAULT_EPOCH_MS,
  };
  return { platform, errors };
}

/** The route of the request an async context belongs to, if any. */
export function contextRoute(context: unknown): string | undefined {
  return (context as { route?: string } | undefined)?.route;
}
