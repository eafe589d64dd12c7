/**
 * The worker threads of one instance of the service (see runtime/modules/worker-threads):
 * each is a thread of the instance's process (world.ts) with an environment of its own
 * (environment.ts) in which the service's module runs again. It shares the process's cores,
 * libuv pool, console and database; it has its own event loop, Promise class, modules and
 * CPU meter, so its work is charged to it and not to the main thread.
 *
 * Threads form a tree: when a thread ends (terminated, or stopped by an uncaught error), the
 * threads it started end with it, as Node stops a worker's own workers with it.
 *
 * A worker's use of libuv's pool (async crypto) shares the pool's threads and queue with the
 * main thread, and its callback runs on the worker. The pool (thread-pool.ts) posts every
 * completion to the main thread, so a worker's completion is relayed from there: it costs the
 * main thread one empty task and waits for it to be free. Simplified, until the pool posts to
 * the thread that submitted (and reads that thread's clock, which the relay has to wait for).
 */
import type { Platform } from '../runtime/platform.ts';
import type { ThreadPool } from '../runtime/process/thread-pool.ts';
import type { ConsoleCapture } from '../runtime/modules/console.ts';
import { copyError, type ThreadHost, type ThreadSpec, WORKER_BOOT_CPU_MS } from '../runtime/modules/worker-threads/worker-threads.ts';
import { createWorkerThread } from '../world.ts';
import { createServiceEnvironment, type ServiceEnvironment } from './environment.ts';
import type { LoadServiceInput } from './load-service.ts';

interface LiveThread {
  thread: Platform;
  parent: Platform;
}

/**
 * The host of an instance's worker threads. `onEnvironment` hears of each thread's environment
 * as it boots: what a thread tallies (downstream attempts, leaked clients) is the instance's.
 */
export function createThreadHost(
  input: LoadServiceInput,
  threadPool: ThreadPool,
  mainConsole: () => ConsoleCapture,
  onEnvironment: (env: ServiceEnvironment) => void,
): ThreadHost {
  const { p, errors, compiled } = input;
  let lastId = 0;
  /** Threads started and not ended, by id, in the order they were started. */
  const live = new Map<number, LiveThread>();
  const specs = new WeakMap<Platform, ThreadSpec>();

  /** Ends the threads `parent` started (and theirs). */
  const endChildren = (parent: Platform): void => {
    for (const [id, t] of [...live]) if (t.parent === parent) host.ended(id);
  };

  const host: ThreadHost = {
    nextThreadId: () => ++lastId,
    get alive() {
      return live.size;
    },
    create(threadId, parent) {
      const thread: Platform = createWorkerThread(p, p.rng.fork(`thread-${threadId}`), (err, _route, prefix) => {
        // Node's worker stops at its first uncaught error and hands a copy to its parent. The
        // copy is made now, while the thread runs (it may run the value's getters), and is
        // plain data: reporting it runs none of the service's code, and cannot throw.
        const first = !thread.loop.isHalted;
        thread.loop.halt();
        const copy = copyError(err);
        errors.record(copy, undefined, `Worker thread ${threadId}: ${prefix}`);
        if (!first) return;
        const spec = specs.get(thread);
        // Nothing it sends after the error reaches its parent.
        spec?.port?.close();
        endChildren(thread);
        spec?.onUncaught(copy);
      });
      thread.loop.threadId = threadId;
      live.set(threadId, { thread, parent });
      return thread;
    },
    boot(thread, spec) {
      specs.set(thread, spec);
      thread.loop.post(
        p.loop.now(),
        () => {
          thread.loop.charge(WORKER_BOOT_CPU_MS);
          spec.onOnline();
          const env = createServiceEnvironment(
            { ...input, p: thread },
            { threadPool: poolOfThread(thread, threadPool), host, self: spec, mainConsole: mainConsole() },
          );
          onEnvironment(env);
          spec.onLoaded(env.realm.evaluateCommonJs(compiled.js, env.require));
        },
        undefined,
      );
    },
    ended(threadId) {
      const t = live.get(threadId);
      if (!t) return;
      live.delete(threadId);
      t.thread.loop.halt();
      specs.get(t.thread)?.port?.close();
      endChildren(t.thread);
    },
  };
  return host;
}

/**
 * libuv's pool as a worker thread uses it: the process's one pool (its threads and queue),
 * with the completion run on the worker, in the context the work was submitted in.
 */
function poolOfThread(thread: Platform, pool: ThreadPool): ThreadPool {
  const view = {
    get size() {
      return pool.size;
    },
    get queueLengthMax() {
      return pool.queueLengthMax;
    },
    get completed() {
      return pool.completed;
    },
    get queued() {
      return pool.queued;
    },
    get active() {
      return pool.active;
    },
    submit(durationMs: number, onDone: () => void, name?: string): void {
      const context = thread.jobs.context;
      const done = (): void => thread.loop.postNow(onDone, context);
      // The pool reads the submit's time on the main thread's clock; the work starts at the
      // worker's, later in its task.
      const atMs = thread.loop.now();
      if (atMs <= thread.kernel.nowMs || !(durationMs >= 0 && durationMs < Infinity)) {
        pool.submit(durationMs, done, name);
        return;
      }
      thread.kernel.at(atMs, () => {
        try {
          pool.submit(durationMs, done, name);
        } catch (err) {
          // The pool's queue filled meanwhile: the worker hears of it as an uncaught error.
          thread.loop.postNow(() => {
            throw err;
          }, context);
        }
      });
    },
  };
  return view as unknown as ThreadPool;
}
