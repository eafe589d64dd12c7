/**
 * A Promises/A+ and ECMAScript-ordered Promise whose reactions run on the simulator's
 * JobQueue instead of the host's microtask queue. User code is compiled with async/await
 * lowered to generators that call the global `Promise`, which the sandbox binds to this
 * class, so every continuation of user code runs inside the event-loop model.
 *
 * The algorithm follows ECMA-262 §27.2 (including the extra job when resolving with a
 * thenable), so the interleaving of two async functions matches native promises in V8.
 */
import type { JobObject, JobQueue } from './job-queue.ts';

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

type Handler = ((value: unknown) => unknown) | undefined;

interface Reaction<P> extends JobObject {
  onFulfilled: Handler;
  onRejected: Handler;
  /** The derived promise; undefined for internal reactions that need none. */
  derived: P | undefined;
  /**
   * The async context `then` was called in. The reaction runs in it even when another
   * request settles the promise, as AsyncLocalStorage has it in Node.
   */
  context: unknown;
  /** Set as the reaction is queued (a reaction runs once): how the promise settled, and with what. */
  state: number;
  value: unknown;
}

export interface RejectionTracker {
  /** A promise was rejected while nothing handled it. */
  rejectedUnhandled(promise: object, reason: unknown): void;
  /** A handler was attached to a promise reported by rejectedUnhandled. */
  handledLater(promise: object): void;
}

export type SimPromiseConstructor = PromiseConstructor;

/** A simulated promise's state as util.inspect shows it: 0 pending, 1 fulfilled, 2 rejected. */
export interface PromiseSnapshot {
  state: number;
  value: unknown;
}

/** Per class, by its prototype: reads the private state of that class's promises. */
const peekers = new WeakMap<object, (p: object) => PromiseSnapshot | undefined>();

/** The state of a simulated promise (of any run's class), or undefined for anything else. */
export function peekPromise(p: object): PromiseSnapshot | undefined {
  for (let proto = Object.getPrototypeOf(p); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const peek = peekers.get(proto);
    if (peek) return peek(p);
  }
  return undefined;
}

