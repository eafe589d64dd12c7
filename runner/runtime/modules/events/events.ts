/**
 * The simulated `node:events` (also `events`, which bundled libraries require). As in Node the
 * module is the EventEmitter constructor itself, with `once`, `on`, `errorMonitor` and the
 * other helpers as its properties, so `import EventEmitter from 'events'`,
 * `import { EventEmitter, once } from 'node:events'` and `require('events')` all work.
 *
 * `once` and `on` settle on the simulator's Promise, so `await once(emitter, 'ready')` resumes
 * inside the event-loop model like every other continuation. Warnings (too many listeners)
 * are printed to the service's console after the current tick, worded as Node prints them.
 *
 * Simplified: `on` buffers events without a high-water mark (Node can pause a stream source);
 * EventTarget sources are accepted for `once` only. `EventEmitterAsyncResource` and
 * `captureRejections` are refused by name.
 */
import type { Platform } from '../../platform.ts';
import { hardenPlatform } from '../../harden-platform.ts';
import { invalidArgType } from '../node-errors.ts';
import {
  captureRejectionSymbol,
  createEventEmitterClass,
  type EmitterLike,
  errorMonitor,
  type EventEmitterClass,
  MAX_LISTENERS_DEFAULT,
} from './event-emitter.ts';
import { abortError, createEventsOn, type SignalLike } from './events-on.ts';

type Listener = (...args: unknown[]) => unknown;

interface TargetLike {
  addEventListener(type: string, fn: Listener, opts?: { once?: boolean }): void;
  removeEventListener(type: string, fn: Listener): void;
}

/** Builds one run's `events` module; `print` writes a line to the service's stderr. */
export function createEvents(p: Platform, print: (line: string) => void): EventEmitterClass & Record<string, unknown> {
  let traceHintShown = false;
  const EventEmitter = createEventEmitterClass({
    warn(name, message) {
      // process.emitWarning prints on the next tick, with a hint the first time only.
      p.jobs.enqueueTick(() => {
        const hint = traceHintShown ? '' : '\n(Use `node --trace-warnings ...` to show where the warning was created)';
        traceHintShown = true;
        print(`(node:4242) ${name}: ${message}${hint}`);
      });
    },
  });

  function signalOf(options: unknown): SignalLike | undefined {
    if (options === undefined) return undefined;
    if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'of type object', options);
    const signal = (options as { signal?: unknown }).signal;
    if (signal !== undefined && (typeof signal !== 'object' || signal === null || !('aborted' in signal))) {
      throw invalidArgType('options.signal', 'an instance of AbortSignal', signal);
    }
    return signal as SignalLike | undefined;
  }

  /** `events.once(emitter, name, { signal })`: resolves with the arguments of the next emit. */
  function once(emitter: EmitterLike | TargetLike, name: string | symbol, options?: { signal?: SignalLike }): Promise<unknown[]> {
    // An async function in Node: argument errors reject, and the result is one more promise.
    let signal: SignalLike | undefined;
    try {
      signal = signalOf(options);
      if (signal?.aborted) throw abortError(signal.reason);
    } catch (err) {
      return p.Promise.reject(err);
    }
    const inner = new p.Promise<unknown[]>((resolve, reject) => {
      const isEmitter = typeof (emitter as EmitterLike).once === 'function';
      const off = (type: string | symbol, fn: Listener): void => {
        if (isEmitter) (emitter as EmitterLike).removeListener(type, fn);
        else (emitter as TargetLike).removeEventListener(type as string, fn);
      };
      const onAbort = (): void => {
        off(name, resolver);
        off('error', onError);
        reject(abortError(signal?.reason));
      };
      const onError = (err: unknown): void => {
        off(name, resolver);
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      const resolver = (...args: unknown[]): void => {
        if (isEmitter) (emitter as EmitterLike).removeListener('error', onError);
        signal?.removeEventListener('abort', onAbort);
        resolve(args);
      };
      if (isEmitter) (emitter as EmitterLike).once(name, resolver);
      else if (typeof (emitter as TargetLike).addEventListener === 'function') {
        (emitter as TargetLike).addEventListener(name as string, resolver, { once: true });
      } else throw invalidArgType('emitter', 'an instance of EventEmitter or EventTarget', emitter);
      if (name !== 'error' && isEmitter) (emitter as EmitterLike).once('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return new p.Promise<unknown[]>((resolve) => resolve(inner));
  }

  const on = createEventsOn(p, signalOf);
  // A function, not an arrow: `new EventEmitterAsyncResource()` must reach the message.
  const refuse = (what: string, instead: string) =>
    function refused(): never {
      throw new Error(`${what} is not available in this lab: ${instead}.`);
    };
  const statics: Record<string, unknown> = {
    EventEmitter,
    once,
    on,
    errorMonitor,
    captureRejectionSymbol,
    captureRejections: false,
    usingDomains: false,
    listenerCount: (emitter: { listenerCount(t: string | symbol): number }, type: string | symbol) => emitter.listenerCount(type),
    getEventListeners: (emitter: { listeners(t: string | symbol): Listener[] }, type: string | symbol) => emitter.listeners(type),
    getMaxListeners: (emitter: { getMaxListeners(): number }) => emitter.getMaxListeners(),
    setMaxListeners(n = MAX_LISTENERS_DEFAULT, ...targets: { setMaxListeners(n: number): void }[]) {
      if (targets.length === 0) EventEmitter.defaultMaxListeners = n;
      else for (const t of targets) t.setMaxListeners(n);
    },
    addAbortListener(signal: SignalLike, fn: () => void) {
      if (signal.aborted) p.jobs.enqueueTick(fn);
      else signal.addEventListener('abort', fn, { once: true });
      return { [Symbol.dispose ?? Symbol.for('nodejs.dispose')]: () => signal.removeEventListener('abort', fn) };
    },
    EventEmitterAsyncResource: refuse('events.EventEmitterAsyncResource', 'use EventEmitter with AsyncLocalStorage from node:async_hooks'),
  };
  for (const [key, value] of Object.entries(statics)) {
    Object.defineProperty(EventEmitter, key, { value, enumerable: true, writable: true, configurable: true });
  }
  // Frozen with its prototype, whose methods a subclass instance may still shadow by assignment.
  hardenPlatform(EventEmitter as unknown as new () => object);
  return EventEmitter as EventEmitterClass & Record<string, unknown>;
}
