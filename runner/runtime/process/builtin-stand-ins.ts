/**
 * The size-charged built-ins (builtin-indirect-calls.ts) as the service holds them once they
 * leave a call site: a reference kept in a variable (`const { keys } = Object`,
 * `const sort = Array.prototype.sort`), bound (`Array.prototype.join.bind(xs)`), handed on as
 * a callback, or a constructor reached by another name (`const S = Set`, a subclass's
 * `super(xs)`). The instrumentation passes such a value through the meter's `f`
 * (sandbox/builtin-references.ts), which hands back a stand-in: a Proxy of the built-in whose
 * call and construction charge what the direct call is charged, then make it. So whatever
 * path later calls it (a bound function, a getter, the platform, another built-in), the work
 * is charged; anything else passes through unchanged.
 *
 * The intrinsics are frozen and shared with the runner, so the charge cannot live in the
 * built-in itself; a stand-in is made per meter, once per built-in, so `xs.sort === ys.sort`
 * still holds between two references. It keeps the built-in's name, length, prototype and
 * `typeof`; it is not the built-in (`===`), and its source text is a Proxy's.
 *
 * A built-in whose work is its argument list (`Math.max`, `push`) is charged for the list by
 * what spreads or applies it (a spread where it is written, `apply` through the meter's `v`),
 * not by the stand-in, so a list is never charged twice.
 */
import { type ChargeFn, chargesOf } from './builtin-indirect-calls.ts';

const reflectApply = Reflect.apply;
const reflectConstruct = Reflect.construct;

/** The meter's stand-ins: `standInFor` a value, and the built-in `targetOf` a stand-in. */
export interface StandIns {
  /** `value`, or for a size-charged built-in its stand-in. */
  standInFor(value: unknown): unknown;
  /** The built-in a stand-in stands for, or undefined for anything else. */
  targetOf(value: unknown): unknown;
}

export function createStandIns(charge: ChargeFn): StandIns {
  const made = new Map<unknown, object>();
  const targets = new WeakMap<object, unknown>();
  /** Charges `f`'s work for a call with `thisArg` and `args`: before it, or after it by its `result`. */
  const chargeFor = (f: unknown, thisArg: unknown, args: unknown[], after: boolean, result: unknown): void => {
    for (const c of chargesOf(f) ?? []) {
      if (c.size === 'list' || (c.size === 'result') !== after) continue;
      const kind = c.withFunction && typeof args[c.withFunction.at] === 'function' ? c.withFunction.kind : c.kind;
      charge(c.size === 'this' ? thisArg : c.size === 'argument' ? args[0] : result, kind);
    }
  };
  const handler: ProxyHandler<(...args: unknown[]) => unknown> = {
    apply(target, thisArg, args) {
      chargeFor(target, thisArg, args, false, undefined);
      const result = reflectApply(target, thisArg, args);
      chargeFor(target, thisArg, args, true, result);
      return result;
    },
    construct(target, args, newTarget) {
      chargeFor(target, undefined, args, false, undefined);
      // `new S(xs)` names the stand-in itself as the new target: the built-in is the same constructor.
      const result = reflectConstruct(target, args, targets.get(newTarget) === target ? target : newTarget);
      chargeFor(target, undefined, args, true, result);
      return result;
    },
  };
  return {
    standInFor(value) {
      if (typeof value !== 'function') return value;
      const known = made.get(value);
      if (known) return known;
      if (!chargesOf(value)) return value;
      const standIn = new Proxy(value as (...args: unknown[]) => unknown, handler);
      made.set(value, standIn);
      targets.set(standIn, value);
      return standIn;
    },
    targetOf(value) {
      return typeof value === 'function' ? targets.get(value) : undefined;
    },
  };
}
