/**
 * The instrumentation that meters the service's JavaScript: it must not change what the code
 * does (every shape of loop and function esbuild can emit), must keep every line where it was
 * (error positions are mapped by line), must give the same text and the same count for the
 * same code, and must bind its counter to a name the code does not use.
 */
import { describe, expect, it } from 'vitest';
import { CPU_UNIT_WEIGHTS, instrumentCpu } from '../../../runner/sandbox/cpu-instrument.ts';
import { createCpuCounter } from '../../../runner/runtime/process/cpu-meter.ts';

/** Runs a module body both ways: as written, and instrumented with a fresh counter. */
function both(source: string): { plain: unknown; metered: unknown; units: number } {
  const plainModule = { exports: undefined as unknown };
  new Function('module', source)(plainModule);
  const { code, meterName } = instrumentCpu(source);
  const counter = createCpuCounter();
  const meteredModule = { exports: undefined as unknown };
  new Function(meterName, 'module', code)(counter, meteredModule);
  return { plain: plainModule.exports, metered: meteredModule.exports, units: counter.n };
}

const SHAPES: Record<string, string> = {
  'loops without braces, labels, continue and break': `
let s = 0;
outer: for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) { if (j > i) continue outer; if (i * j > 40) break outer; s += i * j; }
let k = 0; while (k < 5) k++;
do k--; while (k > 2);
for (const x of [1, 2, 3]) s += x;
for (const key in { a: 1, b: 2 }) s += key.length;
if (s > 0) for (;;) break; else s = -1;
module.exports = [s, k];`,
  'arrows with expression, object and sequence bodies': `
const f = (x) => x * 2;
const g = (x) => ({ x, y: x + 1 });
const h = (a, b) => (a, b);
const nested = () => () => (y) => y + 1;
module.exports = [f(3), g(4), h(1, 2), nested()()(5), [3, 1, 2].sort((a, b) => a - b)];`,
  'classes, getters, generators, default parameters and closures': `
class Counter { #n = 0; get value() { return this.#n; } bump(by = 1) { this.#n += by; return this; } static of(n) { return new Counter().bump(n); } }
function* gen(n) { for (let i = 0; i < n; i++) yield i * i; }
const adders = [1, 2, 3].map((k) => function (x) { return x + k; });
module.exports = [Counter.of(4).bump().value, [...gen(4)], adders.map((a) => a(10))];`,
  'strings, regexes and templates that look like code': `
const src = "for (;;) { while (x) {} } function f() {}";
const re = /\\{[^}]*\\}/g;
const t = \`loop: \${src.match(re).length} { \${(() => 'inner')()} }\`;
module.exports = [src.length, t, '$cpu'.length];`,
  'calls to built-ins charged by size: this, optional chains, order of evaluation, spreads': `
const log = [];
const o = { get rows() { log.push('rows'); return [3, 1, 2]; } };
const sorted = o.rows.sort();
const none = null;
const chained = [none?.rows.sort(), none?.slice().length, (none ?? [2, 1]).sort(), o.rows?.slice(1), none?.sort?.(), (none?.rows)?.join()];
const seq = (log.push('seq'), [9, 8]).sort();
const own = { items: [2, 1], sort() { return this.items; }, join(sep) { return this.items.length + sep; } };
const re = /b+/g; const subject = 'abbbcbb';
const execs = [re.exec(subject)?.index, re.exec(subject)?.index, re.test(subject), re.lastIndex, /x/.test(), own['join']('!')];
const spread = [...'héllo', ...new Set([1, 1, 2]), ...new Map([[1, 2]])];
function f(...xs) { return xs.length; }
class A extends Array { constructor(...xs) { super(...xs); } }
const built = [Object.keys({ a: 1, b: 2 }), Object.values({ a: 1 }), Object.entries({ a: 1 }), Array.from('ab'), 'x'.repeat(3).padStart(5, '-').padEnd(6)];
const u8 = new Uint8Array(4); u8.set([1, 2], 1);
const m = new Map(); m.set('k', 1).set([1], 2);
const text = [[1, 2].join('-'), [1, [2, 3]].toString(), 'a,b'.split(','), 'aXbX'.replaceAll('X', '.'), 'abc'.includes('b'), [1, 2, 3].indexOf(3), 'a1b22'.match(/\\d+/g)];
const order = []; const g = (k, v) => (order.push(k), v);
g('receiver', [2, 1]).sort(g('comparator', (a, b) => a - b));
g('regex', /a/).test(g('subject', 'a'));
module.exports = [sorted, chained, seq, own.sort(), execs, spread, f(...[1, 2, 3]), new A(1, 2, 3).length, built, [...u8], m.size, text, order, log];`,
};

