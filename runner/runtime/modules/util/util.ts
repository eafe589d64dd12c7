/**
 * The simulated `node:util` subset: `promisify` (whose promises are the simulator's, so their
 * continuations run in the event-loop model), `callbackify`, `inspect`, `format`,
 * `isDeepStrictEqual`, `types`, `deprecate`, `inherits`, and TextEncoder/TextDecoder.
 * The formatting functions are pure and exported on their own for the console capture.
 */
import { invalidArgType, validateFunction } from '../node-errors.ts';
import type { Platform } from '../../platform.ts';
import { isDeepStrictEqual } from './deep-equal.ts';
import { format, formatWithOptions } from './format.ts';
import { inspect } from './inspect.ts';

export { format, formatWithOptions } from './format.ts';
export { inspect, type InspectOptions } from './inspect.ts';
export { isDeepStrictEqual } from './deep-equal.ts';

type AnyFn = (...args: any[]) => any;

export interface UtilOptions {
  /**
   * Promisified forms Node defines for functions that do not follow the `(err, value)`
   * callback convention, e.g. `setTimeout` → `timers/promises.setTimeout`. Keys are the
   * original functions, values their promise-returning versions.
   */
  customPromisify?: ReadonlyMap<unknown, unknown>;
}

/** Node's `util.promisify.custom`: a registered symbol, so libraries can use it without importing util. */
export const promisifyCustom: unique symbol = Symbol.for('nodejs.util.promisify.custom') as never;

export interface UtilApi {
  promisify: ((original: AnyFn) => AnyFn) & { custom: typeof promisifyCustom };
  callbackify(original: AnyFn): AnyFn;
  inspect: typeof inspect;
  format: typeof format;
  formatWithOptions: typeof formatWithOptions;
  isDeepStrictEqual: typeof isDeepStrictEqual;
  deprecate<T extends AnyFn>(fn: T, message?: string, code?: string): T;
  inherits(ctor: AnyFn, superCtor: AnyFn): void;
  types: UtilTypes;
  TextEncoder: typeof TextEncoder;
  TextDecoder: typeof TextDecoder;
}

export interface UtilTypes {
  isPromise(v: unknown): boolean;
  isDate(v: unknown): v is Date;
  isRegExp(v: unknown): v is RegExp;
  isNativeError(v: unknown): v is Error;
  isMap(v: unknown): boolean;
  isSet(v: unknown): boolean;
  isTypedArray(v: unknown): boolean;
  isUint8Array(v: unknown): v is Uint8Array;
  isArrayBuffer(v: unknown): v is ArrayBuffer;
  isAnyArrayBuffer(v: unknown): boolean;
}

export function createUtil(p: Platform, options: UtilOptions = {}): UtilApi {
  const customs = options.customPromisify ?? new Map<unknown, unknown>();

  function promisify(original: AnyFn): AnyFn {
    validateFunction(original, 'original');
    const custom = (original as unknown as Record<symbol, unknown>)[promisifyCustom] ?? customs.get(original);
    if (custom !== undefined) {
      if (typeof custom !== 'function') throw invalidArgType('util.promisify.custom', 'of type function', custom);
      return Object.defineProperty(custom, promisifyCustom, {
        value: custom,
        enumerable: false,
        writable: false,
        configurable: true,
      }) as AnyFn;
    }
    function fn(this: unknown, ...args: unknown[]): Promise<unknown> {
      return new p.Promise((resolve, reject) => {
        // A synchronous throw from `original` rejects, as an executor's throw does in Node.
        original.call(this, ...args, (err: unknown, ...values: unknown[]) => (err ? reject(err) : resolve(values[0])));
      });
    }
    Object.setPrototypeOf(fn, Object.getPrototypeOf(original) as object | null);
    Object.defineProperty(fn, promisifyCustom, { value: fn, enumerable: false, writable: false, configurable: true });
    return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
  }

  function callbackify(original: AnyFn): AnyFn {
    validateFunction(original, 'original');
    return function callbackified(this: unknown, ...args: unknown[]): void {
      const cb = args.pop();
      validateFunction(cb, 'last argument');
      // Node calls back on a later tick, and wraps falsy rejection reasons so `err` is truthy.
      p.Promise.resolve(original.apply(this, args)).then(
        (value) => p.jobs.enqueueTick(() => cb(null, value)),
        (reason) => p.jobs.enqueueTick(() => cb(falsyRejection(reason))),
      );
    };
  }

  return {
    promisify: Object.assign(promisify, { custom: promisifyCustom } as const),
    callbackify,
    inspect,
    format,
    formatWithOptions,
    isDeepStrictEqual,
    // A no-op wrapper: deprecation warnings would be noise in the lab's console.
    deprecate: (fn) => fn,
    inherits(ctor, superCtor) {
      validateFunction(ctor, 'ctor');
      validateFunction(superCtor, 'superCtor');
      Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
      Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
    },
    types: createTypes(p),
    TextEncoder: globalThis.TextEncoder,
    TextDecoder: globalThis.TextDecoder,
  };
}

function falsyRejection(reason: unknown): unknown {
  if (reason) return reason;
  const err = new Error('Promise was rejected with a falsy value') as Error & { reason: unknown; code: string };
  err.reason = reason;
  err.code = 'ERR_FALSY_VALUE_REJECTION';
  return err;
}

function createTypes(p: Platform): UtilTypes {
  const tag = (v: unknown): string => Object.prototype.toString.call(v);
  return {
    // The simulator's promises and any host promise that leaked in both count.
    isPromise: (v) => v instanceof p.Promise || v instanceof Promise,
    isDate: (v): v is Date => v instanceof Date,
    isRegExp: (v): v is RegExp => v instanceof RegExp,
    isNativeError: (v): v is Error => v instanceof Error,
    isMap: (v) => v instanceof Map,
    isSet: (v) => v instanceof Set,
    isTypedArray: (v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
    isUint8Array: (v): v is Uint8Array => v instanceof Uint8Array,
    isArrayBuffer: (v): v is ArrayBuffer => tag(v) === '[object ArrayBuffer]',
    isAnyArrayBuffer: (v) => tag(v) === '[object ArrayBuffer]' || tag(v) === '[object SharedArrayBuffer]',
  };
}
