/**
 * The async context jobs run in (JobQueue.context: the request a job belongs to) against
 * AsyncLocalStorage in Node. The simulator attributes CPU, DB queries, errors and follow-up
 * I/O to `jobs.context`, so a continuation must run in the context of the code that was
 * waiting for it, not of whoever happened to settle the promise: in Node a `then` (and so
 * an `await`) callback runs in the context that was current when `then` was called.
 *
 * The same script runs natively with AsyncLocalStorage and, lowered, on the simulator:
 * `run(ctx, fn)` runs fn in context ctx, `store()` reads the current context, `later(ctx,
 * fn)` is a later macrotask running in ctx.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../../../../runner/runtime/process/job-queue.ts';
import { createPromiseClass } from '../../../../../runner/runtime/process/sim-promise.ts';
import { compile } from './harness.ts';

const SCRIPT = `
  let resolveShared;
  const shared = run('creator', () => new Promise((r) => { resolveShared = r; }));
  run('A', () => { shared.then(() => log.push('then registered in A: ' + store())); });
  shared.then(() => log.push('then registered outside any context: ' + store()));
  run('A2', () => {
    (async () => {
      await shared;
      log.push('await in A2: ' + store());
      await null;
      log.push('A2 after another await: ' + store());
    })();
  });
  run('C', () => {
    queueMicrotask(() => log.push('queueMicrotask in C: ' + store()));
    process.nextTick(() => log.push('nextTick in C: ' + store()));
  });
  later('B', () => { log.push('B resolves: ' + store()); resolveShared(1); });
  later('E', () => {
    const settled = run('D', () => Promise.resolve());
    run('E2', () => settled.then(() => log.push('then on a settled promise, registered in E2: ' + store())));
  });
`;

async function runNative(): Promise<string[]> {
  const als = new AsyncLocalStorage<string>();
  const log: string[] = [];
  const run = <T>(ctx: string, fn: () => T): T => als.run(ctx, fn);
  const store = (): string | undefined => als.getStore();
  let last = Promise.resolve();
  const later = (ctx: string, fn: () => void): void => {
    last = last.then(
      () =>
        new Promise<void>((r) =>
          setTimeout(() => {
            als.run(ctx, fn);
            r();
          }, 1),
        ),
    );
  };
  await new Promise<void>((r) =>
    setTimeout(() => {
      new Function('log', 'run', 'store', 'later', SCRIPT)(log, run, store, later);
      r();
    }, 0),
  );
  await last;
  await new Promise((r) => setTimeout(r, 5));
  return log;
}

async function runSim(): Promise<string[]> {
  const jobs = new JobQueue();
  const P = createPromiseClass(jobs);
  const log: string[] = [];
  const run = <T>(ctx: string, fn: () => T): T => {
    const outer = jobs.context;
    jobs.context = ctx;
    try {
      return fn();
    } finally {
      jobs.context = outer;
    }
  };
  const store = (): unknown => jobs.context;
  const tasks: [string, () => void][] = [];
  const later = (ctx: string, fn: () => void): void => void tasks.push([ctx, fn]);
  const drain = (): void =>
    jobs.drain(
      (err) => {
        throw err;
      },
      () => {},
    );
  const nextTick = (fn: (...a: unknown[]) => void, ...args: unknown[]): void => jobs.enqueueTick(() => fn(...args));
  const code = await compile(SCRIPT);
  new Function('Promise', 'queueMicrotask', 'process', 'log', 'run', 'store', 'later', code)(
    P,
    (fn: () => void) => jobs.enqueue(fn),
    { nextTick },
    log,
    run,
    store,
    later,
  );
  drain();
  // The event loop's turns: each task runs in its context, then its jobs drain.
  for (const [ctx, fn] of tasks) {
    jobs.context = ctx;
    fn();
    drain();
    jobs.context = undefined;
  }
  return log;
}

describe('async context of jobs follows AsyncLocalStorage', () => {
  it('runs reactions in the context then/await was called in, as Node does', async () => {
    const native = await runNative();
    expect(native).toEqual([
      'nextTick in C: C',
      'queueMicrotask in C: C',
      'B resolves: B',
      'then registered in A: A',
      'then registered outside any context: undefined',
      'await in A2: A2',
      'A2 after another await: A2',
      'then on a settled promise, registered in E2: E2',
    ]);
    expect(await runSim()).toEqual(native);
  });
});
