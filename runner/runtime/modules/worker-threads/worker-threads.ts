/**
 * The simulated `node:worker_threads`. A `Worker` runs the service's own file again on a
 * thread of its own: its own event loop, job queue, Promise class and modules (a worker is
 * its own V8 isolate in Node), on the machine's cores with the main thread and libuv's pool
 * (cpu-cores.ts). CPU work moved there no longer blocks the main loop; more busy threads than
 * cores slow each other down. Messages are structured-cloned, and both sides pay for the
 * copy (message-clone.ts). A new thread spends `WORKER_BOOT_CPU_MS` starting, then runs the
 * module's top level, then takes its messages.
 *
 * The service is one module, so a worker runs that module, as `new Worker(new
 * URL(import.meta.url))` or `new Worker(__filename)` does in Node; the module tells the two
 * apart with `isMainThread`. In a worker the module's top level runs, its route registration
 * does not (no server listens there).
 *
 * A message carries the sender's async context (its request, if any), as libuv's pool work
 * does: what a worker does for a request (queries, downstream calls) counts for that request,
 * wherever it runs; the worker's AsyncLocalStorage stores stay its own.
 *
 * Simplified: no MessageChannel or BroadcastChannel, and the service has no SharedArrayBuffer
 * (one real thread runs every simulated one, so Atomics.wait would block them all); `ref`/`unref` change nothing (a
 * run ends at its duration, not when its loops empty); an error thrown in a worker is copied
 * to the parent as Node copies it (name, message, stack), and also listed in the run's errors.
 */
import type { Platform } from '../../platform.ts';
import type { EventEmitterClass } from '../events/event-emitter.ts';
import { invalidArgType } from '../node-errors.ts';
import { hardenPlatform } from '../../harden-platform.ts';
import { cloneMessage, MESSAGE_HOP_MS } from './message-clone.ts';

/** CPU a new thread spends before it runs the module: V8 isolate and Node bootstrap (≈ 30 ms measured). */
export const WORKER_BOOT_CPU_MS = 30;
/** Worker threads one instance may have alive at once: a guard against a spawning loop. */
export const WORKER_THREADS_MAX = 64;
/** Where the service's one file lives, as `__filename` and `import.meta.url` give it. */
export const SERVICE_PATH = '/app/service.ts';
export const SERVICE_URL = `file://${SERVICE_PATH}`;

/** What one thread's `worker_threads` knows of itself. */
export interface ThreadSelf {
  threadId: number;
  /** The copy of the parent's `workerData` (undefined on the main thread). */
  workerData: unknown;
  /** The worker's end of the link to its parent; undefined on the main thread and in piscina's workers. */
  port: PortEnd | undefined;
}

/** A worker thread as its parent starts it. */
export interface ThreadSpec extends ThreadSelf {
  name: string;
  /** On the new thread, once it has booted (before the module runs): Node's 'online'. */
  onOnline(): void;
  /** On the new thread, once the module's top level has run. */
  onLoaded(exports: unknown): void;
  /** On the new thread: an exception nothing caught there. The thread is halted first. */
  onUncaught(err: unknown): void;
}

/** The threads of one instance of the service (implemented by the sandbox, which evaluates the module). */
export interface ThreadHost {
  /** A fresh thread id: 1, 2, … per instance, as in Node. */
  nextThreadId(): number;
  /** A new thread started by `parent`, not yet running anything. */
  create(threadId: number, parent: Platform): Platform;
  /** Boots `thread` as a task on its own loop, now, then runs the module in it. */
  boot(thread: Platform, spec: ThreadSpec): void;
  /** Threads alive now, besides the main one. */
  readonly alive: number;
  /**
   * A thread has ended (terminated, or failed): it runs nothing more and is no longer counted,
   * and neither are the threads it started (Node stops a worker's own workers with it).
   */
  ended(threadId: number): void;
}

/**
 * One end of the link between a worker and its parent. What one end sends is copied on the
 * sender's thread and delivered as a task on the other end's thread. Messages that arrive
 * before the receiver listens wait, as a MessagePort queues them until it is started.
 */
export class PortEnd {
  peer: PortEnd | undefined;
  #listener: ((value: unknown) => void) | undefined;
  /** Messages that arrived before anyone listened, each with the context it was sent in. */
  #inbox: Array<{ copy: unknown; context: unknown }> = [];
  #closed = false;

  constructor(readonly p: Platform) {}

