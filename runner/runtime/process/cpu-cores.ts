/**
 * The cores of one machine (one instance of the service), shared by every thread that runs
 * on it: the main thread, worker threads and libuv's pool threads. Each thread hands the
 * cores bursts of CPU work. While no more bursts run than there are cores, each runs at full
 * speed and a burst of d ms finishes d ms after it starts. When more run, the cores are
 * shared equally, as Linux's scheduler shares them over a few milliseconds (processor
 * sharing): k bursts on c cores each run at c/k speed, and every finish moves later until
 * some burst is done.
 *
 * Simplified: the event loop runs a task's code at once and learns its CPU afterwards, so the
 * code reads the clock at the speed the cores gave when the task started (speedOfNewBurst);
 * if more threads start running meanwhile, the task's burst is stretched and the thread's next
 * task waits for it, but what the task already did (a reply sent, a timer set) keeps the
 * times it read. Threads have no priorities, no affinity and no context-switch cost.
 */
import type { Kernel } from '../../sim/kernel.ts';

export interface CpuBurst {
  /** When the burst finishes, as far as is known now; contention moves it. */
  finishMs: number;
  /** CPU milliseconds of work the burst still had at `finishMs`'s last computation. */
  readonly demandMs: number;
  /** Runs at the burst's finish, as a kernel event. */
  readonly onDone: ((finishMs: number) => void) | undefined;
  /** Told at once whenever contention moves the finish (earlier or later). */
  readonly onMoved: ((finishMs: number) => void) | undefined;
  /** Invalidates the scheduled `onDone` event when the finish moves. */
  gen: number;
}

/** Cores of the service's machine when the scenario does not say (a common small instance). */
export const CPUS_DEFAULT = 4;

export class CpuCores {
  /**
   * Bursts admitted and not yet known to be finished (those at full speed retire lazily): the
   * first `runningCount` entries. The array never shrinks, so retiring and admitting bursts,
   * several per task, reallocates nothing.
   */
  private readonly running: CpuBurst[] = [];
  private runningCount = 0;
  /** The speed every running burst runs at: 1, or cores / bursts when oversubscribed. */
  private speed = 1;
  /** Invalidates all but the latest wake-up scheduled while oversubscribed. */
  private wakeGen = 0;
  /** Busy core-milliseconds handed out, for utilisation. */
  busyTotalMs = 0;

  constructor(
    private readonly kernel: Kernel,
    readonly count: number = CPUS_DEFAULT,
  ) {
    if (!Number.isInteger(count) || count < 1 || count > 1024) {
      throw new RangeError(`platform.cpus must be an integer from 1 to 1024, got ${count}`);
    }
  }

  /**
   * The speed a burst starting now would run at, as things stand: 1 while a core is free.
   * The event loop runs a task's code at this speed (its clock advances by CPU / speed), the
   * best a thread can know at the start of its work of what the others will do meanwhile.
   */
  speedOfNewBurst(): number {
    const running = this.running;
    const count = this.runningCount;
    if (count < this.count) return 1;
    const t = this.kernel.nowMs;
    let n = 0;
    for (let i = 0; i < count; i++) if (running[i].finishMs > t) n++;
    return n < this.count ? 1 : this.count / (n + 1);
  }

  /**
   * Runs `demandMs` of CPU work from `startMs` (now or later). `onDone` runs as an event at
   * the finish; `onMoved` hears of every change of it. Returns the burst, whose `finishMs` is
   * exact unless contention later moves it.
   */
  run(startMs: number, demandMs: number, onDone?: (finishMs: number) => void, onMoved?: (finishMs: number) => void): CpuBurst {
    const burst: CpuBurst = { finishMs: startMs + demandMs, demandMs, onDone, onMoved, gen: 0 };
    this.busyTotalMs += demandMs;
    if (startMs > this.kernel.nowMs) this.kernel.at(startMs, () => this.settle(startMs, burst));
    else this.settle(this.kernel.nowMs, burst);
    return burst;
  }

  /**
   * Brings every running burst up to instant `t`: finished ones leave, `joining` (if any)
   * starts, and when the number running crosses the number of cores the speed changes and
   * every finish is recomputed from the work left.
   */
  private settle(t: number, joining: CpuBurst | undefined): void {
    const running = this.running;
    let kept = 0;
    for (let i = 0; i < this.runningCount; i++) if (running[i].finishMs > t) running[kept++] = running[i];
    const before = this.speed;
    const n = kept + (joining ? 1 : 0);
    const after = n <= this.count ? 1 : this.count / n;
    if (joining) {
      joining.finishMs = t + (after === 1 ? joining.demandMs : joining.demandMs / after);
      running[kept++] = joining;
      if (joining.onDone) this.scheduleDone(joining);
    }
    this.runningCount = kept;
    this.speed = after;
    if (after !== before) {
      for (let i = 0; i < kept; i++) {
        const b = running[i];
        if (b === joining) continue;
        b.finishMs = t + ((b.finishMs - t) * before) / after;
        if (b.onDone) this.scheduleDone(b);
        b.onMoved?.(b.finishMs);
      }
    }
    // While oversubscribed, the next finish changes the speed of the rest: wake up for it.
    if (after < 1) {
      let next = Infinity;
      for (let i = 0; i < kept; i++) if (running[i].finishMs < next) next = running[i].finishMs;
      const gen = ++this.wakeGen;
      this.kernel.at(next, () => {
        if (gen === this.wakeGen) this.settle(next, undefined);
      });
    }
  }

  private scheduleDone(b: CpuBurst): void {
    const gen = ++b.gen;
    const at = b.finishMs;
    this.kernel.at(at, () => {
      if (b.gen === gen) b.onDone?.(at);
    });
  }
}
