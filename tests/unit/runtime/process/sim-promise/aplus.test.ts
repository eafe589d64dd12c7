/**
 * The public Promises/A+ compliance suite (promises-aplus-tests 2.1.2, 872 tests) run
 * against SimPromise.
 *
 * SimPromise never touches the host's microtask queue: its reactions go on a JobQueue that
 * the simulator drains at the end of each turn of its event-loop model. The suite knows
 * nothing of that; it drives real time with `setTimeout` and expects callbacks to have run
 * by its next timer, as they would with native promises. So the adapter plays the
 * simulator's part: whenever a job is enqueued on an idle queue it schedules one host
 * `queueMicrotask` that drains the queue. A host microtask (rather than `setImmediate`)
 * drains right after the host task that enqueued the job, before any other timer callback,
 * which is exactly when native reactions would run; `setImmediate` would let a second
 * expired timer of the same timers phase run first and observe the promise unsettled.
 * Jobs still run only after the code that enqueued them has returned ("platform code",
 * A+ 2.2.4), since they never run inside `enqueue`.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../../../../runner/runtime/process/job-queue.ts';
import { createPromiseClass } from '../../../../../runner/runtime/process/sim-promise.ts';

const require = createRequire(import.meta.url);

interface Deferred {
  promise: PromiseLike<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

interface Adapter {
  resolved(value: unknown): PromiseLike<unknown>;
  rejected(reason: unknown): PromiseLike<unknown>;
  deferred(): Deferred;
}

interface SuiteResult {
  total: number;
  passes: number;
  failures: { title: string; error: string }[];
  drainErrors: unknown[];
  trackerCalls: { rejectedUnhandled: number; handledLater: number };
  jobsRun: number;
}

/** A host-drained SimPromise world: the class plus the queue's bookkeeping. */
function hostDrainedSimPromise(): {
  P: PromiseConstructor;
  jobs: JobQueue;
  drainErrors: unknown[];
  trackerCalls: SuiteResult['trackerCalls'];
} {
  const jobs = new JobQueue();
  const drainErrors: unknown[] = [];
  const trackerCalls = { rejectedUnhandled: 0, handledLater: 0 };
  let scheduled = false;
  const drain = (): void => {
    scheduled = false;
    // Reactions never throw into the queue (their exceptions reject the derived promise),
    // so anything reaching onError is a bug.
    jobs.drain(
      (err) => drainErrors.push(err),
      () => {},
    );
  };
  const schedule = (): void => {
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(drain);
    }
  };
  const enqueue = jobs.enqueue.bind(jobs);
  const enqueueIn = jobs.enqueueIn.bind(jobs);
  jobs.enqueue = (job) => {
    enqueue(job);
    schedule();
  };
  jobs.enqueueIn = (job, context) => {
    enqueueIn(job, context);
    schedule();
  };
  // A tracker that only counts, so the suite also exercises the rejection-tracking paths.
  const P = createPromiseClass(jobs, {
    rejectedUnhandled: () => void trackerCalls.rejectedUnhandled++,
    handledLater: () => void trackerCalls.handledLater++,
  });
  return { P, jobs, drainErrors, trackerCalls };
}

function adapterFor(P: PromiseConstructor): Adapter {
  return {
    resolved: (value) => P.resolve(value),
    rejected: (reason) => P.reject(reason),
    deferred: () => {
      let resolve!: (v: unknown) => void;
      let reject!: (e: unknown) => void;
      const promise = new P((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  };
}

/** Runs the whole suite through its programmatic API with a silent, counting reporter. */
function runSuite(): Promise<SuiteResult> {
  const promisesAplusTests = require('promises-aplus-tests') as (
    adapter: Adapter,
    mochaOpts: object,
    cb: (err: Error | null) => void,
  ) => void;
  const { P, jobs, drainErrors, trackerCalls } = hostDrainedSimPromise();
  const counts = { total: 0, passes: 0, failures: [] as SuiteResult['failures'] };

  // A mocha (2.x) reporter is a constructor taking the runner.
  function CountingReporter(runner: { total: number; on(ev: string, fn: (...args: never[]) => void): void }): void {
    counts.total = runner.total;
    runner.on('pass', () => void counts.passes++);
    runner.on('fail', (test: { fullTitle(): string }, err: Error) => {
      counts.failures.push({ title: test.fullTitle(), error: String(err?.message) });
    });
  }

  // mocha's bdd interface installs these as globals; put back whatever was there.
  const mochaGlobals = [
    'describe',
    'it',
    'specify',
    'context',
    'before',
    'after',
    'beforeEach',
    'afterEach',
    'xdescribe',
    'xit',
    'xspecify',
    'xcontext',
    'suite',
    'test',
    'run',
    'setup',
    'teardown',
    'suiteSetup',
    'suiteTeardown',
  ];
  const g = globalThis as Record<string, unknown>;
  const saved = mochaGlobals.map((k) => [k, Object.getOwnPropertyDescriptor(g, k)] as const);

  return new Promise((resolve) => {
    // mocha's default 200 ms per test is too tight on a loaded 2-core machine; correct code never waits.
    promisesAplusTests(adapterFor(P), { reporter: CountingReporter, timeout: 5000 }, () => {
      for (const [k, d] of saved) {
        if (d) Object.defineProperty(g, k, d);
        else delete g[k];
      }
      resolve({ ...counts, drainErrors, trackerCalls, jobsRun: jobs.jobsRun });
    });
  });
}

describe('SimPromise against the Promises/A+ compliance suite', () => {
  it('passes every test of promises-aplus-tests', async () => {
    const r = await runSuite();
    // The count and the first few failures with their titles, readable in the diff.
    expect({ failed: r.failures.length, first: r.failures.slice(0, 5) }).toEqual({ failed: 0, first: [] });
    expect(r.total).toBeGreaterThanOrEqual(872);
    expect(r.passes).toBe(r.total);
    expect(r.drainErrors).toEqual([]);
    // The queue really carried the work and the tracker saw the suite's floating rejections.
    expect(r.jobsRun).toBeGreaterThan(r.total);
    expect(r.trackerCalls.rejectedUnhandled).toBeGreaterThan(0);
    expect(r.trackerCalls.handledLater).toBeGreaterThan(0);
    console.log(`promises-aplus-tests: ${r.passes}/${r.total} passed, ${r.jobsRun} jobs run`);
    // A broken implementation makes many tests wait out the suite's 200 ms timeout each.
  });
});
