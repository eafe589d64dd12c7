/**
 * The simulator's own microtask queue. User code's promises, `queueMicrotask` and
 * `process.nextTick` put their jobs here instead of on the host's microtask queue, so the
 * simulator knows exactly when a turn of the event loop has finished: the queue is empty.
 *
 * Each job carries the async context it was created in (the request it belongs to), the way
 * AsyncLocalStorage follows promise reactions in Node.
 */
type Job = () => void;

/** Jobs run in one drain before the queue drops them from its arrays (see `drain`). */
const COMPACT_AFTER_JOBS = 65_536;

/**
 * A job that is an object rather than a closure: a promise's reaction queues itself, with
 * its state and value already on it, instead of a closure per reaction.
 */
export interface JobObject {
  run(): void;
}

export class JobQueue {
  /** The async context of the job running now (a request, or undefined for the platform). */
  context: unknown = undefined;
  /** Jobs run since creation; the CPU model charges per job. */
  jobsRun = 0;
  private ticks: Job[] = [];
  private tickContexts: unknown[] = [];
  private tickHead = 0;
  private jobs: (Job | JobObject)[] = [];
  private jobContexts: unknown[] = [];
  private jobHead = 0;

  /** A `queueMicrotask` callback (or any job): it runs in the current context. */
  enqueue(job: Job): void {
    this.jobs.push(job);
    this.jobContexts.push(this.context);
  }

  /**
   * A job that runs in a given context: a promise reaction runs in the context its `then`
   * was called in, whoever settles the promise (AsyncLocalStorage does the same in Node).
   * Platform code only: a service's callback reaches the queue through `enqueue`.
   */
  enqueueIn(job: Job | JobObject, context: unknown): void {
    this.jobs.push(job);
    this.jobContexts.push(context);
  }

  /** `process.nextTick`: runs before any promise job, as in Node. */
  enqueueTick(job: Job): void {
    this.ticks.push(job);
    this.tickContexts.push(this.context);
  }

  get pending(): number {
    return this.ticks.length - this.tickHead + this.jobs.length - this.jobHead;
  }

  /**
   * Runs jobs until none is left, in Node's order: all next-tick callbacks, then promise
   * jobs until that queue is empty, then ticks queued meanwhile, and so on. `onError`
   * receives exceptions thrown by tick or microtask callbacks (promise reactions never throw
   * here: their exceptions reject the derived promise). `beforeJob` lets the CPU model charge.
   */
  drain(onError: (err: unknown) => void, beforeJob: () => void): void {
    const outer = this.context;
    for (;;) {
      if (this.tickHead < this.ticks.length) {
        this.runOne(this.ticks, this.tickContexts, this.tickHead++, onError, beforeJob);
        if (this.tickHead >= COMPACT_AFTER_JOBS && this.tickHead * 2 >= this.ticks.length) {
          this.ticks.splice(0, this.tickHead);
          this.tickContexts.splice(0, this.tickHead);
          this.tickHead = 0;
        }
        continue;
      }
      if (this.tickHead > 0) this.resetTicks();
      if (this.jobHead < this.jobs.length) {
        // Promise jobs run to exhaustion before ticks queued by them, as V8 does.
        while (this.jobHead < this.jobs.length) {
          this.runOne(this.jobs, this.jobContexts, this.jobHead++, onError, beforeJob);
          // A chain of jobs that never ends (each queues the next) must not grow the queue's
          // arrays: drop the run part now and then, so such a loop is stopped as a loop, not
          // as memory. Amortised: what is kept is less than what is dropped.
          if (this.jobHead >= COMPACT_AFTER_JOBS && this.jobHead * 2 >= this.jobs.length) this.compactJobs();
        }
        this.jobs.length = 0;
        this.jobContexts.length = 0;
        this.jobHead = 0;
        continue;
      }
      break;
    }
    this.context = outer;
  }

  private runOne(q: (Job | JobObject)[], ctxs: unknown[], i: number, onError: (err: unknown) => void, beforeJob: () => void): void {
    const job = q[i];
    this.context = ctxs[i];
    (q as unknown[])[i] = undefined;
    this.jobsRun++;
    beforeJob();
    try {
      if (typeof job === 'function') job();
      else job.run();
    } catch (err) {
      onError(err);
    }
  }

  private compactJobs(): void {
    this.jobs.splice(0, this.jobHead);
    this.jobContexts.splice(0, this.jobHead);
    this.jobHead = 0;
  }

  private resetTicks(): void {
    this.ticks.length = 0;
    this.tickContexts.length = 0;
    this.tickHead = 0;
  }
}
