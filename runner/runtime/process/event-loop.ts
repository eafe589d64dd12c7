/**
 * Node's main thread in virtual time. Macrotasks (timer expiries, I/O completions, incoming
 * requests) become ready at a virtual instant and run one at a time, in the order they became
 * ready. A task's synchronous work, and every promise job it causes, is charged to the
 * thread's CPU: while it runs, `now()` advances, and every other ready task waits behind it.
 * That wait is the event-loop delay Node's `monitorEventLoopDelay` reports. Each task's CPU is
 * a burst on the machine's cores (cpu-cores.ts): when worker or pool threads oversubscribe
 * them, the task takes longer than its CPU, and so does every task waiting behind it.
 */
import type { Kernel } from '../../sim/kernel.ts';
import type { JobQueue } from './job-queue.ts';
import type { CpuCores } from './cpu-cores.ts';
import { Fifo } from '../../sim/fifo.ts';
import { CPU_MS_PER_UNIT, createCpuCounter } from './cpu-meter.ts';
import { traceOf } from '../trace-log.ts';

/** A platform charge this long, in one call, is worth knowing the caller of (see onHeavyCharge). */
export const HEAVY_CHARGE_MS = 1;

/** What a platform charge pays for, as the CPU profile names its bucket: `(platform: crypto)`. */
export type PlatformWork =
  | 'HTTP parsing'
  | 'reply serialisation'
  | 'crypto'
  | 'console'
  | 'clock reads'
  | 'fetch'
  | 'cache client'
  | 'worker messages'
  | 'JSON'
  | 'other';

interface Task {
  fn: () => void;
  context: unknown;
  /** When it became ready (set as it is queued), for a trace's wait for the loop. */
  readyMs: number;
}

export interface EventLoopHooks {
  /** An exception escaped a task, a tick or a `queueMicrotask` callback. */
  onUncaught(err: unknown): void;
  /** After each task and its jobs finished (unhandled rejections are checked here). */
  afterTask(): void;
}

/** Tasks running now, on every simulated thread of this realm: nonzero while a service's code may run. */
let tasksRunning = 0;

/** Whether some simulated thread is running a task (the service's code, or the platform on its behalf). */
export function inSimulatedTask(): boolean {
  return tasksRunning > 0;
}

export class EventLoop {
  /** CPU charged for each promise job or tick: V8 spends well under a microsecond. */
  jobCostMs = 0.0005;
  /** CPU charged for each macrotask, for libuv's own work per callback: never zero, so a
   * `setImmediate` polling loop lets virtual time move on as it does in Node. */
  taskCostMs = 0.001;
  /** CPU charged per unit of the service's metered JavaScript (see cpu-meter.ts). */
  cpuMsPerUnit = CPU_MS_PER_UNIT;
  /**
   * Told of each platform charge of at least HEAVY_CHARGE_MS (a pbkdf2Sync, say), while the
   * calling code is still on the stack: the run's diagnosis finds the service's line so.
   */
  onHeavyCharge: ((ms: number) => void) | undefined = undefined;
  /** 0 on the main thread, else the worker thread's id: a request's trace tells the two apart. */
  threadId = 0;
  /** What the service's instrumented code counts its work on; folded in as CPU of the task. */
  readonly cpuCounter = createCpuCounter();
  busyUntilMs = 0;
  /** Total main-thread CPU charged, for utilisation. */
  busyTotalMs = 0;
  /** Tasks run, promise jobs run, and metered units charged in tasks: what a CPU profile splits busy time by. */
  tasksRun = 0;
  jobsRun = 0;
  unitsCharged = 0;
  /**
   * Told of each platform charge inside a task, with what the platform was doing, while a CPU
   * profile is taken (sandbox/cpu-profile.ts).
   */
  chargeObserver: ((ms: number, work: PlatformWork) => void) | undefined = undefined;
  private inTask = false;
  private taskStartMs = 0;
  private chargedMs = 0;
  /** The running task's speed on the cores (1 unless they are oversubscribed). */
  private taskSpeed = 1;
  /** The counter's value already charged (or discarded, outside a task). */
  private cpuUnitsSeen = 0;
  private readonly ready = new Fifo<Task>();
  private runScheduled = false;
  /** When the pending `runReady` is due; a wake-up at another instant is stale (its task's finish moved). */
  private runAtMs = Number.NaN;
  /** Set when the thread is gone (a terminated worker): nothing more runs on it. */
  private halted = false;
  private readonly chargeJob = (): void => {
    this.jobsRun++;
    this.chargedMs += this.jobCostMs;
  };
  private readonly onJobError = (err: unknown): void => this.hooks.onUncaught(err);

  constructor(
    private readonly kernel: Kernel,
    readonly jobs: JobQueue,
    private readonly hooks: EventLoopHooks,
    private readonly cores: CpuCores,
  ) {}

  /** Virtual now as the running code sees it: inside a task, the task's start plus its CPU. */
  now(): number {
    if (!this.inTask) return this.kernel.nowMs;
    this.chargeCpuUnits();
    return this.taskSpeed === 1 ? this.taskStartMs + this.chargedMs : this.taskStartMs + this.chargedMs / this.taskSpeed;
  }

