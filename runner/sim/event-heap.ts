/**
 * A binary min-heap of timed callbacks. Ties on time are broken by insertion order, so two
 * events scheduled for the same virtual millisecond always run in the order they were made.
 *
 * Kept as parallel arrays (time, sequence number, callback, argument) rather than an object per
 * event: a run makes millions of events, and an object each is most of what the heap costs in
 * allocation and garbage collection. An event may carry one argument for its callback, so a
 * caller with a long-lived callback needs no closure per event.
 */
export class EventHeap {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly fns: ((arg: unknown) => void)[] = [];
  private readonly args: unknown[] = [];
  private seq = 0;
  /** The time and argument of the event `pop` returned last. */
  poppedAtMs = 0;
  poppedArg: unknown = undefined;

  get size(): number {
    return this.times.length;
  }

  push<A>(atMs: number, run: (arg: A) => void, arg?: A): void {
    const { times, seqs, fns, args } = this;
    const seq = this.seq++;
    let i = times.length;
    times.push(atMs);
    seqs.push(seq);
    fns.push(run as (arg: unknown) => void);
    args.push(arg);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < atMs || (pt === atMs && seqs[parent] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      fns[i] = fns[parent];
      args[i] = args[parent];
      i = parent;
    }
    times[i] = atMs;
    seqs[i] = seq;
    fns[i] = run as (arg: unknown) => void;
    args[i] = arg;
  }

  peekTimeMs(): number {
    return this.times.length ? this.times[0] : Infinity;
  }

  /**
   * Removes the earliest event and returns its callback (undefined when the heap is empty);
   * its time and argument are left in `poppedAtMs` and `poppedArg`.
   */
  pop(): ((arg: unknown) => void) | undefined {
    const { times, seqs, fns, args } = this;
    const n = times.length;
    if (n === 0) return undefined;
    const top = fns[0];
    this.poppedAtMs = times[0];
    this.poppedArg = args[0];
    const t = times.pop() as number;
    const s = seqs.pop() as number;
    const f = fns.pop() as (arg: unknown) => void;
    const a = args.pop();
    const m = n - 1;
    if (m === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= m) break;
      const r = l + 1;
      const c = r < m && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l])) ? r : l;
      const ct = times[c];
      if (ct > t || (ct === t && seqs[c] > s)) break;
      times[i] = ct;
      seqs[i] = seqs[c];
      fns[i] = fns[c];
      args[i] = args[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    fns[i] = f;
    args[i] = a;
    return top;
  }
}
