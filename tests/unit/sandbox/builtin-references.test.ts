/**
 * A size-charged built-in costs what its direct call costs however the service reaches it
 * without a call site that names it: kept in a variable or destructured, bound, handed on as a
 * callback, stored under another method name, called by a computed name, or reached as a
 * constructor by another name or through `super`. Each pair below must be charged alike per
 * element, and give what plain code gives.
 */
import { describe, expect, it } from 'vitest';
import { instrumentCpu } from '../../../runner/sandbox/cpu-instrument.ts';
import { createCpuCounter } from '../../../runner/runtime/process/cpu-meter.ts';

/** The object the expressions list keys of: `o` holds one key per element of `xs`. */
const OBJECT = 'const objectOf = (xs) => Object.fromEntries(xs.map((x, i) => ["k" + i, x]));';

/** Instruments `module.exports = (xs) => <expression>` after `setup`, calls it on `n` numbers: the units it added, and its result. */
function run(expression: string, n: number, setup = ''): { units: number; result: unknown } {
  const { code, meterName } = instrumentCpu(`${OBJECT}\n${setup}\nmodule.exports = (xs) => ${expression};`);
  const counter = createCpuCounter();
  const module = { exports: undefined as unknown };
  new Function(meterName, 'module', code)(counter, module);
  const before = counter.n;
  const result = (module.exports as (xs: number[]) => unknown)(input(n));
  return { units: counter.n - before, result };
}

function input(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 7919) % 100);
}

/** What `expression` gives as plain JavaScript. */
function plain(expression: string, n: number, setup = ''): unknown {
  const module = { exports: undefined as unknown };
  new Function('module', `${OBJECT}\n${setup}\nmodule.exports = (xs) => ${expression};`)(module);
  return (module.exports as (xs: number[]) => unknown)(input(n));
}

/** Units per element: the charge at 10 000 elements less the one at 1 000, over 9 000. */
function perElement(expression: string, setup = ''): number {
  return (run(expression, 10_000, setup).units - run(expression, 1_000, setup).units) / 9_000;
}

/** [the way in, the direct call it must cost as much as, setup for both] */
type Pair = [string, string, string?];

function expectChargedAlike(pairs: Pair[]): void {
  for (const [indirect, direct, setup] of pairs) {
    it(`${setup ? `${setup} ` : ''}${indirect} is charged like ${direct}`, () => {
      expect(run(indirect, 1_000, setup).result).toEqual(plain(indirect, 1_000, setup));
      const straight = perElement(direct, setup);
      const via = perElement(indirect, setup);
      expect(straight).toBeGreaterThan(10);
      expect(via / straight).toBeGreaterThan(0.95);
      expect(via / straight).toBeLessThan(1.05);
    });
  }
}

describe('a built-in kept under another name costs what its direct call costs', () => {
  expectChargedAlike([
    ['keys(objectOf(xs)).length', 'Object.keys(objectOf(xs)).length', 'const { keys } = Object;'],
    ['keys(objectOf(xs)).length', 'Object.keys(objectOf(xs)).length', 'const keys = Object.keys;'],
    ['entries(objectOf(xs)).length', 'Object.entries(objectOf(xs)).length', 'const { ["entries"]: entries } = Object;'],
    [
      'from(new Set(xs.map((x, i) => i)), Number).length',
      'Array.from(new Set(xs.map((x, i) => i)), Number).length',
      'const { from } = Array;',
    ],
    ['((m) => (xs.mine = m, xs.mine(Math.sqrt)))(xs.map).length', 'xs.map(Math.sqrt).length'],
    ['(xs.ordered = Array.prototype.sort, xs.ordered()).length', 'xs.sort().length'],
    ['[objectOf(xs)].map(Object.keys)[0].length', 'Object.keys(objectOf(xs)).length'],
    ['pick("keys")(objectOf(xs)).length', 'Object.keys(objectOf(xs)).length', 'const pick = (name) => Object[name];'],
    ['Reflect.get(Object, "keys")(objectOf(xs)).length', 'Object.keys(objectOf(xs)).length'],
    ['Object.getOwnPropertyDescriptor(Array.prototype, "join").value.bind(xs)().length', 'xs.join().length'],
    ['(d.value.bind(xs))().length', 'xs.sort().length', 'const d = Object.getOwnPropertyDescriptors(Array.prototype).sort;'],
  ]);
});

describe('a bound built-in costs what its direct call costs', () => {
  expectChargedAlike([
    ['Array.prototype.join.bind(xs)(",").length', 'xs.join(",").length'],
    ['Function.prototype.call.bind(Array.prototype.sort)(xs).length', 'xs.sort().length'],
    ['xs.sort.bind(xs)().length', 'xs.sort().length'],
    ['Object.keys.bind(null)(objectOf(xs)).length', 'Object.keys(objectOf(xs)).length'],
    ['[xs].map(Function.prototype.call, Array.prototype.join)[0].length', 'xs.join().length'],
  ]);
});

