import { describe, expect, it } from 'vitest';
import { derivePbkdf2ForSetup } from '../../../../../runner/index.ts';
import { Buffer } from '../../../../../runner/runtime/modules/buffer/buffer.ts';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform } from '../../../../helpers/test-platform.ts';

describe('derivePbkdf2ForSetup', () => {
  it('gives the key the simulated pbkdf2Sync derives at run time, so seeded hashes verify', () => {
    const p = makePlatform(1);
    const crypto = createCrypto(p, new ThreadPool(p));
    const salt = Uint8Array.from([1, 2, 3, 250, 251, 252]);
    const stored = derivePbkdf2ForSetup('correct horse', salt, 100_000, 32, 'sha256');
    expect(stored).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(stored).equals(crypto.pbkdf2Sync('correct horse', Buffer.from(salt), 100_000, 32, 'sha256'))).toBe(true);
    expect(Buffer.from(stored).equals(crypto.pbkdf2Sync('correct horse', Buffer.from(salt), 1_000, 32, 'sha256'))).toBe(false);
  });

  it("rejects what Node's pbkdf2 rejects", () => {
    expect(() => derivePbkdf2ForSetup('pw', 'salt', 0, 32, 'sha256')).toThrow(/iterations/);
    expect(() => derivePbkdf2ForSetup('pw', 'salt', 1000, 32, 'nope')).toThrow(/Invalid digest/);
  });
});
