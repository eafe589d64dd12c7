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
  'concatenations: targets read once, order of evaluation, precedence, numbers, templates': `
const log = [];
const box = { _v: 'a', get v() { log.push('get'); return this._v; }, set v(x) { log.push('set'); this._v = x; } };
const at = (k) => (log.push('key ' + k), k);
box.v += 'b'; box[at('v')] += (log.push('rhs'), 'c');
const xs = ['p']; let i = 0; xs[i++] += 'q';
const n = 1 + 2 * 3, m = (1 + 2) * 3, big = 2n + 3n, neg = -1 + -2, mixed = 1 + '1', typ = typeof 1 + 'x';
let s = ''; for (let k = 0; k < 3; k++) s += k; const chain = 'a' + s + 1 + 2, sum = 1 + 2 + 'z';
const arrow = (a, b) => a + b; const seq = (s += '!', s + s);
const tpl = \`\${n}\${m}\` + \`[\${'x'}]\` + \`\`;
const obj = { valueOf() { log.push('valueOf'); return 40; } };
module.exports = [box._v, xs, i, n, m, String(big), neg, mixed, typ, chain, sum, arrow(1, 2), arrow('1', 2), seq, tpl, obj + 2, log];`,
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
          .replace(/\$cpu\d*\.(?:[rpasvfokd]\(|c\(\w+,)|,\d+\)|,"[^"]*","[^"]*"\)/g, '')
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

  it('charges a string concatenation as an allocation, whether the syntax or only the run says it makes a string', () => {
    const loop = (body: string) =>
      both(`let s = ''; let n = 0; const c = 'x'; for (let i = 0; i < 100; i++) { ${body} } module.exports = [s, n];`);
    const concat = 100 * CPU_UNIT_WEIGHTS.concat;
    const base = loop('n = n;');
    // Known from the syntax, charged with the loop body's weight; or checked at run time.
    expect(loop("s += 'x';").units - base.units).toBeGreaterThanOrEqual(concat);
    expect(loop('s += c;').units - base.units).toBeGreaterThanOrEqual(concat);
    expect(loop('s = s + c;').units - base.units).toBeGreaterThanOrEqual(concat);
    expect(loop('s = s.concat(c);').units - base.units).toBeGreaterThanOrEqual(concat);
    expect(loop('s = s.concat(c);').metered).toEqual(loop('s = s.concat(c);').plain);
    expect(loop('s += String.fromCharCode(97 + (i % 26));').metered).toEqual(loop('s += String.fromCharCode(97 + (i % 26));').plain);
    // A template joins its pieces: `<b>${c}</b>` is three pieces, two joins.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the code under test is a template
    expect(loop('s = `<b>${c}</b>`;').units - loop('s = c;').units).toBeGreaterThanOrEqual(2 * concat);
    // Arithmetic is not a concatenation, whether a literal says so or only the run does.
    expect(loop('n += 1;').units - base.units).toBeLessThan(concat / 10);
    expect(loop('n += i;').units - base.units).toBeLessThan(concat / 10);
    expect(loop('n = n + i;').units - base.units).toBeLessThan(concat / 10);
    // A tagged template builds no string.
    const tag = both(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the code under test is a template
      'const t = (q, ...v) => v.length; let n = 0; const c = 1; for (let i = 0; i < 100; i++) { n += t`<b>${c}</b>`; } module.exports = n;',
    );
    expect(tag.metered).toBe(100);
    const call = both(
      'const t = (q, ...v) => v.length; let n = 0; const c = 1; const q = []; for (let i = 0; i < 100; i++) { n += t(q, c); } module.exports = n;',
    );
    expect(Math.abs(tag.units - call.units)).toBeLessThan(concat / 2);
  });

  describe('async functions as esbuild lowers them', () => {
    // esbuild's helper, plus a record of every generator function it was handed.
    const HELPER = `const seen = [];
var __async = (__this, __arguments, generator) => {
  seen.push(generator);
  return new Promise((resolve, reject) => {
    var fulfilled = (value) => { try { step(generator.next(value)); } catch (e) { reject(e); } };
    var rejected = (value) => { try { step(generator.throw(value)); } catch (e) { reject(e); } };
    var step = (x) => x.done ? resolve(x.value) : Promise.resolve(x.value).then(fulfilled, rejected);
    step((generator = generator.apply(__this, __arguments)).next());
  });
};`;
    const BODY = `
function routes(app) {
  return __async(this, null, function* () {
    const base = yield app.base;
    const handler = (req, reply) => __async(null, null, function* () { return base + (yield req.id) + reply; });
    function helper(a, b = 2, ...rest) {
      return __async(this, null, function* () { a += 1; return [a, b, rest.length, yield this.k]; });
    }
    const named = function (_0) { return __async(this, arguments, function* (x) { return [x, arguments.length]; }); };
    const destructured = (_0) => __async(null, [_0], function* ({ id }) { return id; });
    const usesArguments = function (x) { return __async(this, null, function* () { return arguments.length; }); };
    const perIteration = [];
    for (let i = 0; i < 3; i++) { perIteration.push(() => __async(null, null, function* () { return i; })); }
    const noBlock = [];
    for (let i = 0; i < 3; i++) noBlock.push(() => __async(null, null, function* () { return i * 10; }));
    const curried = (k) => (x) => __async(null, null, function* () { return k + x; });
    // How a stack trace names the generator's frame: never after the variable that keeps it.
    const frameName = () => __async(null, null, function* () { return new Error('x').stack.split('\\n')[1].trim().split(' ')[1]; });
    const results = [];
    for (let n = 0; n < 2; n++) {
      results.push(yield handler({ id: n }, '!'), yield helper.call({ k: 'k' }, n), yield helper.call({ k: 'j' }, n, 5, 6, 7));
      results.push(yield named(n, 'extra'), yield destructured({ id: n }), yield usesArguments(1, 2, 3));
      results.push(yield curried(n)(100));
    }
    for (const f of [...perIteration, ...noBlock]) results.push(yield f());
    results.push(yield frameName());
    return results;
  });
}
module.exports = { results: routes({ base: 'b' }), seen };`;

    async function run(source: string, helperName = '__async') {
      const code = source.replaceAll('__async', helperName);
      const r = both(code);
      const plain = r.plain as { results: Promise<unknown>; seen: unknown[] };
      const metered = r.metered as { results: Promise<unknown>; seen: unknown[] };
      return {
        plain: await plain.results,
        metered: await metered.results,
        seen: metered.seen,
        units: r.units,
        code: instrumentCpu(code).code,
      };
    }

    it('keeps behaviour: parameters, defaults, rest, `this`, `arguments`, closures per iteration and per call', async () => {
      const r = await run(`${HELPER}${BODY}`);
      expect(r.metered).toEqual(r.plain);
      expect((r.plain as unknown[]).length).toBe(21);
    });

    it('makes each generator once per run of its block, not once per call', async () => {
      const r = await run(`${HELPER}${BODY}`);
      const distinct = new Set(r.seen).size;
      // routes 1, handler 1, helper 1, named 1, destructured 1, usesArguments 2 (reads
      // `arguments`: left as it was), perIteration 3 (one block run each), noBlock 3 (no block
      // of its own: left as it was), curried 2 (written in an arrow's expression: left), frameName 1.
      expect(distinct).toBe(1 + 1 + 1 + 1 + 1 + 2 + 3 + 3 + 2 + 1);
      expect(r.seen.length).toBeGreaterThan(distinct);
      // Lines stay where they were.
      expect(r.code.split('\n').length).toBe(`${HELPER}${BODY}`.split('\n').length);
    });

    it('charges exactly what the code as written costs', async () => {
      const cached = await run(`${HELPER}${BODY}`);
      // Another name for the helper: nothing is rewritten.
      const asWritten = await run(`${HELPER}${BODY}`, '__asyncOther');
      expect(asWritten.code).not.toContain('??=');
      expect(new Set(asWritten.seen).size).toBe(asWritten.seen.length);
      expect(cached.units).toBe(asWritten.units);
    });

    it('rewrites nothing when the helper name is also used for something else', async () => {
      const r = await run(`${HELPER}${BODY}\nfunction other() { const __async = 1; return __async; }`);
      expect(r.code).not.toContain('??=');
      expect(r.metered).toEqual(r.plain);
    });
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
