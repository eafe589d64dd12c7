/**
 * The worker threads of one instance of the service (see runtime/modules/worker-threads):
 * each is a thread of the instance's process (world.ts) with an environment of its own
 * (environment.ts) in which the service's module runs again. It shares the process's cores,
 * libuv pool, console and database; it has its own event loop, Promise class, modules and
 * CPU meter, so its work is charged to it and not to the main thread.
 */
import type { Platform } from '../runtime/platform.ts';
import type { ThreadPool } from '../runtime/process/thread-pool.ts';
import type { ConsoleCapture } from '../runtime/modules/console.ts';
import { type ThreadHost, type ThreadSpec, WORKER_BOOT_CPU_MS } from '../runtime/modules/worker-threads/worker-threads.ts';
import { createWorkerThread } from '../world.ts';
import { createServiceEnvironment } from './environment.ts';
import type { LoadServiceInput } from './load-service.ts';

export function createThreadHost(input: LoadServiceInput, threadPool: ThreadPool, mainConsole: () => ConsoleCapture): ThreadHost {
  const { p, errors, compiled } = input;
  let lastId = 0;
  let alive = 0;
  const specs = new WeakMap<Platform, ThreadSpec>();

  const host: ThreadHost = {
    nextThreadId: () => ++lastId,
    get alive() {
      return alive;
    },
    create(threadId) {
      alive++;
      const thread: Platform = createWorkerThread(p, p.rng.fork(`thread-${threadId}`), (err, _route, prefix) => {
        // Node's worker stops at its first uncaught error and hands a copy to its parent.
        thread.loop.halt();
        errors.record(err, undefined, `Worker thread ${threadId}: ${prefix}`);
        specs.get(thread)?.onUncaught(err);
      });
      return thread;
    },
    boot(thread, spec) {
      specs.set(thread, spec);
      thread.loop.post(
        p.loop.now(),
        () => {
          thread.loop.charge(WORKER_BOOT_CPU_MS);
          spec.onOnline();
          const env = createServiceEnvironment({ ...input, p: thread }, { threadPool, host, self: spec, mainConsole: mainConsole() });
          spec.onLoaded(env.realm.evaluateCommonJs(compiled.js, env.require));
        },
        undefined,
      );
    },
    ended() {
      alive--;
    },
  };
  return host;
}
