/**
 * The run's ledger of derived keys (derivations.ts): every PBKDF2 and scrypt, whichever way
 * the service asked for it, with its inputs and the virtual instants it was asked for and
 * had. Checks trust it as ground truth, so its times must be when the key was really there.
 */
import { describe, expect, it } from 'vitest';
import { createCrypto } from '../../../../../runner/runtime/modules/crypto/crypto.ts';
import { DERIVATIONS_MAX, derivationLedgerOf, DerivationLedger } from '../../../../../runner/runtime/modules/crypto/derivations.ts';
import { PBKDF2_ITERATION_MS } from '../../../../../runner/runtime/modules/crypto/kdf.ts';
import { ThreadPool } from '../../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';

const enc = new TextEncoder();
const hexOf = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const ONE_MS = 100_000 * PBKDF2_ITERATION_MS.sha256;

function setup(poolSize = 1) {
  const p = makePlatform();
  const crypto = createCrypto(p, new ThreadPool(p, { size: poolSize }));
  return { p, crypto, ledger: derivationLedgerOf(p.kernel) };
}

describe('the derivation ledger', () => {
  it('records pbkdf2Sync with its inputs, from the call to the end of its CPU on the main thread', () => {
    const { p, crypto, ledger } = setup();
    p.loop.runNow(() => {
      p.loop.charge(5);
      crypto.pbkdf2Sync('hunter2', Buffer.from('00ff', 'hex'), 100_000, 32, 'SHA256');
    });
    runAll(p);
    expect(ledger.entries).toEqual([
      {
        algorithm: 'pbkdf2',
        call: 'pbkdf2Sync',
        passwordHex: hexOf('hunter2'),
        saltHex: '00ff',
        keylen: 32,
        digest: 'sha256',
        iterations: 100_000,
        startMs: 5,
        endMs: 5 + ONE_MS,
      },
    ]);
  });

  it('records async pbkdf2 when its callback runs: a second call waits for the one pool thread', () => {
    const { p, crypto, ledger } = setup(1);
    const calledBackMs: number[] = [];
    p.loop.runNow(() => {
      for (const pw of ['a', 'b']) crypto.pbkdf2(pw, 'salt', 100_000, 32, 'sha256', () => calledBackMs.push(p.loop.now()));
    });
    expect(ledger.entries).toEqual([]); // nothing is derived until the pool has done the work
    runAll(p);
    expect(ledger.entries.map((d) => [d.call, d.passwordHex, d.startMs])).toEqual([
      ['pbkdf2', hexOf('a'), 0],
      ['pbkdf2', hexOf('b'), 0],
    ]);
    expect(ledger.entries.map((d) => d.endMs)).toEqual(calledBackMs);
    expect(calledBackMs[0]).toBeCloseTo(ONE_MS, 6);
    expect(calledBackMs[1]).toBeCloseTo(2 * ONE_MS, 6);
  });

  it('records subtle.deriveBits and both scrypts', () => {
    const { p, crypto, ledger } = setup(2);
    p.loop.runNow(() => {
      crypto.subtle
        .importKey('raw', enc.encode('pw'), 'PBKDF2', false, ['deriveBits'])
        .then((key) => crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode('s'), iterations: 1000 }, key, 256));
      crypto.scrypt('pw', 's', 16, () => {});
      crypto.scryptSync('pw', 's', 16, { N: 1024 });
    });
    runAll(p);
    const calls = ledger.entries.map((d) => [d.call, d.algorithm, d.iterations ?? d.cost]);
    expect(calls).toEqual([
      ['scryptSync', 'scrypt', { N: 1024, r: 8, p: 1 }],
      ['subtle.deriveBits', 'pbkdf2', 1000],
      ['scrypt', 'scrypt', { N: 16384, r: 8, p: 1 }],
    ]);
    for (const d of ledger.entries) expect(d.endMs).toBeGreaterThan(d.startMs);
  });

  it('does not record a call that throws on its arguments', () => {
    const { p, crypto, ledger } = setup();
    p.loop.runNow(() => {
      expect(() => crypto.pbkdf2Sync('pw', 'salt', 0, 32, 'sha256')).toThrow();
      expect(() => crypto.pbkdf2('pw', 'salt', 1, 32, 'nope', () => {})).toThrow();
    });
    runAll(p);
    expect(ledger.entries).toEqual([]);
  });

  it('is one per run: two runs never see each other’s keys', () => {
    const a = setup();
    const b = setup();
    a.p.loop.runNow(() => a.crypto.pbkdf2Sync('pw', 'salt', 1, 32, 'sha256'));
    runAll(a.p);
    expect(a.ledger.entries.length).toBe(1);
    expect(b.ledger.entries.length).toBe(0);
    expect(derivationLedgerOf(a.p.kernel)).toBe(a.ledger);
  });

  it('keeps at most DERIVATIONS_MAX entries and counts the rest', () => {
    const ledger = new DerivationLedger();
    const q = { password: enc.encode('pw'), salt: enc.encode('s'), iterations: 1, keylen: 1, digest: 'sha256' };
    for (let i = 0; i < DERIVATIONS_MAX + 3; i++) ledger.pbkdf2(q, 'pbkdf2Sync', i, i);
    expect(ledger.entries.length).toBe(DERIVATIONS_MAX);
    expect(ledger.dropped).toBe(3);
    expect(Object.isFrozen(ledger.entries[0])).toBe(true);
  });
});
