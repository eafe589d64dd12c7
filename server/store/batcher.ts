/**
 * Natural batching, the mechanism behind group commit: items that arrive while a batch is in
 * flight wait, and go together in the next one. At low load nothing waits for a timer: each
 * batch is one item and starts on the event loop's next turn, so a lone report pays no added
 * latency. Right after a batch, though, the next one rests as long as that batch took (within
 * `restMsMin` and `restMsMax`) [2], so that under a burst (a restarted server meeting the
 * reports and live streams of a whole room at once) the database has at most half of the
 * event loop, and N items cost a few round trips instead of N. One batch is in flight at a
 * time, which on PGlite's single connection is no loss: its statements run one after another
 * anyway.
 *
 * Each item settles with its own batch: resolved only once `run` resolved for that batch
 * (for a write, once its transaction committed), rejected if that batch failed. A batch that
 * fails is split in halves and each half tried again, so one item the database refuses fails
 * alone after about 2·log2(size) tries, and the others in its batch are still written.
 */

/** The queue is at its bound: the caller should answer "busy, try again". */
export class QueueFull extends Error {}

export interface BatcherOptions {
  /** Items in one batch at most, so one transaction and its parameters stay bounded. */
  batchSizeMax: number;
  /** Items waiting at most; beyond it `add` rejects with QueueFull instead of holding memory. */
  queuedMax: number;
  /** After a batch, the next starts at least this long after it ended (0: on the next turn). */
  restMsMin?: number;
  /** …and at most this long, however long the batch took. */
  restMsMax?: number;
  /** The clock for the rest; performance.now when not given. */
  nowMs?: () => number;
}

interface Waiting<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

export class Batcher<In, Out> {
  #queue: Waiting<In, Out>[] = [];
  /** A drain is scheduled or running: items added now join its next batch. */
  #draining = false;
  #lastEndedAtMs = Number.NEGATIVE_INFINITY;
  #lastTookMs = 0;

  /** `run` answers one output per input, in order; it throws when the whole batch failed. */
  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly options: BatcherOptions,
  ) {}

  add(item: In): Promise<Out> {
    if (this.#queue.length >= this.options.queuedMax)
      return Promise.reject(new QueueFull(`${this.options.queuedMax} items already wait for the database`));
    return new Promise<Out>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#draining) return;
      this.#draining = true;
      const { restMsMin = 0, restMsMax = restMsMin } = this.options;
      const restMs = Math.min(restMsMax, Math.max(restMsMin, this.#lastTookMs));
      const waitMs = this.#lastEndedAtMs + restMs - this.#now();
      // [1]
      if (waitMs > 0) setTimeout(() => void this.#drain(), waitMs);
      else setImmediate(() => void this.#drain());
    });
  }

  #now(): number {
    return this.options.nowMs ? this.options.nowMs() : performance.now();
  }

  async #drain(): Promise<void> {
    const startedAtMs = this.#now();
    while (this.#queue.length > 0) await this.#settle(this.#queue.splice(0, this.options.batchSizeMax));
    this.#lastEndedAtMs = this.#now();
    this.#lastTookMs = this.#lastEndedAtMs - startedAtMs;
    this.#draining = false;
  }

  async #settle(batch: Waiting<In, Out>[]): Promise<void> {
    let outs: Out[];
    try {
      outs = await this.run(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.#settle(batch.slice(0, half));
      await this.#settle(batch.slice(half));
      return;
    }
    if (outs.length !== batch.length) {
      const err = new Error(`a batch of ${batch.length} gave ${outs.length} results`);
      for (const w of batch) w.reject(err);
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(outs[i]);
  }
}

// [1] Not at once: on PGlite a query runs synchronously in WebAssembly and its promise settles
// in microtasks, so a request that started a batch at once would run to its answer before the
// event loop read the next request, and every batch would be one item (measured: a restart's
// burst of 150 reports went through one at a time). setImmediate runs once the event loop has
// read every request that had arrived on the connections it holds, so those go together; it
// is the next turn of the loop, not a timer, so a lone report waits for nothing. New
// connections are another matter: see [2].
//
// [2] Node accepts one new connection per turn of its event loop (libuv 1.45 and later stopped
// accepting in a loop), and on PGlite a batch runs synchronously inside a turn. When a
// restarted server meets a room at once, its first turns are slow (its database and its
// JavaScript are cold: a batch of a few reports took 20-45 ms where it takes 2 ms warm), and
// with a batch in nearly every turn it accepted 100-200 connections a second while the rest
// waited in the kernel's accept queue (measured: 0.5-2 s there, against 10-75 ms once
// accepted). Resting as long as the last batch took leaves every other stretch of the loop to
// accepting and reading requests, which then share the next batch: the first second's reports
// waited about half as long to be accepted (p50 0.5 s against 1.1-1.8 s, same bench, same
// machine load), and the room was accepted in 1.3-1.5 s instead of 3-4 s. Warm, a batch
// takes 1-3 ms and so does the rest: at 50 reports a second, 20 ms apart, a report rarely
// meets it, and waits at most that long when it does.