describe('a method called by a computed name costs what the named call costs', () => {
  const setup = 'const name = "sort"; const methods = { iterate: "map", search: "indexOf", text: "join" };';
  expectChargedAlike([
    ['xs[name]().length', 'xs.sort().length', setup],
    ['xs[methods.text](",").length', 'xs.join(",").length', setup],
    ['xs[methods.iterate](Math.sqrt).length', 'xs.map(Math.sqrt).length', setup],
    ['xs[methods.search](-1)', 'xs.indexOf(-1)', setup],
    ['xs["so" + "rt"]().length', 'xs.sort().length', setup],
    ['xs[{ toString: () => "join" }]().length', 'xs.join().length', setup],
    ['xs[name]?.().length', 'xs.sort().length', setup],
    ['xs?.[name]().length', 'xs.sort().length', setup],
  ]);

  it('a callback written in place is charged by its entries, as with the named call', () => {
    const setup = 'const m = "map";';
    const computed = perElement('xs[m]((x) => x + 1).length', setup);
    const named = perElement('xs.map((x) => x + 1).length', setup);
    expect(Math.abs(computed - named)).toBeLessThan(1);
  });

  it('the name is converted once, as the plain call converts it', () => {
    const setup = 'let conversions = 0; const key = { toString() { conversions++; return "join"; } };';
    expect(run('[xs[key]().length, conversions]', 10, setup).result).toEqual(plain('[xs[key]().length, conversions]', 10, setup));
  });
});

describe('a constructor reached by another name, or through super, costs what new costs', () => {
  expectChargedAlike([
    ['new S(xs).size', 'new Set(xs).size', 'class S extends Set { constructor(xs) { super(xs); } }'],
    ['new S(xs).size', 'new Set(xs).size', 'class S extends Set {}'],
    ['new M(xs.map((x, i) => [i, x])).size', 'new Map(xs.map((x, i) => [i, x])).size', 'class M extends Map {}'],
    ['new S(xs).size', 'new Set(xs).size', 'const S = Set;'],
    ['new globalThis.Set(xs).size', 'new Set(xs).size'],
    ['new types.F64(xs).length', 'new Float64Array(xs).length', 'const types = { F64: Float64Array };'],
    ['Reflect.construct(S, [xs]).size', 'new Set(xs).size', 'const S = Set;'],
    ['A.from(xs).ordered().length', 'A.from(xs).sort().length', 'class A extends Array { ordered() { return super.sort(); } }'],
  ]);

  it('a subclass is still a subclass of the built-in', () => {
    const setup = 'class S extends Set { constructor(xs) { super(xs); this.extra = 1; } has2(x) { return this.has(x); } }';
    const expression = '[new S(xs) instanceof Set, new S(xs) instanceof S, new S(xs).has2(xs[0]), new S(xs).extra, S.name]';
    expect(run(expression, 10, setup).result).toEqual(plain(expression, 10, setup));
  });
});

describe('every way in is charged once', () => {
  expectChargedAlike([
    ['sort.call(xs).length', 'xs.sort().length', 'const sort = Array.prototype.sort;'],
    ['Reflect.apply(sort, xs, []).length', 'xs.sort().length', 'const { sort } = Array.prototype;'],
    ['Function.prototype.call.call(sort, xs).length', 'xs.sort().length', 'const { sort } = Array.prototype;'],
    ['max.apply(null, xs)', 'Math.max(...xs)', 'const { max } = Math;'],
    ['Reflect.apply(max, null, xs)', 'Math.max(...xs)', 'const max = Math.max;'],
    ['Function.prototype.apply.call(Array.prototype.sort, xs, []).length', 'xs.sort().length'],
    ['xs.sort?.().length', 'xs.sort().length'],
    ['xs["sort"]().length', 'xs.sort().length'],
  ]);
});

describe('what a stand-in changes, and what it leaves as it was', () => {
  it('a kept built-in keeps its name, length and type, and works as the built-in', () => {
    const setup = 'const { keys } = Object; const sort = Array.prototype.sort;';
    const expression = '[keys.name, keys.length, typeof keys, sort.name, sort.length, keys({ a: 1 }), sort.call([3, 1, 2])]';
    expect(run(expression, 10, setup).result).toEqual(plain(expression, 10, setup));
  });

  it("the service's own values, and comparisons with constructors, are left as they were", () => {
    const setup = `
const store = { keys() { return ['own']; }, map: 7 };
const { keys, map } = store;
const own = store.keys;`;
    const expression = '[keys === store.keys, own(), map, new Map().constructor === Map, xs.sort === Array.prototype.sort]';
    expect(run(expression, 10, setup).result).toEqual(plain(expression, 10, setup));
    expect(run(expression, 10_000, setup).units).toBe(run(expression, 1_000, setup).units);
  });

  it('destructuring null or undefined fails with the message plain code gives', () => {
    const setup = 'let missing;';
    const message = (code: string): string => {
      try {
        return String(
          code === 'run'
            ? run('(() => { const { keys } = missing; return keys; })()', 1, setup).result
            : plain('(() => { const { keys } = missing; return keys; })()', 1, setup),
        );
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(message('run')).toBe(message('plain'));
  });
});
