import { describe, expect, it } from 'vitest';
import { Buffer } from '../../../../../runner/runtime/modules/buffer/buffer.ts';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import { StandInKdf, checkPbkdf2 } from '../../../../../runner/runtime/modules/crypto/kdf.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';

function setup(seed = 1) {
  const p = makePlatform(seed);
  const pool = new ThreadPool(p);
  return { p, pool, crypto: createCrypto(p, pool) };
}

/** Runs `fn` as a main-thread task, drives the run to the end and returns what `fn` threw. */
function thrownBy(fn: () => void): unknown {
  const { p } = setup();
  let thrown: unknown;
  p.loop.runNow(() => {
    try {
      fn();
    } catch (err) {
      thrown = err;
    }
  });
  runAll(p);
  return thrown;
}

describe('pbkdf2Sync', () => {
  it('charges its cost to the main thread: 100 000 sha256 iterations take 30 ms and delay other tasks', () => {
    const { p, crypto } = setup();
    const times: Record<string, number> = {};
    p.loop.runNow(() => {
      p.loop.post(1, () => (times.timerRanAt = p.loop.now()));
      const t0 = p.loop.now();
      const key = crypto.pbkdf2Sync('hunter2', 'salt', 100_000, 32, 'sha256');
      times.blockedMs = p.loop.now() - t0;
      expect(Buffer.isBuffer(key)).toBe(true);
      expect(key.length).toBe(32);
    });
    runAll(p);
    expect(times.blockedMs).toBeCloseTo(30, 6);
    expect(times.timerRanAt).toBeCloseTo(30, 6); // ready at t=1, started when the thread freed
  });

  it('scales with iterations, output blocks and digest', () => {
    const { p, crypto } = setup();
    const cost = (iterations: number, keylen: number, digest: string): number => {
      let ms = 0;
      p.loop.runNow(() => {
        const t0 = p.loop.now();
        crypto.pbkdf2Sync('pw', 'salt', iterations, keylen, digest);
        ms = p.loop.now() - t0;
      });
      runAll(p);
      return ms;
    };
    expect(cost(10_000, 32, 'sha256')).toBeCloseTo(3, 6);
    expect(cost(100_000, 64, 'sha256')).toBeCloseTo(60, 6); // two sha256 blocks
    expect(cost(100_000, 64, 'sha512')).toBeCloseTo(45, 6); // one sha512 block, 1.5x per iteration
    expect(cost(100_000, 20, 'sha1')).toBeCloseTo(21, 6);
  });
});

describe('pbkdf2', () => {
  it('leaves the main thread free and calls back on it after the cost', () => {
    const { p, crypto } = setup();
    const seen: Record<string, unknown> = {};
    p.loop.runNow(() => {
      crypto.pbkdf2('hunter2', 'salt', 100_000, 32, 'sha256', (err, key) => {
        seen.err = err;
        seen.key = key;
        seen.at = p.loop.now();
        seen.onMainThread = p.loop.running;
      });
      seen.returnedAt = p.loop.now();
      p.loop.post(1, () => (seen.timerRanAt = p.loop.now()));
    });
    runAll(p);
    expect(seen.returnedAt).toBeLessThan(0.01);
    expect(seen.timerRanAt).toBe(1);
    expect(seen.err).toBeNull();
    expect(seen.at).toBeCloseTo(30, 6);
    expect(seen.onMainThread).toBe(true);
    expect(Buffer.isBuffer(seen.key)).toBe(true);
  });

  it('runs 8 concurrent derivations on a 4-thread pool in two waves', () => {
    const { p, crypto } = setup();
    const doneAt: number[] = [];
    p.loop.runNow(() => {
      for (let i = 0; i < 8; i++) {
        crypto.pbkdf2(`user${i}`, 'salt', 100_000, 32, 'sha256', () => doneAt.push(p.loop.now()));
      }
    });
    runAll(p);
    expect(doneAt).toHaveLength(8);
    for (const t of doneAt.slice(0, 4)) expect(t).toBeCloseTo(30, 2);
    for (const t of doneAt.slice(4)) expect(t).toBeCloseTo(60, 2);
  });

  it('gives the same key as pbkdf2Sync for the same inputs', () => {
    const { p, crypto } = setup();
    let asyncKey: Buffer | undefined;
    let syncKey: Buffer | undefined;
    p.loop.runNow(() => {
      crypto.pbkdf2('pw', 'salt', 1000, 32, 'sha256', (_err, key) => (asyncKey = key));
      syncKey = crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256');
    });
    runAll(p);
    expect(asyncKey?.equals(syncKey!)).toBe(true);
  });
});