export function createPromiseClass(jobs: JobQueue, tracker?: RejectionTracker): SimPromiseConstructor {
  type Internal = SimPromise<unknown>;
  // Set by the class's static block: the only code that touches a promise's private state.
  let fulfill: (p: Internal, value: unknown) => void;
  let reject: (p: Internal, reason: unknown) => void;
  let addReaction: (p: Internal, r: ReactionJob) => void;

  /** Queues the reaction itself as the job (no closure per reaction); it runs `runReaction`. */
  function queueReaction(r: Reaction<Internal>, state: number, value: unknown): void {
    r.state = state;
    r.value = value;
    jobs.enqueueIn(r, r.context);
  }

  /** A reaction as `then` records it, and as the job queue runs it. */
  class ReactionJob implements Reaction<Internal> {
    state = PENDING;
    value: unknown = undefined;
    constructor(
      readonly onFulfilled: Handler,
      readonly onRejected: Handler,
      readonly derived: Internal | undefined,
      readonly context: unknown,
    ) {}

    run(): void {
      runReaction(this, this.state, this.value);
    }
  }

  function runReaction(r: Reaction<Internal>, state: number, value: unknown): void {
    const handler = state === FULFILLED ? r.onFulfilled : r.onRejected;
    const d = r.derived;
    if (handler === undefined) {
      if (d) state === FULFILLED ? resolveWith(d, value) : reject(d, value);
      return;
    }
    let result: unknown;
    try {
      result = handler(value);
    } catch (err) {
      if (d) reject(d, err);
      return;
    }
    if (d) resolveWith(d, result);
  }

  /** The [[Resolve]] steps of a promise's resolving functions (ECMA-262 27.2.1.3.2). */
  function resolveWith(p: Internal, x: unknown): void {
    if (x === p) {
      reject(p, new TypeError('Chaining cycle detected for promise'));
      return;
    }
    if (x === null || (typeof x !== 'object' && typeof x !== 'function')) {
      fulfill(p, x);
      return;
    }
    let then: unknown;
    try {
      then = (x as { then?: unknown }).then;
    } catch (err) {
      reject(p, err);
      return;
    }
    if (typeof then !== 'function') {
      fulfill(p, x);
      return;
    }
    if (x instanceof HostPromise) {
      // Its reactions would run on the host's microtask queue, outside virtual time, and
      // make the run depend on the host's speed: refuse it plainly instead.
      reject(
        p,
        new TypeError(
          "A promise from outside the simulated platform reached the service; only the lab's modules and globals can be awaited.",
        ),
      );
      return;
    }
    // NewPromiseResolveThenableJob: one extra job, as the spec (and V8) do.
    jobs.enqueue(() => {
      const [res, rej] = resolvingFunctions(p);
      try {
        then.call(x, res, rej);
      } catch (err) {
        rej(err);
      }
    });
  }

  function resolvingFunctions(p: Internal): [(v?: unknown) => void, (e?: unknown) => void] {
    let done = false;
    return [
      (v) => {
        if (done) return;
        done = true;
        resolveWith(p, v);
      },
      (e) => {
        if (done) return;
        done = true;
        reject(p, e);
      },
    ];
  }

  /**
   * State, value and reactions are private fields: a reaction carries the platform's own
   * handlers and the async context (the request's accounting), and the service holds the
   * promise. V8 reads private fields as fast as ordinary ones.
   */
  class SimPromise<T> {
    #state = PENDING;
    #value: unknown = undefined;
    /** One reaction as itself (the usual case: no array), more in an array, in order. */
    #reactions: ReactionJob | ReactionJob[] | undefined = undefined;
    #handled = false;

    constructor(executor: (resolve: (v?: T | PromiseLike<T>) => void, reject: (e?: unknown) => void) => void) {
      if ((executor as unknown) === INTERNAL) return;
      if (typeof executor !== 'function') throw new TypeError('Promise resolver is not a function');
      const [res, rej] = resolvingFunctions(this);
      try {
        executor(res, rej);
      } catch (err) {
        rej(err);
      }
    }

    then<R1 = T, R2 = never>(
      onFulfilled?: ((v: T) => R1 | PromiseLike<R1>) | null,
      onRejected?: ((e: unknown) => R2 | PromiseLike<R2>) | null,
    ): SimPromise<R1 | R2> {
      const derived = new SimPromise<R1 | R2>(INTERNAL as never);
      addReaction(
        this,
        new ReactionJob(
          typeof onFulfilled === 'function' ? (onFulfilled as Handler) : undefined,
          typeof onRejected === 'function' ? (onRejected as Handler) : undefined,
          derived,
          jobs.context,
        ),
      );
      return derived;
    }

    catch<R = never>(onRejected?: ((e: unknown) => R | PromiseLike<R>) | null): SimPromise<T | R> {
      return this.then(undefined, onRejected);
    }

    finally(onFinally?: (() => void) | null): SimPromise<T> {
      if (typeof onFinally !== 'function') return this.then(onFinally, onFinally) as SimPromise<T>;
      return this.then(
        (v) => SimPromise.resolve(onFinally()).then(() => v),
        (e) =>
          SimPromise.resolve(onFinally()).then(() => {
            throw e;
          }),
      ) as SimPromise<T>;
    }

    get [Symbol.toStringTag](): string {
      return 'Promise';
    }

    static {
      peekers.set(SimPromise.prototype, (p) => (#state in p ? { state: p.#state, value: p.#value } : undefined));
      fulfill = (p, value) => {
        const reactions = p.#reactions;
        p.#state = FULFILLED;
        p.#value = value;
        p.#reactions = undefined;
        if (reactions instanceof ReactionJob) queueReaction(reactions, FULFILLED, value);
        else if (reactions) for (const r of reactions) queueReaction(r, FULFILLED, value);
      };
      reject = (p, reason) => {
        const reactions = p.#reactions;
        p.#state = REJECTED;
        p.#value = reason;
        p.#reactions = undefined;
        if (!p.#handled && tracker) tracker.rejectedUnhandled(p, reason);
        if (reactions instanceof ReactionJob) queueReaction(reactions, REJECTED, reason);
        else if (reactions) for (const r of reactions) queueReaction(r, REJECTED, reason);
      };
      addReaction = (p, r) => {
        if (p.#state === PENDING) {
          const reactions = p.#reactions;
          if (reactions === undefined) p.#reactions = r;
          else if (reactions instanceof ReactionJob) p.#reactions = [reactions, r];
          else reactions.push(r);
        } else {
          if (p.#state === REJECTED && !p.#handled && tracker) tracker.handledLater(p);
          queueReaction(r, p.#state, p.#value);
        }
        p.#handled = true;
      };
    }

    static resolve<V>(value?: V): SimPromise<Awaited<V>> {
      if (value instanceof SimPromise && value.constructor === SimPromise) return value as SimPromise<Awaited<V>>;
      const p = new SimPromise<Awaited<V>>(INTERNAL as never);
      resolveWith(p, value);
      return p;
    }

    static reject<V = never>(reason?: unknown): SimPromise<V> {
      const p = new SimPromise<V>(INTERNAL as never);
      reject(p, reason);
      return p;
    }

    static withResolvers<V>(): { promise: SimPromise<V>; resolve: (v: V | PromiseLike<V>) => void; reject: (e?: unknown) => void } {
      let resolve!: (v: V | PromiseLike<V>) => void;
      let rejectFn!: (e?: unknown) => void;
      const promise = new SimPromise<V>((res, rej) => {
        resolve = res;
        rejectFn = rej;
      });
      return { promise, resolve, reject: rejectFn };
    }

    static all(iterable: Iterable<unknown>): SimPromise<unknown[]> {
      return combine(
        iterable,
        (values, i, settle) => [(v) => settle(i, v, false), (e) => settle(i, e, true)],
        (values, i, value, isError, resolve, reject) => {
          if (isError) return (reject(value), true);
          values[i] = value;
          return false;
        },
        (values) => values,
      );
    }

    static allSettled(iterable: Iterable<unknown>): SimPromise<PromiseSettledResult<unknown>[]> {
      return combine(
        iterable,
        (values, i, settle) => [(v) => settle(i, v, false), (e) => settle(i, e, true)],
        (values, i, value, isError) => {
          values[i] = isError ? { status: 'rejected', reason: value } : { status: 'fulfilled', value };
          return false;
        },
        (values) => values as PromiseSettledResult<unknown>[],
      );
    }

    static any(iterable: Iterable<unknown>): SimPromise<unknown> {
      return combine(
        iterable,
        (values, i, settle) => [(v) => settle(i, v, false), (e) => settle(i, e, true)],
        (values, i, value, isError, resolve) => {
          if (!isError) return (resolve(value), true);
          values[i] = value;
          return false;
        },
        (errors) => {
          throw new AggregateError(errors, 'All promises were rejected');
        },
      );
    }

    static race(iterable: Iterable<unknown>): SimPromise<unknown> {
      return new SimPromise((resolve, rejectFn) => {
        for (const item of iterable) SimPromise.resolve(item).then(resolve, rejectFn);
      });
    }
  }

  /**
   * Shared body of all/allSettled/any: resolves each element through `resolve` and `then`
   * as the spec does, and finishes with `onAll(values)` once every element has settled.
   */
  function combine<R>(
    iterable: Iterable<unknown>,
    handlers: (
      values: unknown[],
      i: number,
      settle: (i: number, v: unknown, isError: boolean) => void,
    ) => [(v: unknown) => void, (e: unknown) => void],
    onSettle: (
      values: unknown[],
      i: number,
      value: unknown,
      isError: boolean,
      resolve: (v: unknown) => void,
      reject: (e: unknown) => void,
    ) => boolean,
    onAll: (values: unknown[]) => R,
  ): SimPromise<R> {
    return new SimPromise<R>((resolve, rejectFn) => {
      const values: unknown[] = [];
      let remaining = 1;
      let finished = false;
      const settled = new Set<number>();
      const settle = (i: number, v: unknown, isError: boolean): void => {
        if (finished || settled.has(i)) return;
        settled.add(i);
        if (onSettle(values, i, v, isError, resolve as (v: unknown) => void, rejectFn)) {
          finished = true;
          return;
        }
        if (--remaining === 0) finish();
      };
      const finish = (): void => {
        try {
          resolve(onAll(values));
        } catch (err) {
          rejectFn(err);
        }
      };
      let i = 0;
      for (const item of iterable) {
        const index = i++;
        values.push(undefined);
        remaining++;
        const [onF, onR] = handlers(values, index, settle);
        SimPromise.resolve(item).then(onF, onR);
      }
      if (--remaining === 0) finish();
    });
  }

  Object.defineProperty(SimPromise, 'name', { value: 'Promise' });
  return SimPromise as unknown as SimPromiseConstructor;
}

/** The host's own Promise, captured before anything can shadow it. */
const HostPromise = Promise;

/** Constructor sentinel: a bare pending promise without resolving functions (hot path). */
const INTERNAL = Symbol('internal');
