/**
 * The service's own JavaScript costs virtual time on the main thread (DESIGN.md §3): a loop,
 * a large JSON.stringify, or a built-in whose work grows with its input (a sort, a regex over
 * a large string, a join, a Buffer copy) advances the clock the handler reads and delays
 * everything behind it, deterministically, and the service cannot reach the counter that
 * meters it nor make it count less.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURES, route, runFolder } from '../../../helpers/run-fixture.ts';

const dir = `${FIXTURES}two-routes`;

const service = (work: string, top = '') => `
import type { FastifyInstance } from 'fastify';
${top}
let logged = false;
export default async function routes(app: FastifyInstance) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => {
    const t0 = performance.now();
    ${work}
    if (!logged) console.log('work ms', (performance.now() - t0).toFixed(4));
    logged = true;
    return { done: true };
  });
}
`;

/** The first line the service logged that starts with `word`, without its time. */
const logged = (consoleLines: string[], word: string): string | undefined =>
  consoleLines.find((l) => l.includes(`] ${word} `))?.replace(/^\[[^\]]*\] /, '');

const workMs = (consoleLines: string[]): number => Number(/work ms (\S+)/.exec(consoleLines.join('\n'))?.[1]);

const LOOP = (n: number) => `let s = 0; for (let i = 0; i < ${n}; i++) { s = (s + i * 7) % 1000003; } if (s < 0) throw new Error();`;

