/**
 * libuv's thread pool: a fixed number of worker threads and one FIFO queue of work items.
 * Async crypto (and, in Node, fs, dns.lookup and zlib) runs here, off the main thread, so a
 * slow `pbkdf2` does not block the event loop; but only `size` items run at once, and the
 * rest wait in the queue. Each item has a virtual duration; when it finishes, its callback
 * becomes a main-thread macrotask, as a libuv work item's "after work" callback does. The
 * threads run on the machine's cores with the main thread and any worker threads
 * (cpu-cores.ts), so a pool busier than the cores slows them all.
 */
import type { Platform } from '../platform.ts';
import { Fifo } from '../../sim/fifo.ts';
import { traceOf } from '../trace-log.ts';

export interface ThreadPoolOptions {
  /** Worker threads (UV_THREADPOOL_SIZE); libuv's default is 4. */
  size?: number;
  /** Waiting work items before `submit` throws: a guard against runaway loops, far above any real backlog. */
  queueLengthMax?: number;
}

interface WorkItem {
  durationMs: number;
  onDone: () => void;
  /** Virtual time of the submit call: the item cannot start before it. */
  submittedMs: number;
  /** The async context of the submitter (its request), restored for `onDone`. */
  context: unknown;
  /** What the work is (`pbkdf2`), for traces. */
  name: string;
  /** When a thread took it. */
  startedMs: number;
}

export const THREAD_POOL_SIZE_DEFAULT = 4;
export const THREAD_POOL_QUEUE_LENGTH_MAX_DEFAULT = 100_000;

export class ThreadPool {
  readonly size: number;
  readonly queueLengthMax: number;
  /** Items finished since creation. */
  completed = 0;
  private busyThreads = 0;
  private readonly queue = new Fifo<WorkItem>();

  constructor(
    private readonly p: Platform,
    options: ThreadPoolOptions = {},
  ) {
    const size = options.size ?? THREAD_POOL_SIZE_DEFAULT;
    // libuv clamps UV_THREADPOOL_SIZE to [1, 1024].
    if (!Number.isInteger(size) || size < 1 || size > 1024) {
      throw new RangeError(`Thread pool size must be an integer from 1 to 1024, got ${size}`);
    }
    this.size = size;
    this.queueLengthMax = options.queueLengthMax ?? THREAD_POOL_QUEUE_LENGTH_MAX_DEFAULT;
  }

  /** Work items waiting for a thread (not counting those running). */
  get queued(): number {
    return this.queue.length;
  }

  /** Threads running an item now. */
  get active(): number {
    return this.busyThreads;
  }

  /**
   * Runs `durationMs` of work on a pool thread, starting now or when a thread frees up;
   * `onDone` then runs on the main thread as a macrotask.
   */
  submit(durationMs: number, onDone: () => void, name = 'work'): void {
    if (!(durationMs >= 0 && durationMs < Infinity)) {
      throw new RangeError(`Thread pool work duration must be a finite number of ms >= 0, got ${durationMs}`);
    }
    const item: WorkItem = { durationMs, onDone, submittedMs: this.p.loop.now(), context: this.p.jobs.context, name, startedMs: 0 };
    if (this.busyThreads < this.size) {
      this.start(item, item.submittedMs);
      return;
    }
    if (this.queued >= this.queueLengthMax) {
      throw new Error(
        `Thread pool queue is full: ${this.queued} work items are waiting for ${this.size} threads ` +
          `(limit ${this.queueLengthMax}). Something submits async work (crypto.pbkdf2, scrypt, randomBytes) ` +
          'far faster than the pool can finish it.',
      );
    }
    this.queue.push(item);
    this.p.counters.noteThreadPoolQueue(this.queued);
  }

  private start(item: WorkItem, startMs: number): void {
    this.busyThreads++;
    item.startedMs = startMs;
    this.p.cores.run(startMs, item.durationMs, (finishMs) => this.finish(item, finishMs));
  }

  private finish(item: WorkItem, finishMs: number): void {
    this.busyThreads--;
    this.completed++;
    traceOf(item.context)?.add('threadpool', `thread pool: ${item.name}`, item.submittedMs, finishMs, {
      poolWaitMs: item.startedMs - item.submittedMs,
      workMs: finishMs - item.startedMs,
    });
    this.p.loop.post(finishMs, item.onDone, item.context);
    const next = this.dequeue();
    // A task that submitted while this thread was still busy may be later, in virtual
    // time, than this event: the kernel runs a task's events only after the task.
    if (next) this.start(next, Math.max(this.p.kernel.nowMs, next.submittedMs));
  }

  private dequeue(): WorkItem | undefined {
    const item = this.queue.shift();
    this.p.counters.noteThreadPoolQueue(this.queued);
    return item;
  }
}
