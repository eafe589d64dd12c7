/**
 * One run's simulated world: the kernel and, for each instance of the service, its main
 * thread, job queue and Promise class; and the bookkeeping of errors user code raises.
 * Built fresh per run so nothing leaks between runs but the (reset) database.
 */
import type { ReportedError } from './summary-schema.ts';
import { Kernel } from './sim/kernel.ts';
import { createPrng, type Prng } from './sim/prng.ts';
import { EventLoop } from './runtime/process/event-loop.ts';
import { JobQueue } from './runtime/process/job-queue.ts';
import { createPromiseClass, type RejectionTracker } from './runtime/process/sim-promise.ts';
import { RunCounters } from './runtime/process/run-counters.ts';
import { CpuCores } from './runtime/process/cpu-cores.ts';
import { EPOCH_MS_DEFAULT, type Platform } from './runtime/platform.ts';
import type { ServiceSourceMap } from './sandbox/source-map.ts';

/** Distinct error kinds kept per run; repeats only increase a count. */
const ERROR_KINDS_MAX = 20;

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
    const pos = this.sourceMap?.locate(err);
    const found = this.errors.find((e) => e.message === message && e.line === pos?.line && e.route === route);
    if (found) {
      found.count++;
      return;
    }
    if (this.errors.length >= ERROR_KINDS_MAX) return;
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

/** A world of one service instance (see createFleet for several). */
export function createWorld(seed: number, cpus?: number): World {
  const { replicas, errors } = createFleet(seed, 1, cpus);
  return { platform: replicas[0], errors };
}

export interface Fleet {
  kernel: Kernel;
  /** One platform per instance of the service, all on the one kernel. */
  replicas: Platform[];
  errors: ErrorLog;
}

/**
 * The world of `count` instances of the service: one clock, and for each instance its own
 * process (main thread, job queue, Promise class, random streams and counters). Instance 0's
 * random streams are those of a single-instance run, so a fleet of one is that run exactly.
 */
export function createFleet(seed: number, count: number, cpus?: number): Fleet {
  const errors = new ErrorLog();
  const kernel = new Kernel();
  const replicas: Platform[] = [];
  for (let i = 0; i < count; i++) {
    const rng = createPrng(seed, i === 0 ? 'platform' : `platform/replica-${i}`);
    const cores = new CpuCores(kernel, cpus);
    replicas.push(createThread(kernel, cores, new RunCounters(), rng, fatalTo(errors)));
  }
  return { kernel, replicas, errors };
}

/** What a thread does with an exception nothing caught, and with its route (if any). */
export type UncaughtHandler = (err: unknown, route: string | undefined, prefix: string) => void;

/** Uncaught errors on a process's main thread: logged, and counted as crashes. */
export function fatalTo(errors: ErrorLog): UncaughtHandler {
  return (err, route, prefix) => errors.recordFatal(err, route, prefix);
}

/**
 * A worker thread of the process `parent` runs in: its own event loop, job queue and Promise
 * class (a worker is its own V8 isolate), on the parent's clock and the machine's cores.
 */
export function createWorkerThread(parent: Platform, rng: Prng, onUncaught: UncaughtHandler): Platform {
  return createThread(parent.kernel, parent.cores, parent.counters, rng, onUncaught);
}

/** One thread on the shared kernel: its event loop, job queue and Promise class. */
function createThread(kernel: Kernel, cores: CpuCores, counters: RunCounters, rng: Prng, onUncaught: UncaughtHandler): Platform {
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
  const loop = new EventLoop(
    kernel,
    jobs,
    {
      onUncaught: (err) => onUncaught(err, contextRoute(jobs.context), 'Uncaught exception: '),
      afterTask: () => {
        // Node reports a rejection nobody handled by the end of the microtask drain.
        if (unhandled.size === 0) return;
        for (const p of unhandled) onUncaught(reasons.get(p), contextRoute(jobs.context), 'Unhandled promise rejection: ');
        unhandled.clear();
      },
    },
    cores,
  );
  return {
    kernel,
    loop,
    jobs,
    cores,
    Promise: SimPromise,
    rng,
    counters,
    epochMs: EPOCH_MS_DEFAULT,
  };
}

/** The route of the request an async context belongs to, if any. */
export function contextRoute(context: unknown): string | undefined {
  return (context as { route?: string } | undefined)?.route;
}
