/**
 * SimPromise against native promise ordering in Node.
 *
 * Each snippet pushes labels to `log` and runs three ways (see harness.ts):
 *  - native: untransformed, on Node's own Promise, queueMicrotask and process.nextTick;
 *  - sim: the way the runner runs user code (esbuild async lowering, the simulator's
 *    Promise/queueMicrotask/nextTick bound in scope, one `jobs.drain`);
 *  - lowered on Node: the same compiled code on Node's own Promise.
 * `ticks(n)` logs t1..tn on consecutive promise jobs, a clock that pins down how many jobs
 * each step costs, not just the relative order.
 *
 * sim must equal lowered-on-Node for every snippet (SimPromise behaves as V8's promises on
 * the same code), and must equal native except where the lowering itself changes the job
 * count. Async functions, await of anything, the combinators, finally, queueMicrotask,
 * nextTick and for-await over sync iterables all match native exactly. Async generators
 * do not always: esbuild's __asyncGenerator / __yieldStar helpers take a different number
 * of jobs than native generators at completion, at return() (break out of for-await), per
 * yield* step and for queued next() calls. Those snippets pin both orders and say why in
 * `lowering.why`; the labels are the same, only their interleaving with other work shifts.
 */
import { describe, expect, it } from 'vitest';
import { runLoweredNative, runNative, runSim } from './harness.ts';

interface Snippet {
  name: string;
  code: string;
  /** Pinned native order, where the exact job count is the point of the snippet. */
  expected?: string[];
  /**
   * An inherent difference: esbuild's helpers take a different number of jobs than native
   * syntax. Both orders are pinned, and the lowered code run on Node's own Promise must
   * give the simulator's order, which shows the difference comes from the lowering.
   */
  lowering?: { why: string; native: string[]; sim: string[] };
}