describe('derived keys', () => {
  const { crypto } = setup();
  const key = (pw: unknown, salt: unknown, iterations: number, keylen: number, digest: string): string =>
    crypto.pbkdf2Sync(pw as string, salt as string, iterations, keylen, digest).toString('hex');
  const base = key('correct horse', 'NaCl', 100_000, 32, 'sha256');

  it('are deterministic, and independent of how the same bytes are passed', () => {
    expect(key('correct horse', 'NaCl', 100_000, 32, 'sha256')).toBe(base);
    expect(setup(99).crypto.pbkdf2Sync('correct horse', 'NaCl', 100_000, 32, 'sha256').toString('hex')).toBe(base);
    expect(key(Buffer.from('correct horse'), new TextEncoder().encode('NaCl'), 100_000, 32, 'sha256')).toBe(base);
    expect(key('correct horse', 'NaCl', 100_000, 32, 'SHA256')).toBe(base);
  });

  it('change when any input changes', () => {
    const variants = [
      key('correct horsf', 'NaCl', 100_000, 32, 'sha256'),
      key('correct horse', 'NaCm', 100_000, 32, 'sha256'),
      key('correct horse', 'NaCl', 10_000, 32, 'sha256'),
      key('correct horse', 'NaCl', 100_000, 33, 'sha256').slice(0, 64),
      key('correct horse', 'NaCl', 100_000, 32, 'sha512'),
      // Moving a byte between password and salt must not give the same encoding.
      key('correct hors', 'eNaCl', 100_000, 32, 'sha256'),
    ];
    for (const v of variants) expect(v).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('have the requested length, including 0 and more than one hash block', () => {
    expect(crypto.pbkdf2Sync('pw', 's', 1, 0, 'sha256').length).toBe(0);
    expect(crypto.pbkdf2Sync('pw', 's', 1, 100, 'sha512').length).toBe(100);
  });

  it('are copies: changing a returned Buffer does not change the next result', () => {
    const first = crypto.pbkdf2Sync('pw', 's', 5, 16, 'sha256');
    const hex = first.toString('hex');
    first.fill(0);
    expect(crypto.pbkdf2Sync('pw', 's', 5, 16, 'sha256').toString('hex')).toBe(hex);
  });
});

describe('the stand-in key memo', () => {
  it('is bounded, least recently used first, and hits on repeats', () => {
    const kdf = new StandInKdf(2);
    const params = (pw: string) => checkPbkdf2(pw, 'salt', 10, 32, 'sha256');
    const a = kdf.pbkdf2(params('a')).toString('hex');
    kdf.pbkdf2(params('b'));
    kdf.pbkdf2(params('a')); // a becomes the most recently used
    kdf.pbkdf2(params('c')); // evicts b
    expect(kdf.size).toBe(2);
    expect(kdf.hits).toBe(1);
    kdf.pbkdf2(params('a'));
    expect(kdf.hits).toBe(2);
    kdf.pbkdf2(params('b'));
    expect(kdf.hits).toBe(2);
    expect(new StandInKdf(1).pbkdf2(params('a')).toString('hex')).toBe(a);
  });
});

describe('pbkdf2 argument errors, as Node reports them', () => {
  const { crypto } = setup();
  const noop = () => {};

  it('a missing callback', () => {
    const err = thrownBy(() => crypto.pbkdf2('pw', 'salt', 1, 32, 'sha256', undefined as never)) as Error & { code: string };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(err.message).toBe('The "callback" argument must be of type function. Received undefined');
    expect(String(err)).toBe('TypeError [ERR_INVALID_ARG_TYPE]: The "callback" argument must be of type function. Received undefined');
  });

  it('a missing digest (callback in its place)', () => {
    const err = thrownBy(() => (crypto.pbkdf2 as (...a: unknown[]) => void)('pw', 'salt', 1, 32, noop)) as Error & { code: string };
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(err.message).toBe('The "digest" argument must be of type string. Received undefined');
  });

  it('an unknown digest', () => {
    const err = thrownBy(() => crypto.pbkdf2Sync('pw', 'salt', 1, 32, 'sha257')) as Error & { code: string };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe('ERR_CRYPTO_INVALID_DIGEST');
    expect(err.message).toBe('Invalid digest: sha257');
  });

  it('iterations and keylen out of range, and a password of the wrong type', () => {
    const zero = thrownBy(() => crypto.pbkdf2Sync('pw', 'salt', 0, 32, 'sha256')) as Error & { code: string };
    expect(zero).toBeInstanceOf(RangeError);
    expect(zero.code).toBe('ERR_OUT_OF_RANGE');
    expect(zero.message).toBe('The value of "iterations" is out of range. It must be >= 1 && <= 2147483647. Received 0');
    const frac = thrownBy(() => crypto.pbkdf2Sync('pw', 'salt', 1, 1.5, 'sha256')) as Error;
    expect(frac.message).toBe('The value of "keylen" is out of range. It must be an integer. Received 1.5');
    const pw = thrownBy(() => crypto.pbkdf2Sync(42 as never, 'salt', 1, 32, 'sha256')) as Error;
    expect(pw.message).toBe(
      'The "password" argument must be of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView. Received type number (42)',
    );
  });
});