  /** Folds the units the service's code counted since the last look into the task's CPU. */
  private chargeCpuUnits(): void {
    const units = this.cpuCounter.n;
    if (units === this.cpuUnitsSeen) return;
    this.chargedMs += (units - this.cpuUnitsSeen) * this.cpuMsPerUnit;
    this.unitsCharged += units - this.cpuUnitsSeen;
    this.cpuUnitsSeen = units;
  }

  get running(): boolean {
    return this.inTask;
  }

  /**
   * Charges synchronous CPU work to the main thread. Outside a task it costs nothing. `work`
   * names it for the CPU profile, where no line of the service called it.
   */
  charge(ms: number, work: PlatformWork = 'other'): void {
    if (!this.inTask) return;
    this.chargedMs += ms;
    if (ms >= HEAVY_CHARGE_MS && this.onHeavyCharge) this.onHeavyCharge(ms);
    if (this.chargeObserver) this.chargeObserver(ms, work);
  }

  /** Queues `fn` as a macrotask that becomes ready at `atMs` (>= now). */
  post(atMs: number, fn: () => void, context: unknown = this.jobs.context): void {
    const now = this.now();
    if (atMs <= now && !this.inTask) {
      this.enqueue({ fn, context, readyMs: 0 });
      return;
    }
    this.kernel.at(atMs < now ? now : atMs, this.enqueueLater, { fn, context, readyMs: 0 });
  }

  private readonly enqueueLater = (task: Task): void => this.enqueue(task);

  /** Queues `fn` as a macrotask ready now (setImmediate, a completed I/O event). */
  postNow(fn: () => void, context: unknown = this.jobs.context): void {
    this.post(this.now(), fn, context);
  }

  /** Runs the startup code (module top level, route registration) now, from outside any event. */
  runNow(fn: () => void): void {
    this.runTask({ fn, context: undefined, readyMs: this.kernel.nowMs });
  }

  /** Stops the thread: queued and future tasks are dropped (a worker's `terminate()`). */
  halt(): void {
    this.halted = true;
    while (this.ready.shift()) {}
  }

  get isHalted(): boolean {
    return this.halted;
  }

  private enqueue(task: Task): void {
    if (this.halted) return;
    task.readyMs = this.kernel.nowMs;
    this.ready.push(task);
    const idle = !this.inTask && !this.runScheduled && this.kernel.nowMs >= this.busyUntilMs;
    if (idle) {
      // Fast path: the thread is free, so the task runs at this instant, once the event that
      // made it ready has finished (so that event's own bookkeeping never interleaves with it).
      this.runScheduled = true;
      this.runAtMs = this.kernel.nowMs;
      this.kernel.defer(this.runReady);
      return;
    }
    this.scheduleRun();
  }

  private scheduleRun(): void {
    if (this.runScheduled || this.inTask || this.ready.length === 0) return;
    this.runScheduled = true;
    this.runAtMs = this.busyUntilMs < this.kernel.nowMs ? this.kernel.nowMs : this.busyUntilMs;
    this.kernel.at(this.runAtMs, this.runReady);
  }

  /** The running task's burst finishes at another time: its successor's wake-up moves with it. */
  private readonly onBurstMoved = (finishMs: number): void => {
    this.busyUntilMs = finishMs;
    if (!this.runScheduled) return;
    this.runAtMs = finishMs < this.kernel.nowMs ? this.kernel.nowMs : finishMs;
    this.kernel.at(this.runAtMs, this.runReady);
  };

  private readonly runReady = (): void => {
    if (!this.runScheduled || this.kernel.nowMs !== this.runAtMs) return;
    this.runScheduled = false;
    const task = this.ready.shift();
    if (task) this.runTask(task);
  };

  private runTask(task: Task): void {
    const start = this.kernel.nowMs > this.busyUntilMs ? this.kernel.nowMs : this.busyUntilMs;
    this.inTask = true;
    tasksRunning++;
    this.taskStartMs = start;
    this.taskSpeed = this.cores.speedOfNewBurst();
    this.chargedMs = this.taskCostMs;
    this.tasksRun++;
    this.cpuUnitsSeen = this.cpuCounter.n;
    const jobs = this.jobs;
    jobs.context = task.context;
    try {
      task.fn();
    } catch (err) {
      this.hooks.onUncaught(err);
    }
    if (jobs.pending) jobs.drain(this.onJobError, this.chargeJob);
    this.hooks.afterTask();
    this.chargeCpuUnits();
    jobs.context = undefined;
    this.inTask = false;
    tasksRunning--;
    this.busyTotalMs += this.chargedMs;
    this.busyUntilMs = this.cores.run(start, this.chargedMs, undefined, this.onBurstMoved).finishMs;
    // A task that cost only libuv's per-callback charge did nothing for its request (a pool's
    // idle timer, a connection timeout that found the wait over): not a span of its trace.
    const trace = this.chargedMs > this.taskCostMs ? traceOf(task.context) : undefined;
    if (trace !== undefined) trace.task(task.readyMs, start, start + this.chargedMs / this.taskSpeed, this.threadId);
    this.scheduleRun();
  }
}
