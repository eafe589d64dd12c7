/**
 * setTimeout/setInterval/setImmediate and `node:timers/promises` on the virtual clock,
 * with Node's rules: delays below 1 ms become 1 ms; timers with the same expiry fire in
 * creation order; Timeout objects have ref/unref/refresh/hasRef.
 */
import type { Platform } from '../platform.ts';
import { hardenPlatform } from '../harden-platform.ts';
import { traceOf } from '../trace-log.ts';

const DELAY_MS_MAX = 2 ** 31 - 1;

let isCancelled: (t: Timeout) => boolean;
let cancel: (t: Timeout) => void;

/**
 * The handle the service holds. The function that arms it on the event loop and its
 * cancelled flag are private: the timer functions below reach them through `cancel` and
 * `isCancelled`, the service only through `close()` and `clearTimeout`.
 */
export class Timeout {
  readonly #arm: (t: Timeout) => void;
  #cancelled = false;

  constructor(
    arm: (t: Timeout) => void,
    readonly delayMs: number,
    readonly repeat: boolean,
    readonly id: number,
  ) {
    this.#arm = arm;
  }

  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    this.#arm(this);
    return this;
  }
  close(): this {
    this.#cancelled = true;
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }

  static {
    isCancelled = (t) => t.#cancelled;
    cancel = (t) => {
      t.#cancelled = true;
    };
  }
}
hardenPlatform(Timeout);

export interface TimerApi {
  setTimeout: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => Timeout;
  clearTimeout: (t: unknown) => void;
  setInterval: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => Timeout;
  clearInterval: (t: unknown) => void;
  setImmediate: (fn: (...args: unknown[]) => void, ...args: unknown[]) => Timeout;
  clearImmediate: (t: unknown) => void;
  /** `node:timers/promises` */
  promises: {
    setTimeout: <T>(ms?: number, value?: T, options?: { signal?: AbortSignalLike }) => Promise<T>;
    setImmediate: <T>(value?: T) => Promise<T>;
  };
}

interface AbortSignalLike {
  aborted: boolean;
  reason: unknown;
  addEventListener(type: 'abort', fn: () => void, opts?: { once?: boolean }): void;
  removeEventListener(type: 'abort', fn: () => void): void;
}

export function createTimers(p: Platform): TimerApi {
  let nextId = 1;
  const byId = new Map<number, Timeout>();
  const clampMs = (ms: unknown): number => {
    const n = Number(ms);
    return !(n >= 1 && n <= DELAY_MS_MAX) ? 1 : n;
  };

  function create(fn: (...args: unknown[]) => void, ms: number, repeat: boolean, args: unknown[]): Timeout {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function.');
    let generation = 0;
    const arm = (t: Timeout): void => {
      const mine = ++generation;
      const armedMs = p.loop.now();
      p.loop.post(armedMs + t.delayMs, () => {
        if (isCancelled(t) || mine !== generation) return;
        // A timer that fired is time the request spent asleep (a backoff, a poll); a cleared one was not.
        if (!t.repeat) traceOf(p.jobs.context)?.add('timer', `setTimeout ${t.delayMs} ms`, armedMs, armedMs + t.delayMs);
        if (t.repeat) arm(t);
        else byId.delete(t.id);
        fn(...args);
      });
    };
    const t = new Timeout(arm, ms, repeat, nextId++);
    byId.set(t.id, t);
    arm(t);
    return t;
  }

  const clear = (t: unknown): void => {
    const timer = t instanceof Timeout ? t : byId.get(Number(t));
    if (timer) {
      cancel(timer);
      byId.delete(timer.id);
    }
  };

  return {
    setTimeout: (fn, ms, ...args) => create(fn, clampMs(ms), false, args),
    setInterval: (fn, ms, ...args) => create(fn, clampMs(ms), true, args),
    setImmediate: (fn, ...args) => {
      const t = new Timeout(() => {}, 0, false, nextId++);
      p.loop.postNow(() => {
        if (!isCancelled(t)) fn(...args);
      });
      return t;
    },
    clearTimeout: clear,
    clearInterval: clear,
    clearImmediate: clear,
    promises: {
      setTimeout: <T>(ms?: number, value?: T, options?: { signal?: AbortSignalLike }) =>
        new p.Promise<T>((resolve, reject) => {
          const signal = options?.signal;
          if (signal?.aborted) return reject(abortError(signal.reason));
          const onAbort = (): void => {
            clear(t);
            reject(abortError(signal?.reason));
          };
          const t = create(
            () => {
              signal?.removeEventListener('abort', onAbort);
              resolve(value as T);
            },
            clampMs(ms),
            false,
            [],
          );
          signal?.addEventListener('abort', onAbort, { once: true });
        }),
      setImmediate: <T>(value?: T) => new p.Promise<T>((resolve) => p.loop.postNow(() => resolve(value as T))),
    },
  };
}

function abortError(reason: unknown): Error {
  const err = new Error('The operation was aborted', { cause: reason });
  err.name = 'AbortError';
  (err as Error & { code: string }).code = 'ABORT_ERR';
  return err;
}
