/**
 * Calls that reach a size-charged built-in (builtin-meter.ts) not by its name but through
 * `call`, `apply`, `Reflect.apply` or `Reflect.construct`: `Math.max.apply(null, xs)`,
 * `Reflect.apply(Array.prototype.sort, xs, [])`, `Array.prototype.map.call(xs, Math.sqrt)`.
 * Which function is called is known only at run time, so the instrumentation passes the
 * receiver of every `.call(`, `.apply(` and `.construct(` through the meter's `v`
 * (sandbox/builtin-call-sites.ts). When it is one of the built-ins below (or `Reflect`), `v`
 * hands back a stand-in whose method charges what the direct call would be charged and then
 * makes the very call written, through the real `call`/`apply`/`Reflect` method with the same
 * arguments. Anything else (the service's own functions, an RPC client's `call`) comes back
 * as it was, so the service's calls and stacks are untouched.
 *
 * `f.apply(t, list)` spreads `list` into arguments: for the built-ins whose work is their
 * argument list (`Math.max`, `String.fromCharCode`, `push`) the list is charged as a spread
 * is, so `Math.max.apply(null, xs)` costs what `Math.max(...xs)` costs.
 */
import type { BuiltinKind } from './builtin-meter.ts';
import { Buffer } from '../modules/buffer/buffer.ts';

/** Which value of a call gives its work a size: its `this`, its first argument, its argument list, or its result. */
type Size = 'this' | 'argument' | 'list' | 'result';

/** One charge of a built-in; `withFunction` is the kind instead when argument `at` is a function (a comparator, a map function). */
export interface Charge {
  size: Size;
  kind: BuiltinKind;
  withFunction?: { at: number; kind: BuiltinKind };
}

/** Adds the units `value` costs as `kind` work, credited to a profile's call site when there is one. */
export type ChargeFn = (value: unknown, kind: BuiltinKind, tally?: Float64Array, site?: number) => void;

/** Which method the call site calls on the receiver: `.call(`, `.apply(`, `.construct(`. */
export const VIA_CALL = 0;
export const VIA_APPLY = 1;
export const VIA_CONSTRUCT = 2;

const CHARGED = new Map<unknown, Charge[]>();
const NAMES = new Set<string>();

/**
 * The names the size-charged built-ins are found by, as properties or globals (`sort`, `keys`,
 * `Set`): where the service reads a property of one of these names, it may get one.
 */
export const CHARGED_NAMES: ReadonlySet<string> = NAMES;

