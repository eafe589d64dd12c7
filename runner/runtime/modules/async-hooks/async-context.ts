/**
 * The async context AsyncLocalStorage reads and writes, carried by the mechanism the platform
 * already has: `JobQueue.context`. Every promise reaction, tick, timer, thread-pool callback,
 * pg result and fetch completion runs in the context that was current when it was scheduled
 * (job-queue.ts, event-loop.ts), the way Node's async context follows them; so the stores
 * follow too, without a second mechanism.
 *
 * A context is normally the request's own record (platform.ts RequestContext), which platform
 * modules update in place (queries counted, hosts called, answered). Entering a store makes a
 * new context value: for a request, a Proxy with no traps over the request's record, so every
 * read and write the platform makes still reaches that one record, while the frame (the
 * stores) is keyed by the proxy's identity; outside any request, a plain empty object. Frames
 * are immutable: a child `run` copies its parent's map, so leaving it restores the parent.
 *
 * The one rule this asks of platform code: keep per-request data on the record, read and
 * written through whatever context is current, never in a side table keyed by the context's
 * identity (inside a `run`, the identity is the proxy's).
 *
 * What a service's code running inside a request costs (queries, downstream calls) counts for
 * that request, whatever context it enters: `runIn` carries the entered context's stores, but
 * keeps the running request's record. Otherwise a snapshot, bound function or AsyncResource
 * made outside any request (or in another request) would send a request's N+1 queries where
 * no request counts them. Simplified: in Node a tracer would see them where they were entered.
 */
import type { JobQueue } from '../../process/job-queue.ts';
import { isRequestContext } from '../../platform.ts';

interface Frame {
  /** The context without stores: the request's record, or undefined outside any request. */
  base: unknown;
  stores: ReadonlyMap<object, unknown>;
}

/** One run's view of async contexts as AsyncLocalStorage frames. */
export class AsyncContexts {
  private readonly frames = new WeakMap<object, Frame>();

  constructor(private readonly jobs: JobQueue) {}

  /** The stores of the running code's context (empty outside any `run`). */
  stores(context: unknown = this.jobs.context): ReadonlyMap<object, unknown> | undefined {
    return typeof context === 'object' && context !== null ? this.frames.get(context)?.stores : undefined;
  }

  /** A context that is `context` with `owner`'s store set (or removed, when `remove`). */
  with(owner: object, store: unknown, remove = false, context: unknown = this.jobs.context): unknown {
    const frame = typeof context === 'object' && context !== null ? this.frames.get(context) : undefined;
    const base = frame ? frame.base : context;
    const stores = new Map(frame?.stores);
    if (remove) stores.delete(owner);
    else stores.set(owner, store);
    if (stores.size === 0) return base;
    const next: object = typeof base === 'object' && base !== null ? new Proxy(base, {}) : {};
    this.frames.set(next, { base, stores });
    return next;
  }

  /**
   * Calls `fn` with `context`'s stores current, and restores the caller's after. Inside a
   * request, the context keeps that request's record (see the header).
   */
  runIn<R>(context: unknown, fn: (...args: unknown[]) => R, thisArg: unknown, args: unknown[]): R {
    const jobs = this.jobs;
    const outer = jobs.context;
    const request = this.baseOf(outer);
    jobs.context = isRequestContext(request) && this.baseOf(context) !== request ? this.rebased(context, request) : context;
    try {
      return fn.apply(thisArg, args);
    } finally {
      jobs.context = outer;
    }
  }

  /** The context without its stores: a request's record, or undefined (or {}) outside any. */
  private baseOf(context: unknown): unknown {
    const frame = typeof context === 'object' && context !== null ? this.frames.get(context) : undefined;
    return frame ? frame.base : context;
  }

  /** `context`'s stores over `base`. */
  private rebased(context: unknown, base: object): unknown {
    const stores = this.stores(context);
    if (!stores || stores.size === 0) return base;
    const next = new Proxy(base, {});
    this.frames.set(next, { base, stores });
    return next;
  }

  /** The context of the running code, to come back to later (AsyncResource, snapshot). */
  current(): unknown {
    return this.jobs.context;
  }

  /** Makes `context` current for the rest of this job and what it schedules (enterWith). */
  enter(context: unknown): void {
    this.jobs.context = context;
  }
}
