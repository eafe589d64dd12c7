/**
 * Node's EventEmitter (lib/events.js in Node 20), for services and for bundled libraries that
 * `require('events')` (opossum's circuit breaker extends it). Listeners run synchronously, in
 * the order Node runs them: `emit` calls a snapshot of the list, so a listener added during
 * an emit waits for the next one and a listener removed during it still runs; `once` wrappers
 * remove themselves before calling; `removeListener` takes the most recently added match.
 *
 * It is a function, not a class, as in Node: code written before classes inherits with
 * `util.inherits(Foo, EventEmitter)` and `EventEmitter.call(this)`. The listener table lives
 * in a WeakMap closed over here instead of Node's public `_events`, so nothing the service
 * holds reaches another emitter's listeners (a platform object may be one one day).
 *
 * `captureRejections` is not supported: it is refused when asked for, by name.
 */
import { invalidArgType, nodeError, outOfRange } from '../node-errors.ts';
import { inspect } from '../util/inspect.ts';

type Listener = ((...args: unknown[]) => unknown) & { listener?: Listener };
type EventKey = string | symbol;
type ListenerList = Listener[] & { warned?: boolean };

interface EmitterState {
  events: Record<EventKey, ListenerList>;
  maxListeners: number | undefined;
}

/** Node's default `EventEmitter.defaultMaxListeners`. */
export const MAX_LISTENERS_DEFAULT = 10;

/** `events.errorMonitor`: listeners see 'error' before the regular ones, and do not handle it. */
export const errorMonitor: unique symbol = Symbol('events.errorMonitor') as never;
/** `events.captureRejectionSymbol` (Symbol.for, as in Node). */
export const captureRejectionSymbol: unique symbol = Symbol.for('nodejs.rejection') as never;

/** The instance surface of the simulated EventEmitter, as the rest of the module uses it. */
export interface EmitterLike {
  on(type: EventKey, fn: Listener): this;
  once(type: EventKey, fn: Listener): this;
  removeListener(type: EventKey, fn: Listener): this;
  emit(type: EventKey, ...args: unknown[]): boolean;
}

export interface EmitterClassOptions {
  /** Prints a process warning the way Node does (on stderr, after the current tick). */
  warn(name: string, message: string): void;
}

