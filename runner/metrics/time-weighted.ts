/**
 * A piecewise-constant gauge integrated over virtual time: requests in flight (whose time
 * average is L in Little's law, L = lambda * W), pool clients in use, queue lengths.
 *
 * The gauge holds each value from the time it was set until the next change, so the mean over
 * a window is the area under that step function divided by the window's length. Only the
 * running area is kept, not the history, so updates are O(1) and allocation-free.
 */
export class TimeWeighted {
  private startMs: number;
  private lastMs: number;
  private current: number;
  /** Area under the gauge from startMs to lastMs, in value * ms. */
  private areaToLast = 0;
  private maxValue: number;

  /** Starts observing at `startMs` with the gauge at `initialValue`. */
  constructor(startMs = 0, initialValue = 0) {
    this.startMs = startMs;
    this.lastMs = startMs;
    this.current = initialValue;
    this.maxValue = initialValue;
  }

  /** The gauge takes `value` from `nowMs` on. */
  set(nowMs: number, value: number): void {
    // Virtual time never goes back; an earlier time here is a bug in the caller, and folding
    // it in would make the area negative.
    if (!(nowMs >= this.lastMs)) {
      throw new RangeError(`TimeWeighted.set at ${nowMs} ms, before the last change at ${this.lastMs} ms`);
    }
    this.areaToLast += this.current * (nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.current = value;
    // Counts values held for zero time too: a request that arrives and finishes at the same
    // virtual instant was still in flight.
    if (value > this.maxValue) this.maxValue = value;
  }

  /** The gauge moves by `delta` at `nowMs` (+1 on arrival, -1 on completion). */
  add(nowMs: number, delta: number): void {
    this.set(nowMs, this.current + delta);
  }

  /** The value now. */
  get value(): number {
    return this.current;
  }

  /** The highest value since the start (or the last reset), including the starting value. */
  get max(): number {
    return this.maxValue;
  }

  /** Area under the gauge from the start to `untilMs`, in value * ms. */
  area(untilMs: number): number {
    if (!(untilMs >= this.lastMs)) {
      throw new RangeError(`TimeWeighted.area until ${untilMs} ms, before the last change at ${this.lastMs} ms`);
    }
    return this.areaToLast + this.current * (untilMs - this.lastMs);
  }

  /**
   * Time-average from the start to `untilMs`. For an empty window (untilMs equal to the
   * start) this is the value at that instant, the limit of the average as the window shrinks.
   */
  mean(untilMs: number): number {
    const area = this.area(untilMs);
    const windowMs = untilMs - this.startMs;
    return windowMs === 0 ? this.current : area / windowMs;
  }

  /**
   * Starts a new window at `nowMs`, keeping the current value: per-second buckets reuse one
   * instance, and a pool that was busy at the end of one second is still busy at the start of
   * the next.
   */
  reset(nowMs: number): void {
    if (!(nowMs >= this.lastMs)) {
      throw new RangeError(`TimeWeighted.reset at ${nowMs} ms, before the last change at ${this.lastMs} ms`);
    }
    this.startMs = nowMs;
    this.lastMs = nowMs;
    this.areaToLast = 0;
    this.maxValue = this.current;
  }
}
