/**
 * Precomputed real PBKDF2 keys (known-keys.ts): for exactly the declared inputs, pbkdf2,
 * pbkdf2Sync and subtle.deriveBits return Node's own key at their usual virtual cost; a
 * shorter key is its prefix (RFC 8018); any other input keeps the stand-in, which differs
 * from the real key; the table is the run's, found by its kernel.
 */
import { pbkdf2Sync as nodePbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Buffer } from '../../../../../runner/runtime/modules/buffer/buffer.ts';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import {
  KnownPbkdf2Keys,
  type PrecomputedPbkdf2,
  precomputedPbkdf2Of,
  providePrecomputedPbkdf2,
} from '../../../../../runner/runtime/modules/crypto/known-keys.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';

/** Few iterations, so Node derives the real key in the test at once. */
const ITERATIONS = 1000;
const SALT = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const real = (password: string, keylen = 32): string => nodePbkdf2Sync(password, SALT, ITERATIONS, keylen, 'sha256').toString('hex');
const ENTRY: PrecomputedPbkdf2 = {
  password: 'maple-orbit-1234',
  saltHex: SALT.toString('hex'),
  iterations: ITERATIONS,
  digest: 'sha256',
  keyHex: real('maple-orbit-1234'),
};

function setup(entries: PrecomputedPbkdf2[] = [ENTRY]) {
  const p = makePlatform(1);
  providePrecomputedPbkdf2(p.kernel, entries);
  const crypto = createCrypto(p, new ThreadPool(p));
  /** Runs `fn` as a main-thread task and returns its result and the virtual time it blocked. */
  const task = <T>(fn: () => T): { value: T; blockedMs: number } => {
    let value: T | undefined;
    let blockedMs = 0;
    p.loop.runNow(() => {
      const t0 = p.loop.now();
      value = fn();
      blockedMs = p.loop.now() - t0;
    });
    runAll(p);
    return { value: value as T, blockedMs };
  };
  return { p, crypto, task };
}

describe('precomputed PBKDF2 keys', () => {
  it('pbkdf2Sync returns the real key for the declared inputs, at the usual cost', () => {
    const { crypto, task } = setup();
    const known = task(() => crypto.pbkdf2Sync(ENTRY.password, SALT, ITERATIONS, 32, 'sha256'));
    expect(known.value.toString('hex')).toBe(ENTRY.keyHex);
    const plain = setup([]);
    const standIn = plain.task(() => plain.crypto.pbkdf2Sync(ENTRY.password, SALT, ITERATIONS, 32, 'sha256'));
    expect(standIn.value.toString('hex')).not.toBe(ENTRY.keyHex);
    expect(known.blockedMs).toBe(standIn.blockedMs);
  });

  it('async pbkdf2 and subtle.deriveBits return it too', () => {
    const { p, crypto } = setup();
    const got: string[] = [];
    p.loop.runNow(() => {
      crypto.pbkdf2(ENTRY.password, SALT, ITERATIONS, 32, 'sha256', (err, key) => got.push(err ? 'error' : key.toString('hex')));
      const subtle = crypto.webcrypto.subtle;
      subtle
        .importKey('raw', new TextEncoder().encode(ENTRY.password), 'PBKDF2', false, ['deriveBits'])
        .then((key) => subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: SALT, iterations: ITERATIONS }, key, 256))
        .then((bits) => got.push(Buffer.from(bits).toString('hex')));
    });
    runAll(p);
    expect(got).toEqual([ENTRY.keyHex, ENTRY.keyHex]);
  });

  it('a shorter key is the real prefix; a longer one starts with the real key, as in RFC 8018', () => {
    const { crypto, task } = setup();
    expect(task(() => crypto.pbkdf2Sync(ENTRY.password, SALT, ITERATIONS, 16, 'sha256')).value.toString('hex')).toBe(
      real(ENTRY.password, 16),
    );
    const long = task(() => crypto.pbkdf2Sync(ENTRY.password, SALT, ITERATIONS, 64, 'sha256')).value;
    expect(long.length).toBe(64);
    expect(long.subarray(0, 32).toString('hex')).toBe(ENTRY.keyHex);
  });

  it('any other input gets the stand-in key, which is not the real one', () => {
    const { crypto, task } = setup();
    const others = [
      () => crypto.pbkdf2Sync('maple-orbit-1235', SALT, ITERATIONS, 32, 'sha256'),
      () => crypto.pbkdf2Sync('Maple-orbit-1234', SALT, ITERATIONS, 32, 'sha256'),
      () => crypto.pbkdf2Sync(ENTRY.password, SALT, ITERATIONS - 1, 32, 'sha256'),
      () => crypto.pbkdf2Sync(ENTRY.password, SALT, ITERATIONS, 32, 'sha512'),
      () => crypto.pbkdf2Sync(ENTRY.password, Buffer.from('other salt'), ITERATIONS, 32, 'sha256'),
    ];
    for (const derive of others) {
      const key = task(derive).value.toString('hex');
      expect(key).not.toBe(ENTRY.keyHex);
    }
    // And the real keys of those inputs are not what the lab gives either: only a real
    // derivation of the declared inputs reproduces a stored hash.
    expect(task(others[0]).value.toString('hex')).not.toBe(real('maple-orbit-1235'));
  });

  it('belongs to one run: another kernel has none', () => {
    const { p } = setup();
    expect(precomputedPbkdf2Of(p.kernel)?.size).toBe(1);
    expect(precomputedPbkdf2Of(makePlatform(1).kernel)).toBeUndefined();
  });

  it('refuses a malformed entry, naming it', () => {
    expect(() => new KnownPbkdf2Keys([ENTRY, { ...ENTRY, saltHex: 'xyz' }])).toThrow(/precomputedPbkdf2\[1\]: saltHex/);
    expect(() => new KnownPbkdf2Keys([{ ...ENTRY, digest: 'sha3000' }])).toThrow(/precomputedPbkdf2\[0\]: digest/);
    expect(() => new KnownPbkdf2Keys([{ ...ENTRY, iterations: 0 }])).toThrow(/iterations/);
    expect(() => new KnownPbkdf2Keys([{ ...ENTRY, keyHex: '' }])).toThrow(/keyHex/);
  });
});