/** Builds one run's EventEmitter constructor (its `defaultMaxListeners` is the run's). */
export function createEventEmitterClass(options: EmitterClassOptions) {
  const states = new WeakMap<object, EmitterState>();
  let defaultMaxListeners = MAX_LISTENERS_DEFAULT;

  const stateOf = (target: object): EmitterState => {
    let s = states.get(target);
    if (!s) states.set(target, (s = { events: Object.create(null), maxListeners: undefined }));
    return s;
  };

  const checkListener = (fn: unknown): void => {
    if (typeof fn !== 'function') throw invalidArgType('listener', 'of type function', fn);
  };

  const checkMax = (n: unknown): number => {
    if (typeof n !== 'number' || n < 0 || Number.isNaN(n)) {
      throw outOfRange('n', 'a non-negative number', n);
    }
    return n;
  };

  // A plain function, so `EventEmitter.call(this)` from a pre-class subclass works as in Node.
  function EventEmitter(this: object, opts?: { captureRejections?: boolean }): void {
    init(this, opts);
  }

  function init(target: object, opts?: { captureRejections?: boolean }): void {
    if (opts?.captureRejections) {
      throw new Error(
        "EventEmitter's captureRejections is not available in this lab: " +
          "catch the rejection inside the async listener and emit 'error' yourself.",
      );
    }
    stateOf(target);
  }

  function addListener(target: object, type: EventKey, fn: Listener, prepend: boolean): void {
    checkListener(fn);
    const s = stateOf(target);
    if (s.events.newListener !== undefined) (target as EmitterLike).emit('newListener', type, fn.listener ?? fn);
    let list = s.events[type];
    if (list === undefined) list = s.events[type] = [];
    if (prepend) list.unshift(fn);
    else list.push(fn);
    const max = s.maxListeners ?? defaultMaxListeners;
    if (max > 0 && list.length > max && !list.warned) {
      list.warned = true;
      const name = (target as { constructor?: { name?: string } }).constructor?.name || 'Object';
      options.warn(
        'MaxListenersExceededWarning',
        `Possible EventEmitter memory leak detected. ${list.length} ${String(type)} listeners added to [${name}]. ` +
          `MaxListeners is ${max}. Use emitter.setMaxListeners() to increase limit`,
      );
    }
  }

  function onceWrap(target: object, type: EventKey, fn: Listener): Listener {
    let fired = false;
    const wrapped: Listener = function (this: unknown, ...args: unknown[]) {
      if (fired) return undefined;
      fired = true;
      (target as EmitterLike).removeListener(type, wrapped);
      return fn.apply(target, args);
    };
    wrapped.listener = fn;
    return wrapped;
  }

  const proto = {
    setMaxListeners(this: object, n: number) {
      stateOf(this).maxListeners = checkMax(n);
      return this;
    },
    getMaxListeners(this: object): number {
      return stateOf(this).maxListeners ?? defaultMaxListeners;
    },
    emit(this: object, type: EventKey, ...args: unknown[]): boolean {
      const events = stateOf(this).events;
      if (type === 'error') {
        if (events[errorMonitor] !== undefined) proto.emit.call(this, errorMonitor, ...args);
        if (events.error === undefined || events.error.length === 0) throw unhandled(args[0]);
      }
      const list = events[type];
      if (list === undefined || list.length === 0) return false;
      if (list.length === 1) {
        list[0].apply(this, args);
        return true;
      }
      for (const fn of list.slice()) fn.apply(this, args);
      return true;
    },
    addListener(this: object, type: EventKey, fn: Listener) {
      addListener(this, type, fn, false);
      return this;
    },
    on(this: object, type: EventKey, fn: Listener) {
      addListener(this, type, fn, false);
      return this;
    },
    prependListener(this: object, type: EventKey, fn: Listener) {
      addListener(this, type, fn, true);
      return this;
    },
    once(this: object, type: EventKey, fn: Listener) {
      checkListener(fn);
      addListener(this, type, onceWrap(this, type, fn), false);
      return this;
    },
    prependOnceListener(this: object, type: EventKey, fn: Listener) {
      checkListener(fn);
      addListener(this, type, onceWrap(this, type, fn), true);
      return this;
    },
    removeListener(this: object, type: EventKey, fn: Listener) {
      checkListener(fn);
      const events = stateOf(this).events;
      const list = events[type];
      if (list === undefined) return this;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] !== fn && list[i].listener !== fn) continue;
        list.splice(i, 1);
        if (list.length === 0) delete events[type];
        if (events.removeListener !== undefined) (this as EmitterLike).emit('removeListener', type, fn);
        break;
      }
      return this;
    },
    off(this: object, type: EventKey, fn: Listener) {
      return (this as EmitterLike).removeListener(type, fn);
    },
    removeAllListeners(this: object, type?: EventKey) {
      const s = stateOf(this);
      if (s.events.removeListener === undefined) {
        if (type === undefined) s.events = Object.create(null);
        else delete s.events[type];
        return this;
      }
      if (type === undefined) {
        for (const key of Reflect.ownKeys(s.events)) if (key !== 'removeListener') proto.removeAllListeners.call(this, key);
        proto.removeAllListeners.call(this, 'removeListener');
        s.events = Object.create(null);
        return this;
      }
      const list = s.events[type];
      // LIFO, as Node does, each removal announced to 'removeListener' listeners.
      if (list) for (let i = list.length - 1; i >= 0; i--) (this as EmitterLike).removeListener(type, list[i]);
      return this;
    },
    listeners(this: object, type: EventKey): Listener[] {
      return (stateOf(this).events[type] ?? []).map((fn) => fn.listener ?? fn);
    },
    rawListeners(this: object, type: EventKey): Listener[] {
      return (stateOf(this).events[type] ?? []).slice();
    },
    listenerCount(this: object, type: EventKey, fn?: Listener): number {
      const list = stateOf(this).events[type] ?? [];
      if (fn === undefined) return list.length;
      return list.filter((l) => l === fn || l.listener === fn).length;
    },
    eventNames(this: object): EventKey[] {
      return Reflect.ownKeys(stateOf(this).events);
    },
  };

  function unhandled(er: unknown): Error {
    if (er instanceof Error) return er;
    let shown: string;
    try {
      shown = inspect(er);
    } catch {
      shown = String(er);
    }
    const err = nodeError(Error, 'ERR_UNHANDLED_ERROR', `Unhandled error. (${shown})`);
    (err as Error & { context?: unknown }).context = er;
    return err;
  }

  Object.defineProperty(proto, 'constructor', { value: EventEmitter, writable: true, configurable: true });
  EventEmitter.prototype = proto;
  Object.defineProperty(EventEmitter, 'defaultMaxListeners', {
    enumerable: true,
    get: () => defaultMaxListeners,
    set: (n: unknown) => {
      defaultMaxListeners = checkMax(n);
    },
  });
  EventEmitter.init = function (this: object, opts?: { captureRejections?: boolean }) {
    init(this, opts);
  };
  return EventEmitter as unknown as EventEmitterClass;
}

/** The constructor as the module's other parts type it. */
export interface EventEmitterClass {
  new (opts?: { captureRejections?: boolean }): EmitterLike & Record<string, (...a: never[]) => unknown>;
  prototype: object;
  defaultMaxListeners: number;
}