const SNIPPETS: Snippet[] = [
  {
    name: 'two async functions awaiting non-promises interleave one job per await',
    code: `
      async function a() { log.push('a1'); await null; log.push('a2'); await undefined; log.push('a3'); }
      async function b() { log.push('b1'); await 1; log.push('b2'); await 'x'; log.push('b3'); }
      ticks(4); a(); b(); log.push('sync');
    `,
    // One job per await of a non-promise.
    expected: ['a1', 'b1', 'sync', 't1', 'a2', 'b2', 't2', 'a3', 'b3', 't3', 't4'],
  },
  {
    name: 'nested async functions: await of an async call that returns a value',
    code: `
      async function leaf(n) { log.push('leaf' + n); await null; log.push('leaf' + n + ' after'); return n; }
      async function mid() { const v = await leaf(1); log.push('mid got ' + v); return v + 1; }
      async function top() { const v = await mid(); log.push('top got ' + v); }
      ticks(8); top().then(() => log.push('top done')); log.push('sync');
    `,
  },
  {
    name: 'await of an already-resolved promise',
    code: `
      async function f() { await Promise.resolve(1); log.push('after resolved'); }
      ticks(4); f(); log.push('sync');
    `,
    // Native await of a native promise is one job (since ES2019's await optimisation);
    // __async's Promise.resolve(p).then(...) is one job too, since Promise.resolve returns
    // a same-constructor promise as is.
    expected: ['sync', 't1', 'after resolved', 't2', 't3', 't4'],
  },
  {
    name: 'await of a promise resolved with a promise (resolve-thenable job)',
    code: `
      async function f() {
        const p = new Promise((r) => r(Promise.resolve('inner')));
        const v = await p;
        log.push('got ' + v);
      }
      ticks(6); f(); log.push('sync');
    `,
    // p adopts the inner promise through NewPromiseResolveThenableJob: two jobs, plus the await.
    expected: ['sync', 't1', 't2', 't3', 'got inner', 't4', 't5', 't6'],
  },
  {
    name: 'await of a native-looking thenable (sync and async resolution, and a rejecting one)',
    code: `
      const syncThenable = { then(res) { log.push('then called (sync)'); res('s'); } };
      const lateThenable = { then(res) { log.push('then called (late)'); Promise.resolve().then(() => res('l')); } };
      const badThenable = { then(_res, rej) { log.push('then called (bad)'); rej(new Error('nope')); } };
      async function f() { log.push('got ' + (await syncThenable)); }
      async function g() { log.push('got ' + (await lateThenable)); }
      async function h() { try { await badThenable; } catch (e) { log.push('caught ' + e.message); } }
      ticks(7); f(); g(); h(); log.push('sync');
    `,
  },
  {
    name: 'async function returning a promise costs the two resolve-thenable jobs',
    code: `
      async function retPromise() { return Promise.resolve('p'); }
      async function retValue() { return 'v'; }
      async function retAwaited() { return await Promise.resolve('a'); }
      ticks(6);
      retPromise().then((v) => log.push('ret ' + v));
      retValue().then((v) => log.push('ret ' + v));
      retAwaited().then((v) => log.push('ret ' + v));
      log.push('sync');
    `,
    expected: ['sync', 't1', 'ret v', 't2', 'ret a', 't3', 'ret p', 't4', 't5', 't6'],
  },
  {
    name: 'errors thrown inside async functions, before and after the first await',
    code: `
      async function early() { log.push('early body'); throw new Error('early'); }
      async function late() { await null; log.push('late body'); throw new Error('late'); }
      async function deep(n) { if (n === 0) { await null; throw new Error('deep'); } await null; return deep(n - 1); }
      async function caller() {
        try { await late(); } catch (e) { log.push('caller caught ' + e.message); }
        try { await deep(2); } catch (e) { log.push('caller caught ' + e.message); }
        log.push('caller done');
      }
      ticks(14);
      early().catch((e) => log.push('caught ' + e.message));
      caller();
      log.push('sync');
    `,
  },
  {
    name: 'Promise.all with plain values, promises, thenables and async results',
    code: `
      async function slow() { await null; await null; log.push('slow done'); return 'slow'; }
      const thenable = { then(r) { log.push('thenable then'); r('th'); } };
      ticks(6);
      Promise.all([1, Promise.resolve(2), thenable, slow(), new Promise((r) => r(Promise.resolve(5)))])
        .then((vs) => log.push('all ' + vs.join(',')));
      Promise.all([]).then((vs) => log.push('all empty ' + vs.length));
      Promise.all([Promise.resolve(1), Promise.reject(new Error('boom')), slow()])
        .catch((e) => log.push('all rejected ' + e.message));
      log.push('sync');
    `,
  },
  {
    name: 'Promise.allSettled with mixed outcomes',
    code: `
      async function fails() { await null; throw new Error('f'); }
      ticks(5);
      Promise.allSettled([fails(), 2, Promise.reject(new Error('r')), Promise.resolve(4)]).then((rs) =>
        log.push('settled ' + rs.map((r) => r.status + ':' + (r.status === 'fulfilled' ? r.value : r.reason.message)).join(',')));
      Promise.allSettled([]).then(() => log.push('settled empty'));
      log.push('sync');
    `,
  },
  {
    name: 'Promise.race with mixed values',
    code: `
      async function slow() { await null; await null; return 'slow'; }
      ticks(4);
      Promise.race([slow(), Promise.resolve('fast')]).then((v) => log.push('race1 ' + v));
      Promise.race([slow(), 'plain']).then((v) => log.push('race2 ' + v));
      Promise.race([{ then(r) { r('thenable'); } }, slow()]).then((v) => log.push('race3 ' + v));
      Promise.race([Promise.reject(new Error('rej')), 1]).catch((e) => log.push('race4 ' + e.message));
      log.push('sync');
    `,
  },
  {
    name: 'Promise.any with rejections first, and all rejected',
    code: `
      async function failsLater() { await null; throw new Error('later'); }
      async function okLater() { await null; await null; return 'ok'; }
      ticks(5);
      Promise.any([Promise.reject(new Error('a')), failsLater(), okLater()]).then((v) => log.push('any ' + v));
      Promise.any([Promise.reject(new Error('x')), failsLater()]).catch((e) =>
        log.push('any failed ' + e.constructor.name + ' ' + e.errors.map((x) => x.message).join(',')));
      Promise.any([]).catch((e) => log.push('any empty ' + e.constructor.name));
      log.push('sync');
    `,
  },
  {
    name: 'finally chains: pass-through, returning a promise, throwing, on rejection',
    code: `
      ticks(10);
      Promise.resolve(1).finally(() => log.push('f1')).then((v) => log.push('after f1 ' + v));
      Promise.resolve(2).finally(() => { log.push('f2'); return Promise.resolve('ignored'); }).then((v) => log.push('after f2 ' + v));
      Promise.resolve(3).finally(() => { log.push('f3'); throw new Error('f3 threw'); }).catch((e) => log.push('after f3 ' + e.message));
      Promise.reject(new Error('r4')).finally(() => log.push('f4')).catch((e) => log.push('after f4 ' + e.message));
      Promise.resolve(5).finally().then((v) => log.push('after f5 ' + v));
      log.push('sync');
    `,
  },
  {
    name: 'queueMicrotask interleaves with promise jobs in FIFO order',
    code: `
      queueMicrotask(() => log.push('m1'));
      Promise.resolve().then(() => { log.push('p1'); queueMicrotask(() => log.push('m3')); });
      queueMicrotask(() => { log.push('m2'); Promise.resolve().then(() => log.push('p3')); });
      Promise.resolve().then(() => log.push('p2'));
      log.push('sync');
    `,
  },
  {
    name: 'process.nextTick: all ticks first, then microtasks to exhaustion, then ticks they queued',
    code: `
      process.nextTick(() => {
        log.push('tick1');
        process.nextTick(() => log.push('tick1.1'));
        Promise.resolve().then(() => log.push('p from tick1'));
      });
      Promise.resolve().then(() => {
        log.push('p1');
        process.nextTick(() => { log.push('tick from p1'); Promise.resolve().then(() => log.push('p from tick from p1')); });
        Promise.resolve().then(() => log.push('p1.1'));
      });
      queueMicrotask(() => log.push('m1'));
      process.nextTick((a, b) => log.push('tick2 ' + a + b), 'x', 'y');
      log.push('sync');
    `,
    expected: ['sync', 'tick1', 'tick2 xy', 'tick1.1', 'p1', 'm1', 'p from tick1', 'p1.1', 'tick from p1', 'p from tick from p1'],
  },
  {
    name: 'process.nextTick from inside async functions after awaits',
    code: `
      async function f() {
        log.push('f start');
        process.nextTick(() => log.push('tick in f'));
        await null;
        log.push('f after await');
        process.nextTick(() => log.push('tick after await'));
        await null;
        log.push('f end');
      }
      ticks(4); f(); log.push('sync');
    `,
  },
  {
    name: 'async generator consumed with for await',
    code: `
      async function* gen() {
        log.push('gen start');
        yield 1;
        log.push('gen after 1');
        await null;
        yield Promise.resolve(2);
        log.push('gen after 2');
      }
      async function consume() {
        for await (const v of gen()) log.push('got ' + v);
        log.push('consumed');
      }
      ticks(16); consume(); log.push('sync');
    `,
    lowering: {
      why:
        'When the generator body runs off its end, native code settles the last next() with ' +
        "{ done: true } at once; esbuild's __asyncGenerator resume() still passes the " +
        'completion value through Promise.resolve(value).then(...), one job more.',
      native: [
        'gen start',
        'sync',
        't1',
        't2',
        'got 1',
        'gen after 1',
        't3',
        't4',
        't5',
        'got 2',
        'gen after 2',
        't6',
        'consumed',
        't7',
        't8',
        't9',
        't10',
        't11',
        't12',
        't13',
        't14',
        't15',
        't16',
      ],
      sim: [
        'gen start',
        'sync',
        't1',
        't2',
        'got 1',
        'gen after 1',
        't3',
        't4',
        't5',
        'got 2',
        'gen after 2',
        't6',
        't7',
        'consumed',
        't8',
        't9',
        't10',
        't11',
        't12',
        't13',
        't14',
        't15',
        't16',
      ],
    },
  },
  {
    name: 'for await over a sync iterable of promises and values',
    code: `
      async function consume() {
        for await (const v of [Promise.resolve('a'), 'b', new Promise((r) => r(Promise.resolve('c')))]) log.push('got ' + v);
        log.push('consumed');
      }
      ticks(12); consume(); log.push('sync');
    `,
  },
  {
    name: 'breaking out of for await runs the generator finally',
    code: `
      async function* gen() {
        try { yield 'a'; yield 'b'; yield 'c'; } finally { log.push('gen finally'); }
      }
      async function consume() {
        for await (const v of gen()) { log.push('got ' + v); if (v === 'b') break; }
        log.push('consumed');
      }
      ticks(14); consume(); log.push('sync');
    `,
    lowering: {
      why:
        'On return() at a yield, a native async generator first awaits the return value ' +
        '(AsyncGeneratorUnwrapYieldResumption), so its finally runs one job later; the ' +
        'lowered it.return() calls generator.return() synchronously and the finally runs at once.',
      native: [
        'sync',
        't1',
        't2',
        'got a',
        't3',
        't4',
        'got b',
        't5',
        'gen finally',
        't6',
        'consumed',
        't7',
        't8',
        't9',
        't10',
        't11',
        't12',
        't13',
        't14',
      ],
      sim: [
        'sync',
        't1',
        't2',
        'got a',
        't3',
        't4',
        'got b',
        'gen finally',
        't5',
        't6',
        'consumed',
        't7',
        't8',
        't9',
        't10',
        't11',
        't12',
        't13',
        't14',
      ],
    },
  },
  {
    name: 'async generator that throws, and yield* delegation',
    code: `
      async function* inner() { yield 'i1'; await null; yield 'i2'; }
      async function* outer() { yield 'o1'; yield* inner(); throw new Error('gen threw'); }
      async function consume() {
        try { for await (const v of outer()) log.push('got ' + v); }
        catch (e) { log.push('caught ' + e.message); }
      }
      ticks(22); consume(); log.push('sync');
    `,
    lowering: {
      why:
        "Native yield* awaits the inner next() result once and hands its value on; esbuild's " +
        "__yieldStar goes through __asyncGenerator's resume() twice per step (an __await of the " +
        'inner promise, then a yield of its value, each via Promise.resolve(..).then), so every ' +
        'delegated step costs two more jobs.',
      native: [
        'sync',
        't1',
        't2',
        'got o1',
        't3',
        't4',
        't5',
        'got i1',
        't6',
        't7',
        't8',
        't9',
        'got i2',
        't10',
        't11',
        'caught gen threw',
        't12',
        't13',
        't14',
        't15',
        't16',
        't17',
        't18',
        't19',
        't20',
        't21',
        't22',
      ],
      sim: [
        'sync',
        't1',
        't2',
        'got o1',
        't3',
        't4',
        't5',
        't6',
        't7',
        'got i1',
        't8',
        't9',
        't10',
        't11',
        't12',
        't13',
        'got i2',
        't14',
        't15',
        't16',
        't17',
        'caught gen threw',
        't18',
        't19',
        't20',
        't21',
        't22',
      ],
    },
  },
  {
    name: 'a rejection handled late (after other jobs ran, within the same turn)',
    code: `
      const p = Promise.reject(new Error('late'));
      async function f() {
        await null; await null;
        log.push('attaching');
        p.catch((e) => log.push('handled ' + e.message));
      }
      ticks(5); f(); log.push('sync');
    `,
  },
  {
    name: 'try/catch around await of a rejected promise, and rethrow through layers',
    code: `
      async function a() { await Promise.reject(new Error('A')); }
      async function b() { try { await a(); } catch (e) { log.push('b caught ' + e.message); throw new Error('B'); } }
      async function c() { try { await b(); } catch (e) { log.push('c caught ' + e.message); } finally { log.push('c finally'); } }
      ticks(10); c(); log.push('sync');
    `,
  },
  {
    name: 'several then handlers on one promise, some added after it settled',
    code: `
      let resolve;
      const p = new Promise((r) => { resolve = r; });
      p.then(() => log.push('h1'));
      p.then(() => log.push('h2'));
      ticks(4);
      Promise.resolve().then(() => { resolve('go'); p.then(() => log.push('h3')); });
      Promise.resolve().then(() => p.then(() => log.push('h4')));
      log.push('sync');
    `,
  },
  {
    name: 'Promise.resolve / new Promise resolved with thenables and promises',
    code: `
      const t = { then(r) { log.push('t.then'); r('tv'); } };
      ticks(6);
      Promise.resolve(t).then((v) => log.push('resolve(thenable) ' + v));
      const same = Promise.resolve(1);
      log.push('resolve(promise) is identity: ' + (Promise.resolve(same) === same));
      new Promise((r) => r(same)).then((v) => log.push('new Promise(r(promise)) ' + v));
      Promise.resolve().then(() => same).then((v) => log.push('then returns promise ' + v));
      log.push('sync');
    `,
  },
  {
    name: 'thenables that throw, have throwing then getters, or resolve twice',
    code: `
      const throwsInThen = { then() { throw new Error('in then'); } };
      const getterThrows = { get then() { throw new Error('getter'); } };
      const twice = { then(r, j) { r('first'); r('second'); j(new Error('ignored')); throw new Error('ignored too'); } };
      async function f(x, name) { try { log.push(name + ' ' + (await x)); } catch (e) { log.push(name + ' caught ' + e.message); } }
      ticks(5); f(throwsInThen, 'a'); f(getterThrows, 'b'); f(twice, 'c'); log.push('sync');
    `,
  },
  {
    name: 'per-tick batching (dataloader style) with nextTick and many awaiting callers',
    code: `
      let batch = null;
      function load(key) {
        if (!batch) {
          batch = { keys: [], waiters: [] };
          const b = batch;
          process.nextTick(() => {
            batch = null;
            log.push('batch ' + b.keys.join(','));
            Promise.resolve().then(() => b.waiters.forEach((w, i) => w(b.keys[i] * 10)));
          });
        }
        batch.keys.push(key);
        return new Promise((r) => batch.waiters.push(r));
      }
      async function user(k) { await null; const v = await load(k); log.push('user ' + k + ' got ' + v); }
      async function direct(k) { const v = await load(k); log.push('direct ' + k + ' got ' + v); }
      ticks(6);
      direct(1); direct(2); user(3); user(4);
      Promise.all([1, 2].map(async (k) => { await null; await null; return load(k + 10); }))
        .then((vs) => log.push('mapped ' + vs.join(',')));
      log.push('sync');
    `,
  },
  {
    name: 'async generator driven by concurrent next() calls, with an explicit return value',
    code: `
      async function* g() { log.push('g start'); yield 'a'; await null; return 'r'; }
      const it = g();
      ticks(10);
      it.next().then((r) => log.push('n1 ' + r.value + ' ' + r.done));
      it.next().then((r) => log.push('n2 ' + r.value + ' ' + r.done));
      it.next().then((r) => log.push('n3 ' + r.value + ' ' + r.done));
      log.push('sync');
    `,
    lowering: {
      why:
        'A native async generator resumes the next queued request as soon as the previous one ' +
        'completes (AsyncGeneratorDrainQueue) and settles requests made after completion at ' +
        'once; esbuild chains each request on the previous one with q.then(run) after ' +
        'call.then(clear, clear), two jobs per queued request, and its explicit return value ' +
        'also goes through Promise.resolve(..).then.',
      native: [
        'g start',
        'sync',
        't1',
        't2',
        'n1 a false',
        't3',
        't4',
        'n2 r true',
        'n3 undefined true',
        't5',
        't6',
        't7',
        't8',
        't9',
        't10',
      ],
      sim: ['g start', 'sync', 't1', 't2', 'n1 a false', 't3', 't4', 't5', 't6', 'n2 r true', 't7', 't8', 't9', 'n3 undefined true', 't10'],
    },
  },
];

describe('SimPromise under async lowering orders jobs like native promises in Node', () => {
  it('has enough snippets', () => {
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(15);
  });

  for (const s of SNIPPETS) {
    it(s.name, async () => {
      const native = await runNative(s.code);
      const sim = await runSim(s.code);
      const loweredOnNode = await runLoweredNative(s.code);
      expect(sim.errors).toEqual([]);
      // Everything ran inside the one drain: nothing escaped to host promises.
      expect(sim.logAtDrain).toEqual(sim.log);
      expect(native.length).toBeGreaterThan(1);
      // SimPromise runs the same compiled code exactly as V8's promises do.
      expect(sim.log).toEqual(loweredOnNode);
      if (s.expected) expect(native).toEqual(s.expected);
      if (s.lowering) {
        expect(native).toEqual(s.lowering.native);
        expect(sim.log).toEqual(s.lowering.sim);
        // Same labels, only their interleaving with the clock differs.
        expect([...sim.log].sort()).toEqual([...native].sort());
      } else {
        expect(sim.log).toEqual(native);
      }
    });
  }
});