  static pair(a: Platform, b: Platform): [PortEnd, PortEnd] {
    const ea = new PortEnd(a);
    const eb = new PortEnd(b);
    ea.peer = eb;
    eb.peer = ea;
    return [ea, eb];
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(value: unknown, transfer?: unknown): void {
    const peer = this.peer;
    if (this.#closed || !peer) return;
    const list = transferList(transfer);
    const { value: copy, costMs } = cloneMessage(value, list);
    this.p.loop.charge(costMs, 'worker messages');
    const context = this.p.jobs.context;
    peer.p.loop.post(
      this.p.loop.now() + MESSAGE_HOP_MS,
      () => {
        peer.p.loop.charge(costMs, 'worker messages');
        peer.#arrive(copy, context);
      },
      context,
    );
  }

  #arrive(copy: unknown, context: unknown): void {
    if (this.#closed) return;
    if (this.#listener) this.#listener(copy);
    else this.#inbox.push({ copy, context });
  }

  /** Starts delivery; messages that waited are delivered now, each as a task of its own. */
  listen(listener: (value: unknown) => void): void {
    if (this.#listener) return;
    this.#listener = listener;
    for (const m of this.#inbox.splice(0)) this.p.loop.postNow(() => listener(m.copy), m.context);
  }

  close(): void {
    this.#closed = true;
    this.#inbox.length = 0;
  }
}

function transferList(transfer: unknown): unknown[] | undefined {
  if (transfer === undefined || transfer === null) return undefined;
  if (Array.isArray(transfer)) return transfer;
  const list = (transfer as { transfer?: unknown }).transfer;
  if (Array.isArray(list)) return list;
  throw invalidArgType('transferList', 'an Array', transfer);
}

/** Node's words for options the lab has nothing behind. */
const REFUSED_OPTIONS: Readonly<Record<string, string>> = {
  eval: "code strings are not run as workers here: put the worker's code in this file behind `if (!isMainThread)`",
  resourceLimits: 'the lab has no memory model, so no heap limits',
  argv: 'a worker here reads its input from workerData',
  execArgv: 'the lab runs no node command line',
  stdin: 'a worker here has no stdin; send it messages',
  stdout: "a worker's console output goes to the run's console",
  stderr: "a worker's console output goes to the run's console",
  trackUnmanagedFds: 'the lab has no file descriptors',
  env: 'workers share the service\u2019s process.env here',
};

/** What a service that wants one thread more than the lab's limit is told. */
export function threadLimitError(): Error {
  return new Error(
    `This instance already runs ${WORKER_THREADS_MAX} worker threads, the lab's limit: create a fixed pool ` +
      '(one worker per core, os.availableParallelism()) and reuse it, instead of a worker per task. ' +
      'A file that is its own worker starts its pool only on the main thread (isMainThread, Piscina.isWorkerThread).',
  );
}

/** The file a Worker is asked to run, if it is the service's own; else a clear refusal. */
export function checkFilename(filename: unknown): void {
  let path: string;
  if (typeof filename === 'string') path = filename;
  else if (filename instanceof URL) path = filename.href;
  else throw invalidArgType('filename', 'of type string or an instance of URL', filename);
  const bare = path.replace(/^file:\/\//, '').replace(/[?#].*$/, '');
  const base = bare.slice(bare.lastIndexOf('/') + 1);
  if (base === 'service.ts' || base === 'service.js') return;
  throw new Error(
    `Worker cannot run '${path}': the service is one file here, so a worker runs that file. ` +
      'Write `new Worker(new URL(import.meta.url), { workerData })` (or `new Worker(__filename, ...)`) ' +
      "and put the worker's code behind `if (!isMainThread)`, with parentPort.on('message', ...).",
  );
}

/** Builds one thread's `worker_threads` module on that thread's EventEmitter. */
export function createWorkerThreads(p: Platform, EventEmitter: EventEmitterClass, host: ThreadHost, self: ThreadSelf) {
  const Base = EventEmitter as unknown as new () => {
    emit(type: string | symbol, ...args: unknown[]): boolean;
    on(type: string | symbol, fn: (...a: unknown[]) => unknown): unknown;
  };

  class Worker extends Base {
    readonly #end: PortEnd;
    readonly #thread: Platform;
    readonly #threadId: number;
    #exited = false;
    #exitCode: number | undefined;
    readonly #exitWaiters: Array<(code: number) => void> = [];

    constructor(filename: string | URL, options: Record<string, unknown> = {}) {
      super();
      if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'of type object', options);
      for (const [key, why] of Object.entries(REFUSED_OPTIONS)) {
        if (options[key] !== undefined && options[key] !== false)
          throw new Error(`Worker option '${key}' is not available in this lab: ${why}.`);
      }
      checkFilename(filename);
      if (host.alive >= WORKER_THREADS_MAX) throw threadLimitError();
      const { value: workerData, costMs } = cloneMessage(options.workerData, transferList(options.transferList));
      p.loop.charge(costMs, 'worker messages');
      const threadId = host.nextThreadId();
      this.#threadId = threadId;
      const name = typeof options.name === 'string' ? options.name : '';
      const thread = host.create(threadId, p);
      this.#thread = thread;
      // The parent's end of the link: its messages become this Worker's 'message' events.
      const [parentEnd, workerEnd] = PortEnd.pair(p, thread);
      this.#end = parentEnd;
      parentEnd.listen((value) => {
        if (this.#alive()) this.emit('message', value);
      });
      const toParent = (fn: () => void): void => {
        p.loop.post(thread.loop.now() + MESSAGE_HOP_MS, fn, undefined);
      };
      host.boot(thread, {
        threadId,
        name,
        workerData,
        port: workerEnd,
        onOnline: () => toParent(() => this.#alive() && this.emit('online')),
        onLoaded: () => {},
        onUncaught: (err) => {
          const copy = copyError(err);
          toParent(() => {
            if (!this.#alive()) return;
            try {
              this.emit('error', copy);
            } finally {
              this.#exit(1);
            }
          });
        },
      });
    }

    get threadId(): number {
      return this.#threadId;
    }

    #alive(): boolean {
      return !this.#exited;
    }

    #exit(code: number): void {
      if (this.#exited) return;
      this.#exited = true;
      this.#exitCode = code;
      this.#thread.loop.halt();
      this.#end.close();
      this.#end.peer?.close();
      host.ended(this.#threadId);
      this.emit('exit', code);
      for (const resolve of this.#exitWaiters.splice(0)) resolve(code);
    }

    postMessage(value: unknown, transferList?: unknown): void {
      if (this.#exited) return;
      this.#end.send(value, transferList);
    }

    /** Stops the thread at once; resolves with its exit code (1), as Node's does. */
    terminate(): Promise<number> {
      return new p.Promise<number>((resolve) => {
        if (this.#exited) {
          resolve(this.#exitCode ?? 1);
          return;
        }
        this.#thread.loop.halt();
        this.#exitWaiters.push(resolve);
        p.loop.postNow(() => this.#exit(1), undefined);
      });
    }

    ref(): this {
      return this;
    }

    unref(): this {
      return this;
    }
  }

  hardenPlatform(Worker);

  /** A worker's `parentPort`: its messages come from the parent's `worker.postMessage`. */
  class MessagePort extends Base {
    readonly #end: PortEnd;

    constructor(end: PortEnd) {
      super();
      this.#end = end;
    }

    #start(type: unknown): void {
      if (type === 'message') this.#end.listen((value) => this.emit('message', value));
    }

    override on(type: string | symbol, fn: (...a: unknown[]) => unknown): this {
      super.on(type, fn);
      this.#start(type);
      return this;
    }

    addListener(type: string | symbol, fn: (...a: unknown[]) => unknown): this {
      return this.on(type, fn);
    }

    once(type: string | symbol, fn: (...a: unknown[]) => unknown): this {
      (Base.prototype as unknown as { once: (this: unknown, t: unknown, f: unknown) => unknown }).once.call(this, type, fn);
      this.#start(type);
      return this;
    }

    postMessage(value: unknown, transferList?: unknown): void {
      this.#end.send(value, transferList);
    }

    /** Closes the link: no more messages either way. */
    close(): void {
      this.#end.close();
    }

    start(): void {}

    ref(): this {
      return this;
    }

    unref(): this {
      return this;
    }
  }
  hardenPlatform(MessagePort);

  const isMainThread = self.threadId === 0;
  const workerData = isMainThread ? null : self.workerData;
  const parentPort = self.port ? new MessagePort(self.port) : null;
  // Getters: the module is frozen, but the worker's copy of workerData and its port are the
  // worker's own to change, as in Node.
  return {
    isMainThread,
    threadId: self.threadId,
    get workerData() {
      return workerData;
    },
    get parentPort() {
      return parentPort;
    },
    resourceLimits: {},
    SHARE_ENV: Symbol.for('nodejs.worker_threads.SHARE_ENV'),
    Worker,
  };
}

/**
 * An error as Node hands a worker's uncaught error to its parent: a copy, with its name,
 * message and stack (and `code`, if it had one). Plain data, whatever was thrown: a value that
 * cannot be copied (a function, a Proxy, an object whose getters throw) becomes an Error that
 * says so. It runs the thrown value's getters, so it is called while the thread that threw
 * runs, and never throws itself.
 */
export function copyError(err: unknown): unknown {
  try {
    return structuredClone(err);
  } catch {
    // Not cloneable: keep what can be read of it.
  }
  try {
    if (err instanceof Error) return new Error(String(err.message));
  } catch {
    // A Proxy or a throwing getter: nothing can be read.
  }
  return new Error(`A value that could not be copied was thrown (${typeof err})`);
}