describe('CPU metering instrumentation', () => {
  for (const [name, source] of Object.entries(SHAPES)) {
    it(`keeps behaviour: ${name}`, () => {
      const r = both(source);
      expect(r.metered).toEqual(r.plain);
      expect(r.units).toBeGreaterThan(0);
    });
  }

  it('keeps every line where it was', () => {
    for (const source of Object.values(SHAPES)) {
      const { code } = instrumentCpu(source);
      const before = source.split('\n');
      const after = code.split('\n');
      expect(after.length).toBe(before.length);
      // Only insertions: without the charges and brackets (a charge may wrap a body in one),
      // each line is the line it was.
      const bare = (line: string) =>
        line
          .replace(/\$cpu\d*\.n\+=\d+[;,]/g, '')
          .replace(/\$cpu\d*\.[rpa]\(|,\d+\)/g, '')
          .replace(/[(){}]/g, '');
      expect(after.map(bare)).toEqual(before.map(bare));
    }
  });

  it('counts work in proportion to iterations, the same for the same code', () => {
    const loop = (n: number) => `let s = 0; for (let i = 0; i < ${n}; i++) { s += i; } module.exports = s;`;
    const small = both(loop(1000)).units;
    const large = both(loop(10_000)).units;
    expect(both(loop(1000)).units).toBe(small);
    expect(instrumentCpu(loop(1000)).code).toBe(instrumentCpu(`${loop(1000)}`).code);
    expect(large / small).toBeGreaterThan(9.9);
    expect(large / small).toBeLessThan(10.1);
  });

  it('meters methods of classes and object literals, and class fields, as any function', () => {
    const loop = 'let s = 0; for (let i = 0; i < n; i++) { s += i; } return s;';
    const plain = both(`function f(n) { ${loop} } module.exports = f(1000);`).units;
    for (const source of [
      `class A { m(n) { ${loop} } } module.exports = new A().m(1000);`,
      `const o = { m(n) { ${loop} } }; module.exports = o.m(1000);`,
      `const o = { m: function (n) { ${loop} } }; module.exports = o.m(1000);`,
      `class A { f = (n) => { ${loop} }; } module.exports = new A().f(1000);`,
    ]) {
      expect(both(source).units, source).toBeGreaterThan(plain * 0.9);
    }
  });

  it('charges a call, an allocation and a callback more than arithmetic', () => {
    const arithmetic = both('let s = 0; for (let i = 0; i < 100; i++) { s += i * 2; } module.exports = s;').units;
    const calls = both('const f = (x) => x * 2; let s = 0; for (let i = 0; i < 100; i++) { s += f(i); } module.exports = s;').units;
    const allocations = both('let o; for (let i = 0; i < 100; i++) { o = { i }; } module.exports = o;').units;
    expect(calls - arithmetic).toBeGreaterThanOrEqual(100 * (CPU_UNIT_WEIGHTS.call + CPU_UNIT_WEIGHTS.functionEntry));
    expect(allocations - arithmetic).toBeGreaterThanOrEqual(100 * CPU_UNIT_WEIGHTS.allocation - 100 * 3);
  });

  it('binds the counter to a name the code does not contain', () => {
    expect(instrumentCpu('module.exports = 1;').meterName).toBe('$cpu');
    const taken = instrumentCpu('const $cpu = { n: -1e12 }; const $cpu0 = 0; module.exports = [$cpu.n, $cpu0];');
    expect(taken.meterName).toBe('$cpu1');
    const counter = createCpuCounter();
    const m = { exports: undefined as unknown };
    new Function(taken.meterName, 'module', taken.code)(counter, m);
    expect(m.exports).toEqual([-1e12, 0]);
    expect(counter.n).toBeGreaterThan(0);
  });
});
