/**
 * Runs a snippet of user code two ways and returns what it logged:
 *  - natively: untransformed async/await on Node's own Promise, queueMicrotask and
 *    process.nextTick, started from a timer callback (a macrotask, like a request handler)
 *    so Node's tick-then-microtask order applies, and read back from a later timer;
 *  - simulated: compiled with the runner's async lowering and evaluated with `Promise`,
 *    `queueMicrotask` and `process` bound to the simulator's, then drained once.
 */
import { transform } from 'esbuild-wasm';
import { JobQueue } from '../../../../../runner/runtime/process/job-queue.ts';
import { createPromiseClass, type RejectionTracker } from '../../../../../runner/runtime/process/sim-promise.ts';

/** The runner's compile options: async/await, async generators and for-await lowered. */
export const LOWERING = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  supported: { 'async-await': false, 'async-generator': false, 'for-await': false },
} as const;

/**
 * Prepended to every snippet. `ticks(n)` logs t1..tn on n consecutive promise jobs, a clock
 * against which the other labels show how many jobs each step took.
 */
const PRELUDE = `'use strict';
function ticks(n, tag = 't') {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => { log.push(tag + i); });
  return p;
}
`;

export async function runNative(snippet: string): Promise<string[]> {
  return runOnHost(PRELUDE + snippet);
}

/**
 * The lowered code on Node's own Promise: separates what the lowering changes (esbuild's
 * helpers) from what SimPromise changes. SimPromise must match this one exactly.
 */
export async function runLoweredNative(snippet: string): Promise<string[]> {
  return runOnHost(await compile(snippet));
}

async function runOnHost(code: string): Promise<string[]> {
  const log: string[] = [];
  const fn = new Function('log', code) as (log: string[]) => void;
  await new Promise<void>((resolve, reject) => {
    setTimeout(() => {
      try {
        fn(log);
      } catch (err) {
        reject(err);
        return;
      }
      // Every tick and microtask the snippet causes runs before this timer fires.
      setTimeout(resolve, 5);
    }, 0);
  });
  return log;
}

export async function compile(snippet: string): Promise<string> {
  const { code } = await transform(PRELUDE + snippet, LOWERING);
  return code;
}

export interface SimRun {
  log: string[];
  /** Exceptions that reached the queue's onError (tick / queueMicrotask callbacks). */
  errors: unknown[];
  tracker: { unhandled: unknown[]; handledLater: object[]; rejectedPromises: object[] };
  jobsRun: number;
  /** The log when `drain` returned, before any host turn could run. */
  logAtDrain: string[];
}

export async function runSim(snippet: string): Promise<SimRun> {
  const code = await compile(snippet);
  const outsideStrings = code.replace(/"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, '""');
  if (/\bawait\b|\basync\b/.test(outsideStrings.replace(/__async\w*|__await|__forAwait/g, ''))) {
    throw new Error(`lowering left async/await in the output:\n${code}`);
  }
  const jobs = new JobQueue();
  const tracker: SimRun['tracker'] = { unhandled: [], handledLater: [], rejectedPromises: [] };
  const t: RejectionTracker = {
    rejectedUnhandled(promise, reason) {
      tracker.rejectedPromises.push(promise);
      tracker.unhandled.push(reason);
    },
    handledLater(promise) {
      tracker.handledLater.push(promise);
    },
  };
  const P = createPromiseClass(jobs, t);
  const log: string[] = [];
  const errors: unknown[] = [];
  const sandboxProcess = {
    nextTick(fn: (...args: unknown[]) => void, ...args: unknown[]): void {
      jobs.enqueueTick(args.length ? () => fn(...args) : fn);
    },
  };
  const sandboxQueueMicrotask = (fn: () => void): void => jobs.enqueue(fn);
  const fn = new Function('Promise', 'queueMicrotask', 'process', 'log', code);
  fn(P, sandboxQueueMicrotask, sandboxProcess, log);
  jobs.drain(
    (err) => errors.push(err),
    () => {},
  );
  const logAtDrain = log.slice();
  // Give the host a few turns: a continuation that escaped to a native promise would log now.
  await new Promise((r) => setTimeout(r, 5));
  return { log, errors, tracker, jobsRun: jobs.jobsRun, logAtDrain };
}