describe('CPU metering of the service', () => {
  it('a plain loop advances the clock the handler reads, in proportion to its iterations', async () => {
    const small = await runFolder(dir, service(LOOP(100_000)));
    const large = await runFolder(dir, service(LOOP(1_000_000)));
    const smallMs = workMs(small.console);
    const largeMs = workMs(large.console);
    expect(smallMs).toBeGreaterThan(0.01);
    expect(largeMs / smallMs).toBeGreaterThan(9);
    expect(largeMs / smallMs).toBeLessThan(11);
    // The handler's work is the request's latency, seen by the client.
    expect(route(large, 'POST /work').latency.p50Ms).toBeGreaterThan(largeMs * 0.9);
  });

  it('JSON.stringify is charged by the size of its output', async () => {
    const rows = 'const rows = Array.from({ length: 20000 }, (_, i) => ({ id: i, name: "product " + i }));';
    const once = await runFolder(dir, service('JSON.stringify(rows);', rows));
    const twice = await runFolder(dir, service('JSON.stringify(rows); JSON.stringify(rows);', rows));
    expect(workMs(once.console)).toBeGreaterThan(0.5);
    expect(workMs(twice.console) / workMs(once.console)).toBeGreaterThan(1.9);
  });

  it('gives the same bytes for the same code and seed', async () => {
    const code = service(`${LOOP(20_000)} JSON.parse(JSON.stringify({ a: [1, 2, 3] }));`);
    const a = await runFolder(dir, code, 3);
    const b = await runFolder(dir, code, 3);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('the counter cannot be named, found in arguments, evaluated or reset by the service', async () => {
    const top = `
const seen: unknown[] = [];
seen.push(typeof (globalThis as Record<string, unknown>).$cpu);
try {
  seen.push(eval('typeof $cpu'));
} catch (e) {
  seen.push((e as Error).name);
}
seen.push(Function('return typeof $cpu')());
// The module function's own arguments (its globals, module, exports, require): no counter.
seen.push(Array.from(arguments).filter((a) => a !== null && typeof a === 'object' && typeof (a as { n?: unknown }).n === 'number').length);
// A variable of that name is the service's own: the counter is bound to another name.
let $cpu = { n: -1e15 };`;
    const s = await runFolder(
      dir,
      service(`${LOOP(100_000)} $cpu = { n: -1e15 }; if (!logged) console.log('probe', seen.join(','));`, top),
    );
    expect(s.console.find((l) => l.includes('probe'))).toMatch(/probe undefined,EvalError,undefined,0$/);
    expect(workMs(s.console)).toBeGreaterThan(0.01);
  });
});

/** The service, with `work` done in the first POST /work only: its cost is what is logged. */
const once = (work: string, top = '') => service(`if (!logged) { ${work} }`, `${NUMBERS}\n${top}`);
const NUMBERS = 'const numbers = (n: number) => Array.from({ length: n }, (_, i) => (i * 7919) % 100003);';
const onceMs = async (work: string, top = ''): Promise<number> => workMs((await runFolder(dir, once(work, top))).console);

describe('CPU metering of built-ins, by the size of their input', () => {
  it('charges a sort n log n: 100 000 numbers cost about twice 50 000, with or without a comparator', async () => {
    for (const comparator of ['', '(a, b) => a - b']) {
      const large = await onceMs(`xs.slice().sort(${comparator});`, 'const xs = numbers(100_000);');
      const small = await onceMs(`xs.slice().sort(${comparator});`, 'const xs = numbers(50_000);');
      expect(large, comparator).toBeGreaterThan(2);
      expect(large / small, comparator).toBeGreaterThan(1.9);
      expect(large / small, comparator).toBeLessThan(2.5);
    }
  });

  it('charges a regex by the length of the string it runs over', async () => {
    const top = "const big = 'a'.repeat(1_000_000); const short = 'a'.repeat(100);";
    expect(await onceMs('/b/.test(big);', top)).toBeGreaterThan(1);
    expect(await onceMs('/b/.exec(big);', top)).toBeGreaterThan(1);
    expect(await onceMs("big.replace(/b/g, 'c');", top)).toBeGreaterThan(1);
    expect(await onceMs('/b/.test(short);', top)).toBeLessThan(0.02);
  });

  it('charges join, Buffer.from, spread and Object.keys by size', async () => {
    expect(await onceMs("xs.join(',');", 'const xs = numbers(100_000);')).toBeGreaterThan(2);
    const top = "const text = 'x'.repeat(2_000_000);";
    const twoMb = await onceMs('Buffer.from(text);', top);
    const oneMb = await onceMs('Buffer.from(text.slice(1_000_000));', top);
    expect(oneMb).toBeGreaterThan(0.3);
    expect(twoMb / oneMb).toBeGreaterThan(1.9);
    expect(twoMb / oneMb).toBeLessThan(2.1);
    expect(await onceMs('[...xs];', 'const xs = numbers(1_000_000);')).toBeGreaterThan(2);
    const keys = 'const o: Record<string, number> = {}; for (let i = 0; i < 100_000; i++) o["k" + i] = i;';
    expect(await onceMs('Object.keys(o);', keys)).toBeGreaterThan(5);
  });

  it('moves the latency of the request whose handler does the work', async () => {
    const s = await runFolder(
      dir,
      service('xs.slice().sort();', `const xs = Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 100003);`),
    );
    const ms = workMs(s.console);
    expect(ms).toBeGreaterThan(1);
    expect(route(s, 'POST /work').latency.p50Ms).toBeGreaterThan(ms * 0.9);
  });

  it('gives the same bytes for the same code and seed', async () => {
    const work =
      "xs.slice().sort((a, b) => a - b); /q/.test(text); Buffer.from(text).toString('base64'); [...xs].join(); Object.entries(o);";
    const top = "const xs = numbers(5_000); const text = 'p'.repeat(50_000); const o = { a: 1, b: 2 };";
    const code = service(work, `${NUMBERS}\n${top}`);
    const a = await runFolder(dir, code, 3);
    const b = await runFolder(dir, code, 3);
    expect(workMs(a.console)).toBeGreaterThan(0.1);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('survives receivers that lie about their length or throw, and charges them nothing', async () => {
    // Plain JavaScript, so the same text runs here, unmetered, to say what Node answers.
    const probe = `
const results = [];
const attempt = (name, f) => {
  try { const v = f(); results.push(name + '=' + (typeof v === 'object' ? 'object' : String(v))); }
  catch (e) { results.push(name + '!' + e.constructor.name + ':' + e.message); }
};
let reads = 0;
const own = { get length() { reads++; throw new Error('length'); }, sort() { return 'own sort'; }, join(s) { return 'own join' + s; } };
attempt('own', () => own.sort() + own.join('!') + reads);
const lying = (length) => new Proxy([3, 1, 2], { get: (t, k, r) => (k === 'length' ? length() : Reflect.get(t, k, r)) });
for (const length of [-1e15, NaN, '7']) {
  attempt('sort ' + length, () => lying(() => length).sort().length);
  attempt('join ' + length, () => lying(() => length).join('-'));
}
for (const length of [Infinity, 1e15]) {
  attempt('indexOf ' + length, () => lying(() => length).indexOf(3));
  attempt('fill ' + length, () => lying(() => length).fill(0, 0, 1)[0]);
}
attempt('throwing', () => lying(() => { throw new Error('trap'); }).sort());
const revocable = Proxy.revocable([1, 2], {});
revocable.revoke();
attempt('revoked', () => revocable.proxy.join());
class Evil extends Uint8Array { get length() { throw new Error('evil'); } }
attempt('typed', () => new Evil(3).join('-') + new Evil(2).toString());
return results.join(' | ');
`;
    const expected = new Function(probe)() as string;
    expect(expected).toContain('own=own sortown join!0');
    expect(expected).toContain('throwing!Error:trap');
    const s = await runFolder(dir, once(`console.log('probe', (function () {${probe}})());`));
    expect(logged(s.console, 'probe')).toBe(`probe ${expected}`);
    // Nothing charged for any of it beyond the code itself: no negative, NaN or huge charge.
    const ms = workMs(s.console);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(0.2);
  });

  it('the meter is not reachable from what a built-in call hands the service', async () => {
    const probe = `
const seen = new Set();
const note = (...values) => { for (const v of values) if (v !== null && (typeof v === 'object' || typeof v === 'function')) seen.add(v); };
const handler = {
  get(t, k, r) { note(this, t, r); return Reflect.get(t, k, r); },
  getPrototypeOf(t) { note(this, t); return Reflect.getPrototypeOf(t); },
  getOwnPropertyDescriptor(t, k) { note(this, t); return Reflect.getOwnPropertyDescriptor(t, k); },
};
const target = [2, 1, 3];
const p = new Proxy(target, handler);
p.sort(); p.join(); p.includes(1); [...p]; p.slice(); p.concat([1]); Object.keys(p); Array.from(p);
const re = /x/; re.test('y');
const iterable = { *[Symbol.iterator]() { yield 1; } };
const spy = new Proxy(iterable, handler);
[...spy];
const known = [handler, target, p, iterable, spy];
const strange = [...seen].filter((v) => !known.includes(v) && !Array.isArray(v));
console.log('reach', strange.length, strange.map((v) => Object.keys(v).join(',')).join(';'));
`;
    const s = await runFolder(dir, once(probe));
    expect(logged(s.console, 'reach'), JSON.stringify(s.errors)).toBe('reach 0 ');
  });
});
