/**
 * The simulated `node:async_hooks`: AsyncLocalStorage (run, getStore, enterWith, exit,
 * disable, and the static bind and snapshot) and AsyncResource, on the platform's own async
 * context (async-context.ts). A store set by `run` is seen across awaits, timers, thread-pool
 * callbacks (async crypto), pg results and fetch completions started inside it, and never by
 * another request. The low-level hooks API (createHook, executionAsyncId, ...) is refused by
 * name at first call: AsyncLocalStorage is what services use it for.
 *
 * Simplified: async ids are a per-run counter; `AsyncResource`'s `emitDestroy` does nothing
 * (there are no hooks to tell).
 */
import type { Platform } from '../../platform.ts';
import { validateFunction } from '../node-errors.ts';
import { AsyncContexts } from './async-context.ts';

type Fn = (...args: unknown[]) => unknown;

/** What `require('node:async_hooks')` returns. */
export interface AsyncHooksApi {
  AsyncLocalStorage: new () => object;
  AsyncResource: new (type: string) => object;
  createHook: Fn;
  executionAsyncId: Fn;
  triggerAsyncId: Fn;
  executionAsyncResource: Fn;
}

export function createAsyncHooks(p: Platform): AsyncHooksApi {
  const contexts = new AsyncContexts(p.jobs);
  let asyncIds = 1;

  const bound = (context: unknown, fn: Fn, thisArg?: unknown): Fn =>
    function (this: unknown, ...args: unknown[]) {
      return contexts.runIn(context, fn, thisArg === undefined ? this : thisArg, args);
    };

  class AsyncLocalStorage {
    #enabled = false;

    /** Runs `fn` with `store` as this storage's store; async work it starts keeps it. */
    run<R>(store: unknown, fn: (...args: unknown[]) => R, ...args: unknown[]): R {
      validateFunction(fn, 'callback');
      this.#enabled = true;
      return contexts.runIn(contexts.with(this, store), fn, undefined, args);
    }

    /** Runs `fn` outside this storage's context: `getStore()` is undefined inside it. */
    exit<R>(fn: (...args: unknown[]) => R, ...args: unknown[]): R {
      validateFunction(fn, 'callback');
      return contexts.runIn(contexts.with(this, undefined, true), fn, undefined, args);
    }

    /** Sets the store for the rest of the current synchronous execution and what it schedules. */
    enterWith(store: unknown): void {
      this.#enabled = true;
      contexts.enter(contexts.with(this, store));
    }

    getStore(): unknown {
      return this.#enabled ? contexts.stores()?.get(this) : undefined;
    }

    /** Until the next `run` or `enterWith`, `getStore()` returns undefined everywhere. */
    disable(): void {
      this.#enabled = false;
    }

    /** `fn` bound to the current context, whatever context later calls it. */
    static bind(fn: Fn): Fn {
      validateFunction(fn, 'fn');
      return bound(contexts.current(), fn);
    }

    /** A function that runs its argument in the context current now. */
    static snapshot(): (fn: Fn, ...args: unknown[]) => unknown {
      const context = contexts.current();
      return (fn, ...args) => contexts.runIn(context, fn, undefined, args);
    }
  }

  class AsyncResource {
    readonly #context = contexts.current();
    readonly #asyncId = asyncIds++;
    readonly #type: string;

    constructor(type: string) {
      if (typeof type !== 'string') throw new TypeError('The "type" argument must be of type string.');
      this.#type = type;
    }

    /** Calls `fn` in the context this resource was created in. */
    runInAsyncScope(fn: Fn, thisArg?: unknown, ...args: unknown[]): unknown {
      return contexts.runIn(this.#context, fn, thisArg, args);
    }

    bind(fn: Fn, thisArg?: unknown): Fn {
      validateFunction(fn, 'fn');
      return bound(this.#context, fn, thisArg);
    }

    emitDestroy(): this {
      return this;
    }

    asyncId(): number {
      return this.#asyncId;
    }

    triggerAsyncId(): number {
      return 0;
    }

    get type(): string {
      return this.#type;
    }

    static bind(fn: Fn, type = 'bound-anonymous-fn', thisArg?: unknown): Fn {
      return new AsyncResource(type).bind(fn, thisArg);
    }
  }

  const refuse = (name: string) =>
    function refused(): never {
      throw new Error(
        `async_hooks.${name} is not available in this lab: use AsyncLocalStorage (run, getStore) to carry per-request state.`,
      );
    };

  return {
    AsyncLocalStorage,
    AsyncResource,
    createHook: refuse('createHook'),
    executionAsyncId: refuse('executionAsyncId'),
    triggerAsyncId: refuse('triggerAsyncId'),
    executionAsyncResource: refuse('executionAsyncResource'),
  };
}
