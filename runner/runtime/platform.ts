/**
 * What every simulated module is built on: the clock, the main thread, the job queue, the
 * user-visible Promise class and the run's counters. One per run.
 */
import type { Kernel } from '../sim/kernel.ts';
import type { Prng } from '../sim/prng.ts';
import type { EventLoop } from './process/event-loop.ts';
import type { JobQueue } from './process/job-queue.ts';
import type { RunCounters } from './process/run-counters.ts';
import type { CpuCores } from './process/cpu-cores.ts';
import type { TraceLog } from './trace-log.ts';

export interface Platform {
  kernel: Kernel;
  /** The thread this code runs on: the main thread, or a worker thread. */
  loop: EventLoop;
  jobs: JobQueue;
  /** The machine's cores, shared by the process's threads (main, workers, thread pool). */
  cores: CpuCores;
  /** The Promise class user code sees; every promise handed to user code must be one. */
  Promise: PromiseConstructor;
  /** The platform's random stream; modules fork their own by name. */
  rng: Prng;
  counters: RunCounters;
  /** Wall-clock epoch of virtual time 0, for `Date` (fixed, so runs are reproducible). */
  epochMs: number;
}

/**
 * The async context of one request attempt (what AsyncLocalStorage would carry). Platform
 * modules keep per-request bookkeeping here instead of in side tables: it is on the hot path.
 */
export interface RequestContext {
  route: string;
  seq: number;
  /** Queries this attempt sent to the database. */
  dbQueries: number;
  /** Downstream hosts this attempt has called, for logical calls vs attempts. */
  calledHosts: string[] | undefined;
  /** Set when the service has written its reply, whether or not the client still waits. */
  answered?: boolean;
  /** This attempt's spans, while it may be sampled as a trace (see trace-log.ts). */
  trace?: TraceLog;
}

export function isRequestContext(context: unknown): context is RequestContext {
  return context !== undefined && context !== null && typeof (context as RequestContext).seq === 'number';
}

/** 2026-01-05T09:00:00Z: a Monday morning, when such pages tend to start. */
export const EPOCH_MS_DEFAULT = Date.UTC(2026, 0, 5, 9, 0, 0);
