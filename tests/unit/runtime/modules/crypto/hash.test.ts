import { describe, expect, it } from 'vitest';
import { Buffer } from '../../../../../runner/runtime/modules/buffer/buffer.ts';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';

const p = makePlatform();
const crypto = createCrypto(p, new ThreadPool(p));

describe('createHash', () => {
  it('matches the known test vectors for "abc"', () => {
    expect(crypto.createHash('sha256').update('abc').digest('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(crypto.createHash('sha1').update('abc').digest('hex')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(crypto.createHash('md5').update('abc').digest('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(crypto.createHash('sha512').update('abc').digest('hex')).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  it('chains updates, takes input encodings and digests to every output form', () => {
    const h = crypto.createHash('SHA256').update('a').update(Buffer.from('b')).update('63', 'hex');
    const copy = h.copy();
    const buf = h.digest();
    expect(Buffer.isBuffer(buf)).toBe(true);
    expect(buf.toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(copy.digest('base64')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect(crypto.createHash('sha256').update('abc').digest('base64url')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(crypto.hash('sha1', 'abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('refuses a second digest and unknown algorithms', () => {
    const h = crypto.createHash('sha256');
    h.digest();
    expect(() => h.digest()).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_HASH_FINALIZED', message: 'Digest already called' }));
    expect(() => h.update('x')).toThrow(/Digest already called/);
    expect(() => crypto.createHash('sha3-256')).toThrow(/^Digest method not supported: sha3-256/);
    expect(() => crypto.createHash('sha256').update(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('charges a fixed cost plus bytes at 500 MB/s to the main thread', () => {
    let ms = 0;
    p.loop.runNow(() => {
      const t0 = p.loop.now();
      crypto.createHash('sha256').update(Buffer.alloc(500_000)).digest('hex');
      ms = p.loop.now() - t0;
    });
    runAll(p);
    expect(ms).toBeCloseTo(1.002, 9);
  });
});

describe('createHmac', () => {
  it('matches RFC 4231 test case 2', () => {
    expect(crypto.createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('rejects an unknown digest and returns an empty digest the second time, as Node does', () => {
    expect(() => crypto.createHmac('sha257', 'k')).toThrow(
      expect.objectContaining({ code: 'ERR_CRYPTO_INVALID_DIGEST', message: 'Invalid digest: sha257' }),
    );
    const mac = crypto.createHmac('sha1', Buffer.from('key'));
    expect(mac.digest().length).toBe(20);
    expect(mac.digest().length).toBe(0);
  });
});

describe('timingSafeEqual', () => {
  it('compares equal-length inputs', () => {
    expect(crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(crypto.timingSafeEqual(Buffer.from('abc'), new TextEncoder().encode('abd'))).toBe(false);
  });

  it('throws on a length mismatch and on non-binary input', () => {
    expect(() => crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toThrow(
      expect.objectContaining({
        name: 'RangeError',
        code: 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH',
        message: 'Input buffers must have the same byte length',
      }),
    );
    expect(() => crypto.timingSafeEqual('abc' as never, Buffer.from('abc'))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});