/** The charges of a size-charged built-in (the function itself, never a stand-in), or undefined. */
export function chargesOf(f: unknown): readonly Charge[] | undefined {
  return CHARGED.get(f);
}
const on = (owner: object, names: string[], ...charges: Charge[]): void => {
  for (const name of names) {
    NAMES.add(name);
    const f = (owner as Record<string, unknown>)[name];
    if (typeof f === 'function') CHARGED.set(f, charges);
  }
};
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array) as object;
for (const proto of [Array.prototype, (TYPED_ARRAY as { prototype: object }).prototype]) {
  on(proto, ['sort', 'toSorted'], { size: 'this', kind: 'sort', withFunction: { at: 0, kind: 'sortBy' } });
  on(proto, ['reverse', 'toReversed', 'fill', 'copyWithin', 'splice', 'toSpliced', 'with'], { size: 'this', kind: 'rearrange' });
  on(proto, ['indexOf', 'lastIndexOf', 'includes'], { size: 'this', kind: 'search' });
  on(proto, ['join', 'toString'], { size: 'this', kind: 'join' });
  on(proto, ['slice'], { size: 'result', kind: 'slice' });
  on(proto, ['concat'], { size: 'result', kind: 'copy' });
  const visits = ['forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'reduce', 'reduceRight'];
  on(proto, visits, { size: 'this', kind: 'iterate' });
  on(proto, ['map', 'filter'], { size: 'this', kind: 'iterateInto' });
  on(proto, ['flatMap'], { size: 'this', kind: 'flatMap' });
  on(proto, ['set'], { size: 'argument', kind: 'copyInto' });
  on(proto, ['push', 'unshift'], { size: 'list', kind: 'spread' });
}
on(String.prototype, ['indexOf', 'lastIndexOf', 'includes'], { size: 'this', kind: 'search' });
on(String.prototype, ['split', 'match', 'matchAll', 'search'], { size: 'this', kind: 'text' });
on(String.prototype, ['replace', 'replaceAll'], { size: 'this', kind: 'replace' });
on(String.prototype, ['concat'], { size: 'result', kind: 'copy' });
on(String.prototype, ['repeat', 'padStart', 'padEnd'], { size: 'result', kind: 'pad' });
on(RegExp.prototype, ['test', 'exec'], { size: 'argument', kind: 'regex' });
on(Map.prototype, ['forEach'], { size: 'this', kind: 'iterate' });
on(Set.prototype, ['forEach'], { size: 'this', kind: 'iterate' });
on(Array, ['from'], { size: 'result', kind: 'build', withFunction: { at: 1, kind: 'buildBy' } });
on(TYPED_ARRAY, ['from'], { size: 'result', kind: 'build', withFunction: { at: 1, kind: 'buildBy' } });
on(Buffer, ['from'], { size: 'result', kind: 'build' });
on(Buffer, ['concat'], { size: 'result', kind: 'copy' });
on(Object, ['keys'], { size: 'result', kind: 'keys' });
on(Object, ['values'], { size: 'result', kind: 'values' });
on(Object, ['entries'], { size: 'result', kind: 'entries' });
on(Object, ['fromEntries'], { size: 'argument', kind: 'fromEntries' });
on(Math, ['max', 'min', 'hypot'], { size: 'list', kind: 'spread' });
on(String, ['fromCharCode', 'fromCodePoint'], { size: 'list', kind: 'spread' });
on(Array, ['of'], { size: 'list', kind: 'spread' });
on(TYPED_ARRAY, ['of'], { size: 'list', kind: 'spread' });
// Constructors, reached by `Reflect.construct(Set, [xs])`.
on(globalThis, ['Set', 'WeakSet'], { size: 'argument', kind: 'collect' }, { size: 'result', kind: 'insert' });
on(globalThis, ['Map', 'WeakMap'], { size: 'argument', kind: 'collectEntries' }, { size: 'result', kind: 'insert' });
const typedArrays = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array'];
on(globalThis, [...typedArrays, 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'], {
  size: 'argument',
  kind: 'typedCopy',
});

const { call, apply } = Function.prototype;
const reflectApply = Reflect.apply;
const reflectConstruct = Reflect.construct;
const { isArray } = Array;
/** How many calls of `call`/`apply` through each other are followed to the built-in they reach. */
const INDIRECTION_MAX = 4;

/**
 * The meter's `v`: `value` as the receiver of a `.call(`/`.apply(`/`.construct(` (`which`),
 * or a stand-in that charges the call, for the built-ins above and `Reflect`.
 */
export function createIndirectCalls(
  charge: ChargeFn,
  targetOf: (value: unknown) => unknown = () => undefined,
): (value: unknown, which: number, tally?: Float64Array, site?: number) => unknown {
  /** Charges what `reached` costs: before the call, or after it by its `result`. */
  const chargeCall = (reached: Reached, after: boolean, result: unknown, at: Site): void => {
    let { f, thisArg, args, listed } = reached;
    let viaStandIn = false;
    for (let depth = 0; ; depth++) {
      // A stand-in (builtin-stand-ins.ts) charges its own call when it is made: only the list is charged here.
      const target = targetOf(f);
      if (target !== undefined) [f, viaStandIn] = [target, true];
      if (depth === INDIRECTION_MAX) break;
      // `call`, `apply` and `Reflect.apply` reached through each other: charge what they reach.
      const list = isArray(args) ? args : [];
      if (f === call) [f, thisArg, args, listed] = [thisArg, list[0], list.slice(1), false];
      else if (f === apply) [f, thisArg, args, listed] = [thisArg, list[0], list[1], true];
      else if (f === reflectApply) [f, thisArg, args, listed] = [list[0], list[1], list[2], true];
      else break;
    }
    const charges = CHARGED.get(f);
    if (!charges) return;
    const list = isArray(args) ? args : [];
    for (const c of charges) {
      if ((c.size === 'result') !== after || (viaStandIn && c.size !== 'list')) continue;
      const kind = c.withFunction && typeof list[c.withFunction.at] === 'function' ? c.withFunction.kind : c.kind;
      if (c.size === 'this') charge(thisArg, kind, at.tally, at.site);
      else if (c.size === 'argument') charge(list[0], kind, at.tally, at.site);
      else if (c.size === 'list') {
        // A list passed as a list; one spread into `call`'s arguments is charged where it is written.
        if (listed) charge(args, kind, at.tally, at.site);
      } else charge(result, kind, at.tally, at.site);
    }
  };
  /** Charges, makes the call as written (`method` applied to `self` with `args`), charges by its result. */
  const through = (method: unknown, self: unknown, args: unknown[], reached: Reached, at: Site): unknown => {
    chargeCall(reached, false, undefined, at);
    const result = reflectApply(method as (...a: unknown[]) => unknown, self, args);
    chargeCall(reached, true, result, at);
    return result;
  };
  return (received, which, tally, site) => {
    // A stand-in as the receiver is its built-in: the call is charged here and made on the built-in itself.
    const value = targetOf(received) ?? received;
    if (value !== Reflect && !CHARGED.has(value) && value !== call && value !== apply && value !== reflectApply) return value;
    const at: Site = { tally, site };
    if (value === Reflect) {
      if (which === VIA_APPLY)
        return {
          apply: (...args: unknown[]) =>
            through(reflectApply, Reflect, args, { f: args[0], thisArg: args[1], args: args[2], listed: true }, at),
        };
      if (which === VIA_CONSTRUCT)
        return {
          construct: (...args: unknown[]) =>
            through(reflectConstruct, Reflect, args, { f: args[0], thisArg: undefined, args: args[1], listed: true }, at),
        };
      return value;
    }
    if (which === VIA_CALL)
      return {
        call: (...args: unknown[]) => through(call, value, args, { f: value, thisArg: args[0], args: args.slice(1), listed: false }, at),
      };
    if (which === VIA_APPLY)
      return {
        apply: (...args: unknown[]) => through(apply, value, args, { f: value, thisArg: args[0], args: args[1], listed: true }, at),
      };
    return value;
  };
}

/** A call as the built-in it reaches sees it: the function, its `this`, its arguments (passed as one list when `listed`). */
interface Reached {
  f: unknown;
  thisArg: unknown;
  args: unknown;
  listed: boolean;
}

/** Where a charge is credited in a CPU profile, when there is one. */
interface Site {
  tally?: Float64Array;
  site?: number;
}
