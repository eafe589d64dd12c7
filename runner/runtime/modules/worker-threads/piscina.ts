/**
 * The simulated `piscina` (v5's API and defaults): a pool of worker threads, each running the
 * service's own file (see worker-threads.ts), that calls one of the file's exported functions
 * per task: `new Piscina({ filename: new URL(import.meta.url).href, name: 'hash' })`, then
 * `await pool.run(task)`. As in piscina, a task goes to a ready worker with room for it
 * (`concurrentTasksPerWorker`), or waits in a FIFO queue while more workers start, up to
 * `maxThreads`; a full queue (`maxQueue`) rejects with "Task queue is at limit"; workers above
 * `minThreads` leave after `idleTimeout` ms idle; task and result are structured-cloned, at
 * the cost message-clone.ts charges.
 *
 * Written for the lab rather than bundled: the real piscina is built on MessageChannel and
 * Atomics, which the lab's threads do not have. Simplified: no custom load balancer, no
 * `atomics`/`niceIncrement`/`resourceLimits`, no 'drain'/'needsDrain' events, histograms or
 * `Piscina.move`; a worker's uncaught error rejects the tasks it was running and the worker is
 * replaced (unless it failed while starting, when piscina stops replacing them). A pool's
 * threads count towards the instance's limit (WORKER_THREADS_MAX). A task carries the async
 * context it was run in, so what its handler does (queries, downstream calls) counts for the
 * request that ran it.
 */
import type { Platform } from '../../platform.ts';
import type { EventEmitterClass } from '../events/event-emitter.ts';
import { invalidArgType } from '../node-errors.ts';
import { cloneMessage, MESSAGE_HOP_MS } from './message-clone.ts';
import { checkFilename, copyError, threadLimitError, type ThreadHost, type ThreadSelf, WORKER_THREADS_MAX } from './worker-threads.ts';
import { hardenPlatform } from '../../harden-platform.ts';
import { traceOf } from '../../trace-log.ts';

interface Task {
  value: unknown;
  transfer: unknown[] | undefined;
  name: string;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  worker: PoolWorker | undefined;
  settled: boolean;
  /** The async context `run` was called in (the request, if any). */
  context: unknown;
  /** When `run` was called, for a trace's wait in the queue. */
  sinceMs: number;
}

interface PoolWorker {
  threadId: number;
  thread: Platform;
  /** Set on the worker's thread once the module has run. */
  exports: unknown;
  ready: boolean;
  running: Set<Task>;
  /** Bumped when the worker takes a task: an idle check from before is stale. */
  idleGen: number;
}

interface PoolOptions {
  filename: string;
  name: string;
  minThreads: number;
  maxThreads: number;
  idleTimeout: number;
  maxQueue: number;
  concurrentTasksPerWorker: number;
  workerData: unknown;
}

const abortError = (): Error => {
  const err = new Error('The task has been aborted');
  err.name = 'AbortError';
  return err;
};

const nonNegativeInt = (name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new TypeError(`options.${name} must be a non-negative integer`);
  return v;
};

