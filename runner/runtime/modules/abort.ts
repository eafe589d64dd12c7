/**
 * AbortController and AbortSignal for user code, with `AbortSignal.timeout` on the virtual
 * clock. Listeners run synchronously when the signal aborts, as in Node and browsers.
 */
import type { Platform } from '../platform.ts';
import { hardenPlatform } from '../harden-platform.ts';

type Listener = (ev: { type: 'abort'; target: SimAbortSignal }) => void;

export interface SimAbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  onabort: Listener | null;
  addEventListener(type: string, fn: Listener, opts?: { once?: boolean } | boolean): void;
  removeEventListener(type: string, fn: Listener): void;
  throwIfAborted(): void;
}

export interface AbortApi {
  AbortController: new () => { readonly signal: SimAbortSignal; abort(reason?: unknown): void };
  AbortSignal: {
    abort(reason?: unknown): SimAbortSignal;
    timeout(ms: number): SimAbortSignal;
    any(signals: SimAbortSignal[]): SimAbortSignal;
  };
}

export function domException(message: string, name: 'AbortError' | 'TimeoutError'): Error {
  return new DOMException(message, name) as unknown as Error;
}

/**
 * The reason of a timeout signal until something reads it: a DOMException costs a stack, and
 * most `AbortSignal.timeout` signals fire after their fetch settled, when nothing looks.
 */
const TIMEOUT_REASON_UNREAD = Symbol('timeout reason not made yet');

export function createAbort(p: Platform): AbortApi {
  let fire: (signal: Signal, reason: unknown) => void;

  /**
   * State and listeners are private, as they are in a WHATWG AbortSignal: a listener may be
   * the platform's own (fetch's), and `aborted` must not be settable by the service.
   */
  class Signal implements SimAbortSignal {
    onabort: Listener | null = null;
    #aborted = false;
    #reason: unknown = undefined;
    #listeners: { fn: Listener; once: boolean }[] = [];

    get aborted(): boolean {
      return this.#aborted;
    }

    get reason(): unknown {
      if (this.#reason === TIMEOUT_REASON_UNREAD) this.#reason = domException('The operation was aborted due to timeout', 'TimeoutError');
      return this.#reason;
    }

    addEventListener(type: string, fn: Listener, opts?: { once?: boolean } | boolean): void {
      if (type !== 'abort' || typeof fn !== 'function') return;
      if (this.#listeners.some((l) => l.fn === fn)) return;
      this.#listeners.push({ fn, once: typeof opts === 'object' && !!opts?.once });
    }

    removeEventListener(type: string, fn: Listener): void {
      if (type === 'abort') this.#listeners = this.#listeners.filter((l) => l.fn !== fn);
    }

    throwIfAborted(): void {
      if (this.#aborted) throw this.reason;
    }

    /** Aborts and notifies listeners once. */
    #fire(reason: unknown): void {
      if (this.#aborted) return;
      this.#aborted = true;
      this.#reason = reason === undefined ? domException('This operation was aborted', 'AbortError') : reason;
      const ev = { type: 'abort' as const, target: this };
      const listeners = this.#listeners;
      this.#listeners = listeners.filter((l) => !l.once);
      this.onabort?.(ev);
      for (const l of listeners) l.fn(ev);
    }

    get [Symbol.toStringTag](): string {
      return 'AbortSignal';
    }

    static {
      fire = (signal, reason) => signal.#fire(reason);
    }
  }

  class Controller {
    readonly signal = new Signal();
    abort(reason?: unknown): void {
      fire(this.signal, reason);
    }
  }
  hardenPlatform(Signal);
  hardenPlatform(Controller);

  return {
    AbortController: Controller,
    AbortSignal: {
      abort(reason?: unknown) {
        const s = new Signal();
        fire(s, reason);
        return s;
      },
      timeout(ms: number) {
        const s = new Signal();
        // Node fires it from a timer, so a busy main thread delays it like any other timer.
        p.loop.post(p.loop.now() + Math.max(0, Number(ms) || 0), () => fire(s, TIMEOUT_REASON_UNREAD));
        return s;
      },
      any(signals: SimAbortSignal[]) {
        const s = new Signal();
        for (const src of signals) {
          if (src.aborted) {
            fire(s, src.reason);
            break;
          }
          src.addEventListener('abort', () => fire(s, src.reason), { once: true });
        }
        return s;
      },
    },
  };
}
