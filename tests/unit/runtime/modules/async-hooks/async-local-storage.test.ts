/**
 * AsyncLocalStorage on the platform's async context. First the semantics of run, exit and
 * enterWith across promise reactions and timers, against Node's own AsyncLocalStorage running
 * the same script; then a whole service: the store set for one request survives await,
 * setTimeout, pool.query (promise and callback), fetch and the thread pool (crypto.pbkdf2),
 * and concurrent requests never see each other's store.
 */
import { AsyncLocalStorage as NodeAsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { createAsyncHooks } from '../../../../../runner/runtime/modules/async-hooks/async-hooks.ts';
import { createTimers } from '../../../../../runner/runtime/process/timers.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';
import { FIXTURES, runFolder } from '../../../../helpers/run-fixture.ts';
import type { ScenarioDefinition } from '../../../../../runner/scenario/types.ts';

interface Als {
  run<R>(store: unknown, fn: () => R): R;
  exit<R>(fn: () => R): R;
  enterWith(store: unknown): void;
  getStore(): unknown;
}
type Timer = (fn: () => void, ms: number) => unknown;

/** One script, written once, for Node's AsyncLocalStorage and the simulated one. */
function script(als: Als, P: PromiseConstructor, setTimeout: Timer, log: (s: string) => void): void {
  const at = (where: string) => log(`${where} ${String(als.getStore())}`);
  at('top');
  als.run('A', () => {
    at('run');
    P.resolve().then(() => at('then'));
    setTimeout(() => {
      at('timer');
      als.run('B', () => setTimeout(() => at('nested timer'), 1));
      at('after nested');
    }, 5);
    als.exit(() => {
      at('exit');
      P.resolve().then(() => at('exit then'));
    });
    at('back');
  });
  at('after run');
  setTimeout(() => {
    als.enterWith('E');
    at('entered');
    P.resolve().then(() => at('entered then'));
  }, 20);
  setTimeout(() => at('unrelated timer'), 30);
}

describe('AsyncLocalStorage semantics, as Node has them', () => {
  it('run, exit and enterWith follow promise reactions and timers exactly as in Node', async () => {
    const node: string[] = [];
    script(
      new NodeAsyncLocalStorage(),
      Promise,
      (fn, ms) => setTimeout(fn, ms),
      (s) => node.push(s),
    );
    await new Promise((r) => setTimeout(r, 80));

    const p = makePlatform();
    const timers = createTimers(p);
    const { AsyncLocalStorage } = createAsyncHooks(p);
    const sim: string[] = [];
    p.loop.runNow(() => script(new AsyncLocalStorage() as Als, p.Promise, timers.setTimeout as Timer, (s) => sim.push(s)));
    runAll(p);
    expect(sim).toEqual(node);
    expect(sim).toContain('nested timer B');
    expect(sim).toContain('unrelated timer undefined');
  });

  it('two storages are independent; bind and snapshot carry the context of their creation', () => {
    const p = makePlatform();
    const { AsyncLocalStorage } = createAsyncHooks(p);
    const Als = AsyncLocalStorage as unknown as {
      new (): Als;
      bind(fn: () => unknown): () => unknown;
      snapshot(): (fn: () => unknown) => unknown;
    };
    const a = new Als();
    const b = new Als();
    let bound: () => unknown = () => undefined;
    let snap: (fn: () => unknown) => unknown = (fn) => fn();
    p.loop.runNow(() => {
      a.run(1, () =>
        b.run(2, () => {
          bound = Als.bind(() => `${a.getStore()} ${b.getStore()}`);
          snap = Als.snapshot();
          a.exit(() => expect([a.getStore(), b.getStore()]).toEqual([undefined, 2]));
        }),
      );
    });
    expect(a.getStore()).toBeUndefined();
    expect(bound()).toBe('1 2');
    expect(snap(() => a.getStore())).toBe(1);
  });

  it('refuses the low-level hooks by name, pointing at AsyncLocalStorage', () => {
    const hooks = createAsyncHooks(makePlatform());
    expect(() => hooks.createHook({})).toThrow(/async_hooks.createHook is not available in this lab: use AsyncLocalStorage/);
    expect(() => hooks.executionAsyncId()).toThrow(/executionAsyncId is not available/);
  });
});

const withDatabase = (d: ScenarioDefinition): ScenarioDefinition => ({
  ...d,
  platform: { ...d.platform, database: { setupSql: 'create table t (x int); insert into t values (1);' } },
  load: { ...d.load, durationMs: 3000 },
});

describe('AsyncLocalStorage in a service', () => {
  it('keeps each request’s store across await, timers, pg, fetch and the thread pool, and never mixes requests', async () => {
    const code = `
import { AsyncLocalStorage } from 'node:async_hooks';
import { pbkdf2 } from 'node:crypto';
import pg from 'pg';
const als = new AsyncLocalStorage<{ n: number }>();
const pool = new pg.Pool();
let checked = 0;
let wrong = 0;
const check = (what: string, n: number) => {
  checked++;
  if (als.getStore()?.n !== n) { wrong++; console.log('mismatch', what, n, als.getStore()?.n); }
};
console.log('top level', String(als.getStore()));
export default async function routes(app: any) {
  app.get('/health', async () => {
    if (als.getStore() !== undefined) console.log('leak into /health');
    return { ok: true };
  });
  app.post('/work', (req: any) => als.run({ n: req.body.n }, async () => {
    const n = req.body.n;
    await new Promise((r) => setTimeout(r, (n % 5) * 7));
    check('setTimeout', n);
    await pool.query('select x from t');
    check('pool.query', n);
    await new Promise<void>((r) => pool.query('select 1', () => { check('pool.query callback', n); r(); }));
    const res = await fetch('http://inventory.internal/item');
    check('fetch', n);
    await res.text();
    await new Promise<void>((r) => pbkdf2('pw', 'salt', 10000, 32, 'sha256', () => { check('pbkdf2 callback', n); r(); }));
    await new Promise<void>((r) => setImmediate(() => { check('setImmediate', n); r(); }));
    await new Promise<void>((r) => process.nextTick(() => { check('nextTick', n); r(); }));
    if (n % 10 === 0) console.log('checked', checked, 'wrong', wrong);
    return { n };
  }));
}`;
    const s = await runFolder(`${FIXTURES}two-routes`, code, 1, withDatabase);
    expect(s.errors).toEqual([]);
    const lines = s.console.map((l) => l.replace(/^\[[\d.]+s\] /, ''));
    expect(lines[0]).toBe('top level undefined');
    expect(lines.filter((l) => /mismatch|leak/.test(l))).toEqual([]);
    const last = lines.filter((l) => l.startsWith('checked')).at(-1);
    expect(last).toMatch(/^checked \d+ wrong 0$/);
    expect(Number(last?.split(' ')[1])).toBeGreaterThan(100);
  });
});
