/**
 * `events.on(emitter, name, { signal })`: an async iterator over an emitter's events, for
 * `for await (const [msg] of on(emitter, 'message'))`. Each `next()` settles on the
 * simulator's Promise. Events emitted while nothing waits are buffered; an 'error' event
 * rejects the pending `next()` (or the following one) and ends the iteration; `return()`
 * (a `break` out of the loop) removes the listeners.
 *
 * Simplified from Node 20: no `highWaterMark` back-pressure and no `close` option.
 */
import type { Platform } from '../../platform.ts';
import { invalidArgType } from '../node-errors.ts';
import type { EmitterLike } from './event-emitter.ts';

type Listener = (...args: unknown[]) => unknown;

/** The AbortSignal surface `once` and `on` use. */
export interface SignalLike {
  aborted: boolean;
  reason: unknown;
  addEventListener(type: 'abort', fn: () => void, opts?: { once?: boolean }): void;
  removeEventListener(type: 'abort', fn: () => void): void;
}

/** Node's `AbortError` (code ABORT_ERR), as `events.once` rejects with it. */
export function abortError(reason: unknown): Error {
  const err = new Error('The operation was aborted', { cause: reason });
  err.name = 'AbortError';
  (err as Error & { code: string }).code = 'ABORT_ERR';
  return err;
}

interface Waiter {
  resolve: (r: IteratorResult<unknown[]>) => void;
  reject: (err: unknown) => void;
}

/** Builds `events.on` for one run; `signalOf` validates the options as `once` does. */
export function createEventsOn(p: Platform, signalOf: (options: unknown) => SignalLike | undefined) {
  return function on(emitter: EmitterLike, name: string | symbol, options?: { signal?: SignalLike }): AsyncIterableIterator<unknown[]> {
    const signal = signalOf(options);
    if (signal?.aborted) throw abortError(signal.reason);
    if (typeof emitter?.on !== 'function') throw invalidArgType('emitter', 'an instance of EventEmitter', emitter);
    const buffered: unknown[][] = [];
    const waiters: Waiter[] = [];
    let failure: unknown;
    let failed = false;
    let finished = false;

    const close = (): void => {
      if (finished) return;
      finished = true;
      emitter.removeListener(name, onEvent);
      if (name !== 'error') emitter.removeListener('error', onError);
      signal?.removeEventListener('abort', onAbort);
      for (const w of waiters.splice(0)) w.resolve({ value: undefined, done: true });
    };
    const onEvent: Listener = (...args) => {
      const w = waiters.shift();
      if (w) w.resolve({ value: args, done: false });
      else buffered.push(args);
    };
    const fail = (err: unknown): void => {
      const w = waiters.shift();
      if (w) w.reject(err);
      else {
        failure = err;
        failed = true;
      }
      close();
    };
    const onError: Listener = (err) => fail(err);
    const onAbort = (): void => fail(abortError(signal?.reason));

    emitter.on(name, onEvent);
    if (name !== 'error') emitter.on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });

    const iterator = {
      next(): Promise<IteratorResult<unknown[]>> {
        const args = buffered.shift();
        if (args) return p.Promise.resolve({ value: args, done: false });
        if (failed) {
          failed = false;
          const err = failure;
          failure = undefined;
          return p.Promise.reject(err);
        }
        if (finished) return p.Promise.resolve({ value: undefined, done: true });
        return new p.Promise((resolve, reject) => waiters.push({ resolve, reject }));
      },
      return(): Promise<IteratorResult<unknown[]>> {
        close();
        return p.Promise.resolve({ value: undefined, done: true });
      },
      throw(err: unknown): Promise<IteratorResult<unknown[]>> {
        if (!(err instanceof Error)) throw invalidArgType('EventEmitter.AsyncIterator', 'an instance of Error', err);
        fail(err);
        return p.Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator as AsyncIterableIterator<unknown[]>;
  };
}
