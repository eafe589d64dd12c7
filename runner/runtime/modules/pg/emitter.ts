/**
 * The few EventEmitter methods pg's Pool and Client expose (`on`, `once`, `off`, `emit`).
 * Listeners run synchronously, inside whatever main-thread task emits. Listeners are kept
 * in a private field: they include the platform's own.
 */
import { hardenPlatform } from '../../harden-platform.ts';

type Listener = (...args: unknown[]) => void;

export class Emitter {
  #listeners = new Map<string, { fn: Listener; once: boolean }[]>();

  on(event: string, fn: Listener): this {
    const list = this.#listeners.get(event) ?? [];
    list.push({ fn, once: false });
    this.#listeners.set(event, list);
    return this;
  }

  once(event: string, fn: Listener): this {
    this.on(event, fn);
    const list = this.#listeners.get(event);
    if (list) list[list.length - 1].once = true;
    return this;
  }

  off(event: string, fn: Listener): this {
    const list = this.#listeners.get(event);
    if (list)
      this.#listeners.set(
        event,
        list.filter((l) => l.fn !== fn),
      );
    return this;
  }

  removeListener(event: string, fn: Listener): this {
    return this.off(event, fn);
  }

  emit(event: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event);
    if (!list?.length) return false;
    this.#listeners.set(
      event,
      list.filter((l) => !l.once),
    );
    for (const l of list) l.fn(...args);
    return true;
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }
}
hardenPlatform(Emitter);
