/**
 * The WHATWG `Headers` class as fetch user code sees it: case-insensitive names, values of a
 * repeated header joined with ", ", iteration in sorted name order (as undici does).
 */
import { hardenPlatform } from '../../harden-platform.ts';

export type HeadersInitLike = SimHeaders | Record<string, string> | [string, string][] | Iterable<[string, string]>;

/** More headers than this on one message is a bug in the code under test, not a workload. */
const HEADERS_MAX = 1000;

export class SimHeaders {
  readonly #map = new Map<string, string>();

  constructor(init?: HeadersInitLike | null) {
    if (init === undefined || init === null) return;
    if (init instanceof SimHeaders) {
      for (const [k, v] of init) this.append(k, v);
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const pair of init as Iterable<[string, string]>) {
        if (!Array.isArray(pair) || pair.length !== 2)
          throw new TypeError(
            `Headers constructor: expected name/value pair to be length 2, found ${Array.isArray(pair) ? pair.length : 0}.`,
          );
        this.append(pair[0], pair[1]);
      }
    } else if (typeof init === 'object') {
      for (const [k, v] of Object.entries(init)) this.append(k, v);
    } else {
      throw new TypeError('Headers constructor: init must be an object, an iterable of pairs or a Headers');
    }
  }

  append(name: string, value: unknown): void {
    const key = normaliseName(name);
    const v = String(value).trim();
    const prev = this.#map.get(key);
    if (prev === undefined && this.#map.size >= HEADERS_MAX) throw new RangeError(`more than ${HEADERS_MAX} headers`);
    this.#map.set(key, prev === undefined ? v : `${prev}, ${v}`);
  }

  set(name: string, value: unknown): void {
    const key = normaliseName(name);
    if (!this.#map.has(key) && this.#map.size >= HEADERS_MAX) throw new RangeError(`more than ${HEADERS_MAX} headers`);
    this.#map.set(key, String(value).trim());
  }

  get(name: string): string | null {
    return this.#map.get(normaliseName(name)) ?? null;
  }

  has(name: string): boolean {
    return this.#map.has(normaliseName(name));
  }

  delete(name: string): void {
    this.#map.delete(normaliseName(name));
  }

  forEach(fn: (value: string, name: string, headers: SimHeaders) => void, thisArg?: unknown): void {
    for (const [k, v] of this) fn.call(thisArg, v, k, this);
  }

  *entries(): IterableIterator<[string, string]> {
    const names = [...this.#map.keys()].sort();
    for (const k of names) yield [k, this.#map.get(k) as string];
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** A plain lower-case record, what a downstream service receives. */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    if (this.#map.size === 0) return record;
    for (const k of [...this.#map.keys()].sort()) record[k] = this.#map.get(k) as string;
    return record;
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}
hardenPlatform(SimHeaders);

/** Names already checked: a service sends the same few headers millions of times. */
const validNames = new Set<string>(['content-type', 'content-length', 'connection', 'accept', 'authorization']);

function normaliseName(name: string): string {
  if (validNames.has(name)) return name;
  const key = String(name).toLowerCase();
  if (validNames.has(key)) return key;
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key)) throw new TypeError(`Headers.append: "${name}" is an invalid header name.`);
  if (validNames.size < 1000) validNames.add(key);
  return key;
}
