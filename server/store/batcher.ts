/**
 * Natural batching, the mechanism behind group commit: items that arrive while a batch is in
 * flight wait, and go together in the next one. Nothing waits for a timer: at low load each
 * batch is one item and starts on the event loop's next turn, so a lone report pays no added
 * latency; under a burst (a restarted server receiving at once every report that met the
 * restart) N items cost a few round trips instead of N. One batch is in flight at a time,
 * which on PGlite's single connection is no loss: its statements run one after another anyway.
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
      // [1]
      setImmediate(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) await this.#settle(this.#queue.splice(0, this.options.batchSizeMax));
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
// read every request that had arrived, so those go together; it is the next turn of the loop,
// not a timer, so a lone report waits for nothing.
