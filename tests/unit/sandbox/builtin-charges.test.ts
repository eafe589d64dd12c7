/**
 * Work done inside built-ins is charged whatever reaches it: an iteration whose callback is not
 * metered code (`xs.map(Math.sqrt)`), a constructor that consumes an array (`new Set(xs)`), and
 * a size-charged built-in called through `call`, `apply` or `Reflect` (`Math.max.apply(null, xs)`)
 * cost in proportion to the input, as the direct call does; behaviour stays that of plain code.
 */
import { describe, expect, it } from 'vitest';
import { CPU_UNIT_WEIGHTS, instrumentCpu } from '../../../runner/sandbox/cpu-instrument.ts';
import { createCpuCounter } from '../../../runner/runtime/process/cpu-meter.ts';
import { BUILTIN_COSTS } from '../../../runner/runtime/process/builtin-meter.ts';

/**
 * Instruments `module.exports = (xs) => <expression>`, then calls it on `n` numbers (100 distinct
 * values, so a Set built from them stays small); the units that call added, and its result.
 */
function run(expression: string, n: number, setup = ''): { units: number; result: unknown } {
  const { code, meterName } = instrumentCpu(`${setup}\nmodule.exports = (xs) => ${expression};`);
  const counter = createCpuCounter();
  const module = { exports: undefined as unknown };
  new Function(meterName, 'module', code)(counter, module);
  const xs = Array.from({ length: n }, (_, i) => (i * 7919) % 100);
  const before = counter.n;
  const result = (module.exports as (xs: number[]) => unknown)(xs);
  return { units: counter.n - before, result };
}

/** What `expression` gives as plain JavaScript, for the same input. */
function plain(expression: string, n: number, setup = ''): unknown {
  const module = { exports: undefined as unknown };
  new Function('module', `${setup}\nmodule.exports = (xs) => ${expression};`)(module);
  return (module.exports as (xs: number[]) => unknown)(Array.from({ length: n }, (_, i) => (i * 7919) % 100));
}

/** Units per element: the charge at 10 000 elements less the one at 1 000, over 9 000. */
function perElement(expression: string, setup = ''): number {
  return (run(expression, 10_000, setup).units - run(expression, 1_000, setup).units) / 9_000;
}

describe('iteration built-ins cost per element whatever the callback', () => {
  const NOT_WRITTEN_IN_PLACE: Record<string, string> = {
    'map by Math.sqrt': 'xs.map(Math.sqrt).length',
    'filter by Boolean': 'xs.filter(Boolean).length',
    'forEach by Number': 'xs.forEach(Number)',
    'some by Number.isNaN': 'xs.some(Number.isNaN)',
    'every by Number.isFinite': 'xs.every(Number.isFinite)',
    'find by Number.isNaN': 'xs.find(Number.isNaN)',
    'findIndex by Number.isNaN': 'xs.findIndex(Number.isNaN)',
    'findLast by Number.isNaN': 'xs.findLast(Number.isNaN)',
    'reduce by a function declared elsewhere': 'xs.reduce(add, 0)',
    'reduceRight by a function declared elsewhere': 'xs.reduceRight(add, 0)',
    'flatMap by Number': 'xs.flatMap(Number).length',
    'map by a bound built-in': 'xs.map(parseFloat.bind(null)).length',
    'map of a typed array by Math.sqrt': 'Float64Array.from(xs).map(Math.sqrt).length',
    'forEach of a Set by Number': 'new Set(xs).forEach(Number)',
    'Array.from with a map function': 'Array.from(xs, Number).length',
  };
  for (const [name, expression] of Object.entries(NOT_WRITTEN_IN_PLACE)) {
    it(`${name}: grows with the input, and does what plain code does`, () => {
      const setup = 'function add(a, b) { return a + b; }';
      expect(run(expression, 1_000, setup).result).toEqual(plain(expression, 1_000, setup));
      // The cheapest iteration is about 4 ns an element in Node: at least 100 units.
      expect(perElement(expression, setup)).toBeGreaterThan(100);
    });
  }

  it('a callback written in place is charged per call it gets, as before, not a second time per element', () => {
    const written = perElement('xs.map((x) => x).length');
    expect(written).toBeGreaterThanOrEqual(CPU_UNIT_WEIGHTS.callbackEntry);
    expect(written).toBeLessThan(CPU_UNIT_WEIGHTS.callbackEntry + 20);
    // A find that stops at once costs what it visited; by Number.isFinite it is charged as if it scanned on.
    expect(run('xs.find((x) => x === 0)', 10_000).units).toBeLessThan(1_000);
    expect(run('xs.find(Number.isFinite)', 10_000).units).toBeGreaterThan(10_000 * BUILTIN_COSTS.iterate.array);
  });
});

