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

  /** Runs `fn` at virtual time `atMs` (never earlier than now). */
  at(atMs: number, fn: () => void): void {
    this.heap.push(atMs < this.nowMs ? this.nowMs : atMs, fn);
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
    const ev = this.heap.pop();
    if (!ev) return false;
    this.nowMs = ev.atMs;
    this.eventsRun++;
    ev.run();
    return true;
  }
}
