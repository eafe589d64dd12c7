import { describe, expect, it } from 'vitest';
import { Buffer } from '../../../../../runner/runtime/modules/buffer/buffer.ts';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';

function setup(seed: number) {
  const p = makePlatform(seed);
  return { p, crypto: createCrypto(p, new ThreadPool(p)) };
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('crypto randomness', () => {
  it('randomUUID gives version 4 UUIDs, the same sequence for the same seed', () => {
    const a = setup(7).crypto;
    const b = setup(7).crypto;
    const c = setup(8).crypto;
    const seqA = Array.from({ length: 50 }, () => a.randomUUID());
    for (const u of seqA) expect(u).toMatch(UUID_V4);
    expect(new Set(seqA).size).toBe(50);
    expect(Array.from({ length: 50 }, () => b.randomUUID())).toEqual(seqA);
    expect(c.randomUUID()).not.toBe(seqA[0]);
  });

  it('draws from its own fork, so other draws on the platform stream do not shift it', () => {
    const quiet = setup(3);
    const busy = setup(3);
    busy.p.rng.next();
    busy.p.rng.fork('math-random').next();
    expect(busy.crypto.randomUUID()).toBe(quiet.crypto.randomUUID());
  });

  it('randomBytes is deterministic; the callback form runs on the thread pool', () => {
    const { p, crypto } = setup(5);
    const sync = crypto.randomBytes(33);
    expect(Buffer.isBuffer(sync)).toBe(true);
    expect(sync.length).toBe(33);
    expect(setup(5).crypto.randomBytes(33).equals(sync)).toBe(true);
    let got: Buffer | undefined;
    let onMainThread = false;
    p.loop.runNow(() =>
      crypto.randomBytes(16, (err, buf) => {
        expect(err).toBeNull();
        got = buf;
        onMainThread = p.loop.running;
      }),
    );
    expect(got).toBeUndefined();
    runAll(p);
    expect(got?.length).toBe(16);
    expect(onMainThread).toBe(true);
    expect(() => crypto.randomBytes(-1)).toThrow(/The value of "size" is out of range/);
  });

  it('randomInt stays in range, covers it, and validates like Node', () => {
    const { p, crypto } = setup(11);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const n = crypto.randomInt(3, 9);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThan(9);
      seen.add(n);
    }
    expect(seen.size).toBe(6);
    expect(crypto.randomInt(1)).toBe(0);
    expect(() => crypto.randomInt(0)).toThrow(
      'The value of "max" is out of range. It must be greater than the value of "min" (0). Received 0',
    );
    expect(() => crypto.randomInt(1.5)).toThrow('The "max" argument must be a safe integer. Received type number (1.5)');
    let viaCallback = -1;
    p.loop.runNow(() => crypto.randomInt(10, (_err, n) => (viaCallback = n)));
    runAll(p);
    expect(viaCallback).toBeGreaterThanOrEqual(0);
    expect(viaCallback).toBeLessThan(10);
  });

  it('getRandomValues fills integer typed arrays', () => {
    const { crypto } = setup(1);
    const a = crypto.getRandomValues(new Uint32Array(8));
    expect(a.some((x) => x !== 0)).toBe(true);
    expect(() => crypto.getRandomValues(new Float64Array(2) as never)).toThrow(/integer-type/);
    expect(() => crypto.getRandomValues(new Uint8Array(65_537))).toThrow(/exceeds/);
  });
});
