/**
 * The service's own JavaScript costs virtual time on the main thread (DESIGN.md §3): a loop
 * or a large JSON.stringify in a handler advances the clock the handler reads and delays
 * everything behind it, deterministically, and the service cannot reach the counter that
 * meters it.
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