describe('constructors that consume an array cost in proportion to it', () => {
  it('new Set, new Map, new WeakSet, new Float64Array and Object.fromEntries grow with the input', () => {
    const cases: Record<string, [string, string?]> = {
      'new Set': ['new Set(xs).size'],
      'new Map': ['new Map(xs.map((x, i) => [i, x])).size'],
      'new WeakSet': ['new WeakSet(xs.map(() => ({}))) !== null'],
      'new Float64Array': ['new Float64Array(xs).length'],
      'Object.fromEntries': ['Object.keys(Object.fromEntries(xs.map((x, i) => ["k" + i, x]))).length'],
    };
    for (const [name, [expression]] of Object.entries(cases)) {
      expect(run(expression, 1_000).result, name).toEqual(plain(expression, 1_000));
      const bare = name === 'new Set' || name === 'new Float64Array' ? 0 : 300;
      expect(perElement(expression) - bare, name).toBeGreaterThan(100);
    }
  });

  it('a Set of many distinct values costs more than one of few built from as many', () => {
    const distinct = run('new Set(xs.map((x, i) => i)).size', 10_000).units;
    const few = run('new Set(xs.map((x) => x)).size', 10_000).units;
    expect(distinct - few).toBeGreaterThan(9_000 * BUILTIN_COSTS.insert.collection * 0.9);
  });

  it("the service's own class named Set is not charged as the built-in", () => {
    const setup = 'class Set { constructor(items) { this.first = items[0]; } }';
    expect(run('new Set(xs).first', 10_000, setup).units).toBe(run('new Set(xs).first', 1_000, setup).units);
  });
});

describe('calls through call, apply and Reflect cost what the direct call costs', () => {
  const PAIRS: [string, string][] = [
    ['Math.max.apply(null, xs)', 'Math.max(...xs)'],
    ['Reflect.apply(Math.min, null, xs)', 'Math.min(...xs)'],
    ['Reflect.apply(Array.prototype.sort, xs.slice(), []).length', 'xs.slice().sort().length'],
    ['Array.prototype.sort.call(xs.slice(), (a, b) => a - b).length', 'xs.slice().sort((a, b) => a - b).length'],
    ['Array.prototype.join.apply(xs, [","]).length', 'xs.join(",").length'],
    ['Function.prototype.call.call(Array.prototype.indexOf, xs, -1)', 'xs.indexOf(-1)'],
    ['Array.prototype.map.call(xs, Math.sqrt).length', 'xs.map(Math.sqrt).length'],
    ['Reflect.construct(Set, [xs]).size', 'new Set(xs).size'],
    ['String.prototype.split.call(xs.join(""), "").length', 'xs.join("").split("").length'],
  ];
  for (const [indirect, direct] of PAIRS) {
    it(`${indirect} is charged like ${direct}`, () => {
      expect(run(indirect, 1_000).result).toEqual(plain(indirect, 1_000));
      const via = perElement(indirect);
      const straight = perElement(direct);
      expect(straight).toBeGreaterThan(10);
      // The same charges; the indirect form's own syntax adds a little, never per element.
      expect(via / straight).toBeGreaterThan(0.95);
      expect(via / straight).toBeLessThan(1.05);
    });
  }

  it('a stored reference to a built-in is charged when called through apply', () => {
    const setup = 'const max = Math.max; const { sort } = Array.prototype;';
    expect(perElement('max.apply(null, xs)', setup)).toBeCloseTo(perElement('Math.max(...xs)'), 0);
    expect(perElement('sort.call(xs.slice()).length', setup)).toBeGreaterThan(BUILTIN_COSTS.sort.array);
  });

  it("the service's own functions and objects with a call method are called as written", () => {
    const setup = `
function self() { return this; }
const rpc = { calls: 0, call(method, ...args) { this.calls++; return method + args.length; }, apply(t, list) { return [this === rpc, t, list]; } };`;
    const expression =
      '[self.call(xs) === xs, self.apply(xs, []) === xs, rpc.call("m", 1, 2), rpc.calls, rpc.apply(1, xs).length, Reflect.apply(self, 7, [])]';
    expect(run(expression, 10, setup).result).toEqual(plain(expression, 10, setup));
    expect(run(expression, 10_000, setup).units).toBe(run(expression, 1_000, setup).units);
  });
});

describe('a CPU profile puts these charges on the line that made the call', () => {
  it('map by Math.sqrt, new Set, and apply each charge their own line', () => {
    const source = [
      'module.exports = (xs) => {',
      '  const roots = xs.map(Math.sqrt);',
      '  const unique = new Set(xs);',
      '  const top = Math.max.apply(null, xs);',
      '  return roots.length + unique.size + top;',
      '};',
    ].join('\n');
    const { code, meterName, tallyName, regions } = instrumentCpu(source, true);
    if (!tallyName || !regions) throw new Error('no profile');
    const counter = createCpuCounter();
    const tally = new Float64Array(regions.length);
    const module = { exports: undefined as unknown };
    new Function(meterName, tallyName, 'module', code)(counter, tally, module);
    (module.exports as (xs: number[]) => unknown)(Array.from({ length: 10_000 }, (_, i) => i));
    const unitsOnLine = (line: number): number => {
      const lineStart = source.split('\n').slice(0, line).join('\n').length;
      const lineEnd = lineStart + source.split('\n')[line].length + 1;
      let units = 0;
      regions.forEach((r, id) => {
        for (let i = 0; i < r.weights.length; i += 2)
          if (r.weights[i] >= lineStart && r.weights[i] < lineEnd) units += tally[id] * r.weights[i + 1];
      });
      return units;
    };
    expect(unitsOnLine(1)).toBeGreaterThan(10_000 * BUILTIN_COSTS.iterateInto.array);
    expect(unitsOnLine(2)).toBeGreaterThan(10_000 * (BUILTIN_COSTS.collect.array + BUILTIN_COSTS.insert.collection));
    expect(unitsOnLine(3)).toBeGreaterThan(10_000 * BUILTIN_COSTS.spread.array);
    expect(unitsOnLine(4)).toBeLessThan(1_000);
  });
});