/** Builds one thread's `piscina` module on that thread's EventEmitter. */
export function createPiscina(p: Platform, EventEmitter: EventEmitterClass, host: ThreadHost, self: ThreadSelf) {
  const Base = EventEmitter as unknown as new () => { emit(type: string | symbol, ...args: unknown[]): boolean };
  const parallelism = p.cores.count;

  class Piscina extends Base {
    readonly #o: PoolOptions;
    readonly #workers: PoolWorker[] = [];
    /** Tasks waiting for a worker, oldest first. */
    readonly #queue: Task[] = [];
    #completed = 0;
    #destroyed = false;
    #closing: (() => void) | undefined;
    /** Set once a worker failed before it was ready: piscina then stops replacing workers. */
    #bootFailed = false;

    constructor(options: Record<string, unknown> = {}) {
      super();
      if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'of type object', options);
      const filename = options.filename;
      if (filename === undefined || filename === null) {
        throw new Error('filename must be provided to run() or in options object: here, new URL(import.meta.url).href');
      }
      checkFilename(filename);
      for (const key of ['resourceLimits', 'atomics', 'niceIncrement', 'loadBalancer', 'env', 'argv', 'execArgv']) {
        if (options[key] !== undefined) throw new Error(`Piscina option '${key}' is not available in this lab.`);
      }
      let minThreads = Math.max(Math.floor(parallelism / 2), 1);
      let maxThreads = parallelism * 1.5;
      if (options.minThreads !== undefined) minThreads = nonNegativeInt('minThreads', options.minThreads);
      if (options.maxThreads !== undefined) {
        const m = options.maxThreads;
        if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) throw new TypeError('options.maxThreads must be a positive integer');
        maxThreads = m;
      }
      if (options.maxThreads !== undefined && minThreads >= maxThreads) minThreads = maxThreads;
      if (options.minThreads !== undefined && maxThreads <= minThreads) maxThreads = minThreads;
      const q = options.maxQueue;
      const maxQueue = q === 'auto' ? maxThreads ** 2 : q === undefined ? Infinity : nonNegativeInt('maxQueue', q);
      const idle = options.idleTimeout;
      if (idle !== undefined && (typeof idle !== 'number' || idle < 0))
        throw new TypeError('options.idleTimeout must be a non-negative integer');
      const perWorker = options.concurrentTasksPerWorker;
      if (perWorker !== undefined && (typeof perWorker !== 'number' || !Number.isInteger(perWorker) || perWorker < 1)) {
        throw new TypeError('options.concurrentTasksPerWorker must be a positive integer');
      }
      if (options.name !== undefined && typeof options.name !== 'string') throw new TypeError('options.name must be a string or null');
      this.#o = {
        filename: String(filename instanceof URL ? filename.href : filename),
        name: (options.name as string | undefined) ?? 'default',
        minThreads,
        maxThreads,
        idleTimeout: (idle as number | undefined) ?? 0,
        maxQueue,
        concurrentTasksPerWorker: (perWorker as number | undefined) ?? 1,
        workerData: options.workerData,
      };
      if (host.alive + minThreads > WORKER_THREADS_MAX) throw threadLimitError();
      while (this.#workers.length < minThreads) this.#spawn();
    }

    /** Runs `task` on a worker: the exported function `name` (default: the pool's) gets a copy of it. */
    run(task: unknown, options: { name?: string; signal?: unknown; transferList?: unknown[] } = {}): Promise<unknown> {
      return new p.Promise<unknown>((resolve, reject) => {
        if (this.#destroyed || this.#closing) {
          reject(new Error('Piscina pool is closed: it takes no more tasks'));
          return;
        }
        const name = options.name ?? this.#o.name;
        const t: Task = {
          value: task,
          transfer: options.transferList,
          name,
          resolve,
          reject,
          worker: undefined,
          settled: false,
          context: p.jobs.context,
          sinceMs: p.loop.now(),
        };
        const signal = options.signal as
          | { aborted: boolean; addEventListener(type: string, fn: () => void, o?: { once: boolean }): void }
          | undefined;
        if (signal) {
          if (signal.aborted) {
            reject(abortError());
            return;
          }
          signal.addEventListener('abort', () => this.#abort(t), { once: true });
        }
        const booting = this.#workers.filter((w) => !w.ready).length;
        if (this.#queue.length > 0) {
          if (this.#queue.length >= this.#o.maxQueue + booting * this.#o.concurrentTasksPerWorker) {
            reject(new Error('Task queue is at limit'));
            return;
          }
          this.#queue.push(t);
          this.#grow();
          return;
        }
        const w = this.#pick();
        if (w) {
          this.#dispatch(w, t);
          return;
        }
        this.#grow();
        if (this.#workers.length === 0) {
          // No worker, and none can start: every thread the instance may have is taken.
          reject(threadLimitError());
          return;
        }
        if (this.#o.maxQueue <= 0 && booting === 0 && this.#workers.every((x) => x.ready)) {
          reject(new Error('No task queue available and all Workers are busy'));
          return;
        }
        this.#queue.push(t);
      });
    }

    /** Tasks waiting for a worker. */
    get queueSize(): number {
      return this.#queue.length;
    }

    get completed(): number {
      return this.#completed;
    }

    get threads(): Array<{ threadId: number }> {
      return this.#workers.map((w) => ({ threadId: w.threadId }));
    }

    get options(): Readonly<PoolOptions> {
      return { ...this.#o };
    }

    /** Stops every worker now; tasks not finished are rejected. */
    destroy(): Promise<void> {
      this.#destroyed = true;
      for (const t of this.#queue.splice(0)) this.#settle(t, false, new Error('Terminating worker thread'));
      for (const w of this.#workers.splice(0)) this.#stop(w, new Error('Terminating worker thread'));
      return p.Promise.resolve();
    }

    /** Lets queued and running tasks finish, then stops the workers. */
    close(): Promise<void> {
      return new p.Promise<void>((resolve) => {
        const done = (): void => {
          void this.destroy();
          resolve();
        };
        if (this.#idle()) done();
        else this.#closing = done;
      });
    }

    static get isWorkerThread(): boolean {
      return self.threadId !== 0 && self.port === undefined;
    }

    static get workerData(): unknown {
      return self.threadId !== 0 && self.port === undefined ? self.workerData : undefined;
    }

    static get version(): string {
      return '5.1.3';
    }

    #idle(): boolean {
      return this.#queue.length === 0 && this.#workers.every((w) => w.running.size === 0);
    }

    /** The ready worker with the fewest tasks, if one has room. */
    #pick(): PoolWorker | undefined {
      let best: PoolWorker | undefined;
      for (const w of this.#workers) {
        if (!w.ready || w.running.size >= this.#o.concurrentTasksPerWorker) continue;
        if (!best || w.running.size < best.running.size) best = w;
      }
      return best;
    }

    /** One worker more, if the pool may grow and the instance has a thread to spare. */
    #grow(): void {
      if (this.#workers.length < this.#o.maxThreads && host.alive < WORKER_THREADS_MAX) this.#spawn();
    }

    /** Workers up to minThreads again, as far as the instance's limit allows. */
    #refill(): void {
      while (this.#workers.length < this.#o.minThreads && host.alive < WORKER_THREADS_MAX) this.#spawn();
    }

    #spawn(): void {
      const threadId = host.nextThreadId();
      const thread = host.create(threadId, p);
      const w: PoolWorker = { threadId, thread, exports: undefined, ready: false, running: new Set(), idleGen: 0 };
      this.#workers.push(w);
      host.boot(thread, {
        threadId,
        name: '',
        workerData: cloneMessage(this.#o.workerData).value,
        port: undefined,
        onOnline: () => {},
        onLoaded: (exports) => {
          w.exports = exports;
          p.loop.post(
            thread.loop.now() + MESSAGE_HOP_MS,
            () => {
              if (!this.#workers.includes(w)) return;
              w.ready = true;
              this.#drain();
            },
            undefined,
          );
        },
        onUncaught: (err) => {
          const copy = copyError(err);
          p.loop.post(thread.loop.now() + MESSAGE_HOP_MS, () => this.#failed(w, copy), undefined);
        },
      });
    }

    #failed(w: PoolWorker, err: unknown): void {
      const i = this.#workers.indexOf(w);
      if (i < 0) return;
      this.#workers.splice(i, 1);
      this.#stop(w, err);
      // A worker that fails before it is ready would fail again: piscina stops replacing them.
      if (!w.ready) this.#bootFailed = true;
      if (this.#destroyed || this.#bootFailed) return;
      this.#refill();
      if (this.#queue.length > 0) this.#grow();
      this.#drain();
    }

    #stop(w: PoolWorker, reason: unknown): void {
      w.thread.loop.halt();
      host.ended(w.threadId);
      for (const t of w.running) this.#settle(t, false, reason);
      w.running.clear();
    }

    #abort(t: Task): void {
      if (t.settled) return;
      const w = t.worker;
      if (!w) {
        const i = this.#queue.indexOf(t);
        if (i >= 0) this.#queue.splice(i, 1);
        this.#settle(t, false, abortError());
        return;
      }
      // Running: as piscina does, the worker running it is stopped and replaced.
      w.running.delete(t);
      this.#settle(t, false, abortError());
      this.#failed(w, abortError());
    }

    /**
     * Sends `t` to `w`. A task that cannot be copied (a function in it, a getter that throws)
     * is rejected with that error, as piscina's postTask does, and takes no room on the worker.
     */
    #dispatch(w: PoolWorker, t: Task): void {
      const dispatchMs = p.loop.now();
      let copy: unknown;
      let costMs: number;
      try {
        ({ value: copy, costMs } = cloneMessage(t.value, t.transfer === undefined ? undefined : transferList(t.transfer)));
      } catch (err) {
        this.#settle(t, false, err);
        return;
      }
      p.loop.charge(costMs, 'worker messages');
      // The copy ran the task's getters, which may have ended the pool or this worker meanwhile.
      if (t.settled || !this.#workers.includes(w)) {
        if (this.#destroyed) this.#settle(t, false, new Error('Terminating worker thread'));
        else if (!t.settled) this.#queue.unshift(t);
        return;
      }
      t.worker = w;
      w.running.add(t);
      if (dispatchMs > t.sinceMs)
        traceOf(t.context)?.add('worker.wait', `piscina queue: ${t.name}`, t.sinceMs, dispatchMs, { thread: w.threadId });
      w.idleGen++;
      const thread = w.thread;
      thread.loop.post(
        p.loop.now() + MESSAGE_HOP_MS,
        () => {
          thread.loop.charge(costMs, 'worker messages');
          this.#runOnWorker(w, t, copy);
        },
        t.context,
      );
    }

    /** On the worker's thread: calls the handler, and sends its result (or error) back. */
    #runOnWorker(w: PoolWorker, t: Task, copy: unknown): void {
      const reply = (ok: boolean, value: unknown): void => {
        let result: unknown = value;
        let costMs = 0;
        if (ok) {
          try {
            ({ value: result, costMs } = cloneMessage(value));
          } catch (err) {
            ok = false;
            result = err;
          }
        }
        if (!ok) result = copyError(result);
        w.thread.loop.charge(costMs, 'worker messages');
        p.loop.post(
          w.thread.loop.now() + MESSAGE_HOP_MS,
          () => {
            p.loop.charge(costMs, 'worker messages');
            if (!w.running.delete(t)) return;
            this.#completed++;
            this.#settle(t, ok, result);
            this.#drain();
            this.#maybeRetire(w);
          },
          t.context,
        );
      };
      const handler = handlerOf(w.exports, t.name);
      if (typeof handler !== 'function') {
        reply(false, new Error(`No handler function "${t.name}" exported from ${this.#o.filename}`));
        return;
      }
      let out: unknown;
      try {
        out = (handler as (task: unknown) => unknown)(copy);
      } catch (err) {
        reply(false, err);
        return;
      }
      if (
        out !== null &&
        (typeof out === 'object' || typeof out === 'function') &&
        typeof (out as PromiseLike<unknown>).then === 'function'
      ) {
        (out as PromiseLike<unknown>).then(
          (v) => reply(true, v),
          (e) => reply(false, e),
        );
      } else reply(true, out);
    }

    #settle(t: Task, ok: boolean, value: unknown): void {
      if (t.settled) return;
      t.settled = true;
      if (ok) t.resolve(value);
      else t.reject(value);
    }

    #drain(): void {
      for (;;) {
        const t = this.#queue[0];
        if (!t) break;
        const w = this.#pick();
        if (!w) break;
        this.#queue.shift();
        if (!t.settled) this.#dispatch(w, t);
      }
      if (this.#closing && this.#idle()) {
        const done = this.#closing;
        this.#closing = undefined;
        done();
      }
    }

    /** A worker above `minThreads` leaves once idle for `idleTimeout` ms. */
    #maybeRetire(w: PoolWorker): void {
      if (w.running.size > 0 || this.#workers.length <= this.#o.minThreads || this.#o.idleTimeout === Infinity) return;
      const gen = w.idleGen;
      p.kernel.at(p.loop.now() + this.#o.idleTimeout, () => {
        if (w.idleGen !== gen || w.running.size > 0 || this.#workers.length <= this.#o.minThreads) return;
        const i = this.#workers.indexOf(w);
        if (i < 0) return;
        this.#workers.splice(i, 1);
        this.#stop(w, new Error('Terminating worker thread'));
      });
    }
  }

  Object.defineProperty(Piscina, 'Piscina', { value: Piscina, enumerable: true });
  return hardenPlatform(Piscina);
}

/** A run's transferList: an Array, or piscina refuses it. */
function transferList(list: unknown): unknown[] {
  if (!Array.isArray(list)) throw new TypeError('transferList argument must be an Array');
  return list;
}

/** piscina's lookup: the export `name`, or the module itself when it is the function. */
function handlerOf(exports: unknown, name: string): unknown {
  if (exports === null || exports === undefined) return undefined;
  const named = (exports as Record<string, unknown>)[name];
  if (typeof named === 'function') return named;
  if (name === 'default' && typeof exports === 'function') return exports;
  return named;
}
