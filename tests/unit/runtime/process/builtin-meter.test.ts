/**
 * The meter that charges size-proportional built-ins (runtime/process/builtin-meter.ts), called
 * as the instrumented code calls it: it hands every value back unchanged, charges only what a
 * kind charges for, and whatever the service passes (a Proxy, a length that lies or throws)
 * adds a whole, finite, non-negative number of units and never throws.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_COSTS, builtinKindIndex } from '../../../../runner/runtime/process/builtin-meter.ts';
import { createCpuCounter } from '../../../../runner/runtime/process/cpu-meter.ts';
import { Buffer } from '../../../../runner/runtime/modules/buffer/buffer.ts';

const SORT = builtinKindIndex('sort');
const SEARCH = builtinKindIndex('search');
const REGEX = builtinKindIndex('regex');
const COPY_INTO = builtinKindIndex('copyInto');
const SPREAD = builtinKindIndex('spread');
const SLICE = builtinKindIndex('slice');

/** Units `value` adds as `kind` work on a fresh counter, and what came back. */
function charge(value: unknown, kind: number): { units: number; back: unknown } {
  const counter = createCpuCounter();
  const back = counter.r(value, kind);
  return { units: counter.n, back };
}

describe('the built-in meter', () => {
  it('charges by size and type, and hands the value back', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    expect(charge(xs, SEARCH)).toEqual({ units: 1000 * BUILTIN_COSTS.search.array, back: xs });
    expect(charge('x'.repeat(1000), SEARCH).units).toBe(1000 * BUILTIN_COSTS.search.string);
    expect(charge(new Uint8Array(1000), SEARCH).units).toBe(1000 * BUILTIN_COSTS.search.typed);
    expect(charge(new Set(xs), SPREAD).units).toBe(1000 * BUILTIN_COSTS.spread.collection);
    expect(charge(new Map([[1, 2]]), SPREAD).units).toBe(BUILTIN_COSTS.spread.collection);
    // A slice copies an array or a Uint8Array; a Buffer's slice is a view, as in Node.
    expect(charge(new Uint8Array(1000), SLICE).units).toBe(1000 * BUILTIN_COSTS.slice.typed);
    expect(charge(Buffer.alloc(1000), SLICE).units).toBe(0);
    // What the kind does not charge for, and what has no size.
    for (const v of [42, null, undefined, true, Symbol('s'), () => 1, { length: 1000 }, new Set(xs)]) {
      expect(charge(v, SEARCH)).toEqual({ units: 0, back: v });
    }
  });

  it('charges a sort n log n: 100 000 elements cost about 2.1 times 50 000', () => {
    const large = charge(new Array(100_000).fill(0), SORT).units;
    const small = charge(new Array(50_000).fill(0), SORT).units;
    expect(large / small).toBeGreaterThan(2.05);
    expect(large / small).toBeLessThan(2.2);
  });

  it('reads no length the service defines, and survives any length a Proxy claims', () => {
    let reads = 0;
    const arrayLike = {
      get length() {
        reads++;
        throw new Error('no');
      },
    };
    expect(charge(arrayLike, SEARCH)).toEqual({ units: 0, back: arrayLike });
    expect(reads).toBe(0);
    for (const length of [-1e15, Number.NaN, Number.POSITIVE_INFINITY, 1e15, -0, '1000', 2 ** 32, {}]) {
      const proxy = new Proxy([1, 2, 3], { get: (t, k) => (k === 'length' ? length : Reflect.get(t, k)) });
      const { units, back } = charge(proxy, SORT);
      expect(back).toBe(proxy);
      expect(units, String(length)).toBe(0);
    }
    const throwing = new Proxy([1, 2, 3], {
      get() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
    });
    expect(charge(throwing, SORT).units).toBe(0);
    expect(charge(throwing, SPREAD).units).toBe(0);
    const { proxy, revoke } = Proxy.revocable([1, 2, 3], {});
    revoke();
    expect(charge(proxy, SORT).units).toBe(0);
    // An honest Proxy is charged for what it says it holds, within what an array can hold.
    expect(charge(new Proxy(new Array(1000).fill(0), {}), SEARCH).units).toBe(1000 * BUILTIN_COSTS.search.array);
  });

  it('charges whole, finite, non-negative units for the largest sizes', () => {
    const counter = createCpuCounter();
    const huge = new Proxy([], { get: (t, k) => (k === 'length' ? 2 ** 32 - 1 : Reflect.get(t, k)) });
    for (let kind = 0; kind < Object.keys(BUILTIN_COSTS).length; kind++) counter.r(huge, kind);
    expect(Number.isSafeInteger(counter.n)).toBe(true);
    expect(counter.n).toBeGreaterThan(0);
  });

  it('charges a regex by its subject, and only a regex (a typed array for set)', () => {
    const subject = 'a'.repeat(10_000);
    const run = (receiver: unknown, kind: number, arg: unknown): number => {
      const counter = createCpuCounter();
      expect(counter.p(receiver, kind)).toBe(receiver);
      expect(counter.a(arg, kind)).toBe(arg);
      return counter.n;
    };
    expect(run(/b/, REGEX, subject)).toBe(10_000 * BUILTIN_COSTS.regex.string);
    for (const notRegex of [{ test: () => true }, Object.create(RegExp.prototype), new Proxy(/b/, {}), 'b', null]) {
      expect(run(notRegex, REGEX, subject)).toBe(0);
    }
    expect(run(new Uint8Array(10), COPY_INTO, new Uint8Array(500))).toBe(500 * BUILTIN_COSTS.copyInto.typed);
    expect(run(new Map(), COPY_INTO, new Array(500).fill(0))).toBe(0);
    // An argument with no receiver before it (its receiver's call threw, say) charges nothing.
    const counter = createCpuCounter();
    counter.a(subject, REGEX);
    expect(counter.n).toBe(0);
    // Receivers whose arguments never came are forgotten, not kept without bound.
    for (let i = 0; i < 10_000; i++) counter.p(/x/, REGEX);
    counter.a(subject, REGEX);
    expect(counter.n).toBe(10_000 * BUILTIN_COSTS.regex.string);
  });
});
