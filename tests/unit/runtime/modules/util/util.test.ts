import * as nodeUtil from 'node:util';
import { describe, expect, it } from 'vitest';
import { Buffer } from '../../../../../runner/runtime/modules/buffer/buffer.ts';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { createTimers } from '../../../../../runner/runtime/process/timers.ts';
import { createUtil, isDeepStrictEqual } from '../../../../../runner/runtime/modules/util/util.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';

function setup() {
  const p = makePlatform();
  const timers = createTimers(p);
  const util = createUtil(p, {
    customPromisify: new Map<unknown, unknown>([[timers.setTimeout, timers.promises.setTimeout]]),
  });
  return { p, timers, util, crypto: createCrypto(p, new ThreadPool(p)) };
}

describe('util.promisify', () => {
  it('promisify(pbkdf2) resolves with a Buffer when the thread pool finishes', () => {
    const { p, util, crypto } = setup();
    const pbkdf2 = util.promisify(crypto.pbkdf2);
    let result: unknown;
    let at = -1;
    let promise: unknown;
    p.loop.runNow(() => {
      promise = pbkdf2('pw', 'salt', 100_000, 64, 'sha512');
      (promise as Promise<Buffer>).then((key) => {
        result = key;
        at = p.loop.now();
      });
    });
    runAll(p);
    expect(promise).toBeInstanceOf(p.Promise);
    expect(Buffer.isBuffer(result)).toBe(true);
    expect((result as Buffer).length).toBe(64);
    expect(at).toBeCloseTo(45, 2);
  });

  it('rejects with the callback error, and with a synchronous throw', () => {
    const { p, util } = setup();
    const failing = util.promisify((_x: number, cb: (err: Error) => void) => cb(new Error('no')));
    const throwing = util.promisify((_cb: unknown) => {
      throw new Error('sync');
    });
    const reasons: string[] = [];
    p.loop.runNow(() => {
      failing(1).catch((e: Error) => reasons.push(e.message));
      throwing().catch((e: Error) => reasons.push(e.message));
    });
    runAll(p);
    expect(reasons).toEqual(['no', 'sync']);
  });

  it('keeps `this` and the original function own properties', () => {
    const { p, util } = setup();
    const obj = {
      factor: 3,
      times(this: { factor: number }, n: number, cb: (err: null, v: number) => void) {
        cb(null, n * this.factor);
      },
    };
    Object.assign(obj.times, { tag: 'kept' });
    const times = util.promisify(obj.times);
    expect((times as unknown as { tag: string }).tag).toBe('kept');
    expect(times.name).toBe('times');
    let v = 0;
    p.loop.runNow(() => times.call(obj, 2).then((x: number) => (v = x)));
    runAll(p);
    expect(v).toBe(6);
  });

  it('honours util.promisify.custom and the caller-supplied custom map (setTimeout)', () => {
    const { p, util, timers } = setup();
    const special = Object.assign((_cb: unknown) => {}, { [util.promisify.custom]: () => 'custom!' });
    expect(util.promisify(special)()).toBe('custom!');
    expect(util.promisify.custom).toBe(Symbol.for('nodejs.util.promisify.custom'));
    const sleep = util.promisify(timers.setTimeout);
    expect(sleep).toBe(timers.promises.setTimeout);
    let woke = -1;
    p.loop.runNow(() => sleep(25, 'v').then(() => (woke = p.loop.now())));
    runAll(p);
    expect(woke).toBeCloseTo(25, 2); // plus the promise job's CPU
  });

  it('rejects a non-function as Node does', () => {
    const { util } = setup();
    expect(() => util.promisify(5 as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'The "original" argument must be of type function. Received type number (5)',
      }),
    );
  });
});

describe('util.callbackify', () => {
  it('calls back on a later tick with the value or the reason', () => {
    const { p, util } = setup();
    // User code's async functions return the simulator's promises; so does this one.
    const ok = util.callbackify((x: number) => p.Promise.resolve(x * 2));
    const bad = util.callbackify(() => p.Promise.reject(null));
    const seen: unknown[] = [];
    p.loop.runNow(() => {
      ok(21, (err: unknown, v: unknown) => seen.push([err, v]));
      bad((err: { code: string }) => seen.push(err.code));
    });
    runAll(p);
    expect(seen).toEqual([[null, 42], 'ERR_FALSY_VALUE_REJECTION']);
  });
});

describe('util.types and friends', () => {
  it('recognises the simulator promises and host ones', () => {
    const { p, util } = setup();
    expect(util.types.isPromise(p.Promise.resolve(1))).toBe(true);
    expect(util.types.isPromise(Promise.resolve(1))).toBe(true);
    expect(util.types.isPromise({ then() {} })).toBe(false);
    expect(util.types.isUint8Array(Buffer.alloc(1))).toBe(true);
    expect(util.types.isDate(new Date())).toBe(true);
    expect(new util.TextDecoder().decode(new util.TextEncoder().encode('ü'))).toBe('ü');
  });

  it('inherits sets up the prototype chain and super_', () => {
    const { util } = setup();
    function Base() {}
    Base.prototype.hello = () => 'hi';
    function Derived() {}
    util.inherits(Derived, Base);
    expect(new (Derived as unknown as new () => { hello(): string })().hello()).toBe('hi');
    expect((Derived as unknown as { super_: unknown }).super_).toBe(Base);
  });
});

describe('util.isDeepStrictEqual', () => {
  it('agrees with Node on a battery of pairs', () => {
    const cyc1: Record<string, unknown> = { a: 1 };
    cyc1.self = cyc1;
    const cyc2: Record<string, unknown> = { a: 1 };
    cyc2.self = cyc2;
    class P {
      constructor(readonly x: number) {}
    }
    const pairs: [unknown, unknown][] = [
      [1, 1],
      [1, '1'],
      [NaN, NaN],
      [0, -0],
      [{ a: [1, 2] }, { a: [1, 2] }],
      [{ a: 1 }, { a: 1, b: undefined }],
      [
        [1, 2],
        [2, 1],
      ],
      [new Date(5), new Date(5)],
      [new Date(5), new Date(6)],
      [/a/g, /a/g],
      [/a/g, /a/i],
      [new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])],
      [new Map([[{ k: 1 }, 'v']]), new Map([[{ k: 1 }, 'v']])],
      [new Set([{ a: 1 }, { b: 2 }]), new Set([{ b: 2 }, { a: 1 }])],
      [new Set([1, 2]), new Set([1, 3])],
      [Buffer.from('ab'), Buffer.from('ab')],
      [new Uint8Array([1]), new Uint8Array([2])],
      [new Uint8Array([1]), Buffer.from([1])],
      [new P(1), { x: 1 }],
      [new P(1), new P(1)],
      [Object.create(null), {}],
      [cyc1, cyc2],
      [new Error('a'), new Error('a')],
      [new Error('a'), new Error('b')],
      [Object(1), Object(1)],
      [Object(1), Object(2)],
      [
        // biome-ignore lint/suspicious/noSparseArray: a hole is not undefined, which is the case under test
        [1, , 3],
        [1, undefined, 3],
      ],
      [{ [Symbol.for('s')]: 1 }, { [Symbol.for('s')]: 1 }],
      [{ [Symbol.for('s')]: 1 }, { [Symbol.for('s')]: 2 }],
    ];
    for (const [a, b] of pairs) expect([a, b, isDeepStrictEqual(a, b)]).toEqual([a, b, nodeUtil.isDeepStrictEqual(a, b)]);
  });
});
