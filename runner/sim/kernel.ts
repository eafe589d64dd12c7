/**
 * The discrete-event kernel: a virtual clock in milliseconds and a heap of timed callbacks.
 * Callbacks never see the wall clock. When a callback starts work on the host that the
 * simulation must wait for (a real Postgres query), it registers it with `awaitHost`; the
 * run loop settles such work before virtual time moves on, so its results arrive at a
 * virtual instant that does not depend on how fast the host is.
 */
import { EventHeap } from './event-heap.ts';

export class Kernel {
  nowMs = 0;
  eventsRun = 0;
  private readonly heap = new EventHeap();
  private hostWork: Promise<unknown>[] = [];
  private deferred: (() => void)[] = [];

  /**
   * Runs `fn` at virtual time `atMs` (never earlier than now), with `arg` if given: a caller
   * whose callback lives long passes what differs per event as `arg`, and makes no closure.
   */
  at<A>(atMs: number, fn: (arg: A) => void, arg?: A): void {
    if (typeof atMs !== 'number' || Number.isNaN(atMs))
      throw new TypeError(`virtual time must be a number of milliseconds, got ${String(atMs)}`);
    this.heap.push(atMs < this.nowMs ? this.nowMs : atMs, fn, arg);
  }

  /**
   * Runs `fn` at the current instant, right after the event now running returns and before
   * any other event: for work that must not interleave with the code that caused it.
   */
  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Host work the simulation must see finished before its next event. */
  awaitHost(work: Promise<unknown>): void {
    this.hostWork.push(work);
  }

  get hasHostWork(): boolean {
    return this.hostWork.length > 0;
  }

  async settleHostWork(): Promise<void> {
    while (this.hostWork.length) {
      const batch = this.hostWork;
      this.hostWork = [];
      await Promise.all(batch);
    }
  }

  nextEventMs(): number {
    return this.heap.peekTimeMs();
  }

  /** Runs the earliest event; false when there is none. */
  step(): boolean {
    if (this.deferred.length) {
      // Deferred from outside any event (setup code): run them first, at the current instant.
      this.runDeferred();
      return true;
    }
    const heap = this.heap;
    const run = heap.pop();
    if (run === undefined) return false;
    this.nowMs = heap.poppedAtMs;
    this.eventsRun++;
    run(heap.poppedArg);
    if (this.deferred.length) this.runDeferred();
    return true;
  }

  private runDeferred(): void {
    for (let i = 0; i < this.deferred.length; i++) this.deferred[i]();
    this.deferred.length = 0;
  }
}
