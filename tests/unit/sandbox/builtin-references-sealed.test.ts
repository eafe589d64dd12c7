/**
 * Stand-ins and destructuring views work on the frozen intrinsics of a sealed realm, as the
 * service sees them: a Proxy may not report another value for a frozen property, so the views
 * must not be Proxies of the source itself.
 */
import { expect, it } from 'vitest';
import { ServiceRealm } from '../../../runner/sandbox/evaluate.ts';
import { createCpuCounter } from '../../../runner/runtime/process/cpu-meter.ts';

/** Evaluates `module.exports = (xs) => …` in a sealed compartment and calls it on `n` numbers: the units added, and the result. */
function runSealed(source: string, n: number): { units: number; result: unknown } {
  const counter = createCpuCounter();
  const realm = new ServiceRealm({}, counter);
  const exports = realm.evaluateCommonJs(source, () => undefined) as { run: (xs: number[]) => unknown };
  const before = counter.n;
  const result = exports.run(Array.from({ length: n }, (_, i) => (i * 7919) % 100));
  return { units: counter.n - before, result };
}

it('a built-in destructured from a frozen intrinsic, a subclass of Set and a bound sort are charged in a sealed realm', () => {
  const source = `
const { keys, ...rest } = Object;
const { sort } = Array.prototype;
class S extends Set { constructor(xs) { super(xs); } }
exports.run = (xs) => {
  const o = {};
  for (let i = 0; i < xs.length; i++) o['k' + i] = i;
  return [keys(o).length, Object.keys(rest).length, new S(xs).size, sort.bind(xs.slice())().length, xs[['sort'][0]]().length];
};`;
  const small = runSealed(source, 1_000);
  const large = runSealed(source, 10_000);
  expect(large.result).toEqual([10_000, 0, 100, 10_000, 10_000]);
  // keys, Set and two sorts: several thousand units an element, well above the loop's own.
  expect((large.units - small.units) / 9_000).toBeGreaterThan(5_000);
});
