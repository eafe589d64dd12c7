import { describe, expect, it } from 'vitest';
import type { Buffer } from '../../../../../runner/runtime/modules/buffer/buffer.ts';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';

function setup() {
  const p = makePlatform();
  return { p, crypto: createCrypto(p, new ThreadPool(p)) };
}

describe('scrypt', () => {
  it('scryptSync with Node defaults (N=16384, r=8, p=1) blocks the main thread for 50 ms', () => {
    const { p, crypto } = setup();
    let blockedMs = 0;
    p.loop.runNow(() => {
      const t0 = p.loop.now();
      expect(crypto.scryptSync('pw', 'salt', 64).length).toBe(64);
      blockedMs = p.loop.now() - t0;
    });
    runAll(p);
    expect(blockedMs).toBeCloseTo(50, 6);
  });

  it('costs in proportion to N·r·p', () => {
    const { p, crypto } = setup();
    let blockedMs = 0;
    p.loop.runNow(() => {
      const t0 = p.loop.now();
      crypto.scryptSync('pw', 'salt', 32, { N: 1024, r: 8, p: 2 });
      crypto.scryptSync('pw', 'salt', 32, { cost: 32768, blockSize: 8, maxmem: 64 * 1024 * 1024 });
      blockedMs = p.loop.now() - t0;
    });
    runAll(p);
    expect(blockedMs).toBeCloseTo(50 / 8 + 100, 6);
  });

  it('scrypt runs on the thread pool, with or without options', () => {
    const { p, crypto } = setup();
    const doneAt: number[] = [];
    const keys: Buffer[] = [];
    p.loop.runNow(() => {
      crypto.scrypt('pw', 'salt', 32, (err, key) => {
        expect(err).toBeNull();
        keys.push(key);
        doneAt.push(p.loop.now());
      });
      crypto.scrypt('pw', 'salt', 32, { N: 16384 }, (_err, key) => {
        keys.push(key);
        doneAt.push(p.loop.now());
      });
      expect(p.loop.now()).toBeLessThan(0.01);
    });
    runAll(p);
    expect(doneAt[0]).toBeCloseTo(50, 6);
    expect(doneAt[1]).toBeCloseTo(50, 6);
    expect(keys[0].equals(keys[1])).toBe(true);
  });

  it('derives keys that depend on every input', () => {
    const { crypto } = setup();
    const base = crypto.scryptSync('pw', 'salt', 32, { N: 1024 }).toString('hex');
    expect(crypto.scryptSync('pw', 'salt', 32, { N: 1024 }).toString('hex')).toBe(base);
    const variants = [
      crypto.scryptSync('pX', 'salt', 32, { N: 1024 }),
      crypto.scryptSync('pw', 'saXt', 32, { N: 1024 }),
      crypto.scryptSync('pw', 'salt', 32, { N: 2048 }),
      crypto.scryptSync('pw', 'salt', 32, { N: 1024, r: 4 }),
      crypto.scryptSync('pw', 'salt', 32, { N: 1024, p: 2 }),
      // Same inputs through pbkdf2 must not collide with scrypt either.
      crypto.pbkdf2Sync('pw', 'salt', 1024, 32, 'sha256'),
    ].map((k) => k.toString('hex'));
    for (const v of variants) expect(v).not.toBe(base);
  });

  it('rejects bad parameters as Node does', () => {
    const { crypto } = setup();
    const err = (fn: () => unknown): Error & { code?: string } => {
      try {
        fn();
      } catch (e) {
        return e as Error & { code?: string };
      }
      throw new Error('did not throw');
    };
    const mem = err(() => crypto.scryptSync('pw', 'salt', 32, { N: 32768 }));
    expect(mem).toBeInstanceOf(RangeError);
    expect(mem.code).toBe('ERR_CRYPTO_INVALID_SCRYPT_PARAMS');
    expect(mem.message).toMatch(/^Invalid scrypt params: memory limit exceeded/);
    expect(err(() => crypto.scryptSync('pw', 'salt', 32, { N: 1000 })).message).toMatch(/N must be a power of 2/);
    expect(err(() => crypto.scryptSync('pw', 'salt', 32, { N: 1024, cost: 1024 })).code).toBe('ERR_INCOMPATIBLE_OPTION_PAIR');
    expect(err(() => crypto.scrypt('pw', 'salt', 32, {})).message).toBe(
      'The "callback" argument must be of type function. Received undefined',
    );
  });
});
