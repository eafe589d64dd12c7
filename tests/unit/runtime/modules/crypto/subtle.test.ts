/**
 * crypto.subtle: digests and HMACs equal Node's own webcrypto byte for byte; PBKDF2
 * deriveBits gives the same stand-in key as pbkdf2 with the same inputs (as the real ones are
 * equal in Node) and is a thread-pool job charged like async pbkdf2; errors are Node's
 * DOMExceptions, and what the lab lacks is refused by name.
 */
import { webcrypto as nodeWebcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import { PBKDF2_ITERATION_MS } from '../../../../../runner/runtime/modules/crypto/kdf.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';
import { FIXTURES, runFolder } from '../../../../helpers/run-fixture.ts';

const enc = new TextEncoder();
const hex = (b: ArrayBuffer): string => Buffer.from(b).toString('hex');

/** Runs `fn` in a main-thread task, drives the simulation, and returns what its promise settled to. */
function settle<T>(p: ReturnType<typeof makePlatform>, fn: () => Promise<T>): { value?: T; error?: unknown; atMs?: number } {
  const out: { value?: T; error?: unknown; atMs?: number } = {};
  p.loop.runNow(() => {
    fn().then(
      (v) => Object.assign(out, { value: v, atMs: p.loop.now() }),
      (e) => Object.assign(out, { error: e, atMs: p.loop.now() }),
    );
  });
  runAll(p);
  return out;
}

function setup(poolSize = 4) {
  const p = makePlatform();
  const crypto = createCrypto(p, new ThreadPool(p, { size: poolSize }));
  return { p, crypto, subtle: crypto.webcrypto.subtle };
}

describe('crypto.subtle', () => {
  it('digest equals Node’s for SHA-1/256/384/512, and is the same object on globalThis.crypto and node:crypto', async () => {
    const { p, crypto, subtle } = setup();
    expect(crypto.subtle).toBe(subtle);
    const data = enc.encode('hello tailspin');
    for (const name of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) {
      const ours = settle(p, () => subtle.digest(name, data));
      expect(hex(ours.value as ArrayBuffer)).toBe(hex(await nodeWebcrypto.subtle.digest(name, data)));
    }
    const md5 = settle(p, () => subtle.digest('MD5', data));
    expect(md5.error).toMatchObject({ name: 'NotSupportedError' });
  });

  it('HMAC sign equals Node’s; verify accepts the signature and rejects a changed one', async () => {
    const { p, subtle } = setup();
    const raw = enc.encode('secret key');
    const data = enc.encode('payload');
    const nodeKey = await nodeWebcrypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const expected = hex(await nodeWebcrypto.subtle.sign('HMAC', nodeKey, data));
    const key = settle(p, () => subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify'])).value!;
    expect(key).toMatchObject({ type: 'secret', extractable: true, algorithm: { name: 'HMAC', hash: { name: 'SHA-256' }, length: 80 } });
    const sig = settle(p, () => subtle.sign('HMAC', key, data)).value as ArrayBuffer;
    expect(hex(sig)).toBe(expected);
    expect(settle(p, () => subtle.verify('HMAC', key, sig, data)).value).toBe(true);
    const bad = new Uint8Array(sig);
    bad[0] ^= 1;
    expect(settle(p, () => subtle.verify('HMAC', key, bad, data)).value).toBe(false);
    expect(hex(settle(p, () => subtle.exportKey('raw', key)).value as ArrayBuffer)).toBe(Buffer.from(raw).toString('hex'));
  });

  it('PBKDF2 deriveBits is pbkdf2’s key, on the thread pool at pbkdf2’s cost, queueing behind the pool size', () => {
    const { p, crypto, subtle } = setup(2);
    const key = settle(p, () => subtle.importKey('raw', enc.encode('hunter2'), 'PBKDF2', false, ['deriveBits'])).value!;
    const params = { name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode('salt'), iterations: 100_000 };
    const expected = crypto.pbkdf2Sync('hunter2', 'salt', 100_000, 32, 'sha256').toString('hex');
    let t0 = 0;
    const finishedMs: number[] = [];
    let bits: ArrayBuffer | undefined;
    p.loop.runNow(() => {
      t0 = p.loop.now();
      for (let i = 0; i < 3; i++) {
        subtle.deriveBits(params, key, 256).then((b) => {
          bits = b;
          finishedMs.push(p.loop.now() - t0);
        });
      }
    });
    runAll(p);
    expect(hex(bits!)).toBe(expected);
    const oneMs = 100_000 * PBKDF2_ITERATION_MS.sha256;
    // Two threads: two finish after one derivation, the third waits for a thread (to within
    // the microseconds of main-thread promise jobs that record the times).
    expect(finishedMs[0]).toBeCloseTo(oneMs, 2);
    expect(finishedMs[1]).toBeCloseTo(oneMs, 2);
    expect(finishedMs[2]).toBeCloseTo(2 * oneMs, 2);
  });

  it('rejects as Node does: bad lengths, extractable PBKDF2 keys, wrong usages, and names what the lab lacks', () => {
    const { p, subtle } = setup();
    const key = settle(p, () => subtle.importKey('raw', enc.encode('pw'), 'PBKDF2', false, ['deriveBits'])).value!;
    const params = { name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode('s'), iterations: 1000 };
    expect(settle(p, () => subtle.deriveBits(params, key, 100)).error).toMatchObject({
      name: 'OperationError',
      message: 'length must be a multiple of 8',
    });
    expect(settle(p, () => subtle.deriveBits({ ...params, iterations: 0 }, key, 256)).error).toMatchObject({ name: 'OperationError' });
    expect(settle(p, () => subtle.importKey('raw', enc.encode('pw'), 'PBKDF2', true, ['deriveBits'])).error).toMatchObject({
      name: 'SyntaxError',
    });
    expect(settle(p, () => subtle.sign('HMAC', key, enc.encode('x'))).error).toMatchObject({ name: 'InvalidAccessError' });
    expect(settle(p, () => subtle.importKey('jwk', enc.encode('x'), 'PBKDF2', false, ['deriveBits'])).error).toMatchObject({
      name: 'NotSupportedError',
      message: expect.stringMatching(/'raw' format/),
    });
    const enc2 = settle(p, () => subtle.encrypt());
    expect(enc2.error).toMatchObject({
      name: 'NotSupportedError',
      message: expect.stringMatching(/crypto\.subtle\.encrypt is not available/),
    });
  });
});

describe('crypto.subtle in a service', () => {
  it('a login hashed with globalThis.crypto.subtle verifies against pbkdf2 and leaves the loop free', async () => {
    const code = `
import { pbkdf2Sync, webcrypto } from 'node:crypto';
const stored = pbkdf2Sync('hunter2', 'salt', 100000, 32, 'sha256').toString('hex');
async function hash(password: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode('salt'), iterations: 100000 } as const;
  const bits = await crypto.subtle.deriveBits(params, key, 256);
  return Buffer.from(bits).toString('hex');
}
export default async function routes(app: any) {
  console.log('same subtle', webcrypto.subtle === crypto.subtle);
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => {
    const t0 = Date.now();
    const ok = (await hash('hunter2')) === stored;
    console.log('login', ok, Date.now() - t0);
    return { ok };
  });
}`;
    const s = await runFolder(`${FIXTURES}two-routes`, code, 1, (d) => ({ ...d, load: { ...d.load, durationMs: 1000 } }));
    expect(s.errors).toEqual([]);
    const lines = s.console.map((l) => l.replace(/^\[[\d.]+s\] /, ''));
    expect(lines[0]).toBe('same subtle true');
    const logins = lines.filter((l) => l.startsWith('login'));
    expect(logins.length).toBeGreaterThan(5);
    for (const l of logins) expect(l).toMatch(/^login true (30|31)$/);
    // The derivations ran on the pool: GET /health stays fast.
    expect(s.passed).toBe(true);
  });
});
