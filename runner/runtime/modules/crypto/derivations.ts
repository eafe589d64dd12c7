/**
 * The key derivations a run's service really made: each PBKDF2 or scrypt its `node:crypto`
 * or `crypto.subtle` computed, with its inputs and when it ran, on the main thread, the thread
 * pool or a worker. Checks read it (CheckDb `derivations`) as they read a downstream's ledger:
 * ground truth the service cannot write. A login answered from a table of known passwords,
 * from a cache of earlier verifications, or before its key was derived is right by its status
 * and wrong by this ledger.
 *
 * One ledger per run, found by the run's kernel, like the precomputed keys (known-keys.ts).
 */
import type { Pbkdf2Params, ScryptParams } from './kdf.ts';

/** How the service asked for the key. */
export type DerivationCall = 'pbkdf2' | 'pbkdf2Sync' | 'subtle.deriveBits' | 'scrypt' | 'scryptSync';

/** One derived key, as a check sees it. */
export interface KeyDerivation {
  algorithm: 'pbkdf2' | 'scrypt';
  call: DerivationCall;
  /** The inputs as bytes, lowercase hex (a string password is its UTF-8). */
  passwordHex: string;
  saltHex: string;
  keylen: number;
  /** PBKDF2 only: the digest's Node name (`sha256`) and the iteration count. */
  digest?: string;
  iterations?: number;
  /** scrypt only: its cost parameters. */
  cost?: { N: number; r: number; p: number };
  /** Virtual ms: when the service asked for the key, and when it had it. */
  startMs: number;
  endMs: number;
}

/**
 * Entries kept per run: far above any service's logins (a few thousand), so only a service
 * that derives keys in a loop reaches it; it then loses its own later entries, never anyone's
 * verdict but its own.
 */
export const DERIVATIONS_MAX = 200_000;

export class DerivationLedger {
  readonly entries: KeyDerivation[] = [];
  /** Derivations past DERIVATIONS_MAX, counted but not kept. */
  dropped = 0;

  pbkdf2(q: Pbkdf2Params, call: DerivationCall, startMs: number, endMs: number): void {
    this.add({
      algorithm: 'pbkdf2',
      call,
      passwordHex: hex(q.password),
      saltHex: hex(q.salt),
      keylen: q.keylen,
      digest: q.digest,
      iterations: q.iterations,
      startMs,
      endMs,
    });
  }

  scrypt(q: ScryptParams, call: DerivationCall, startMs: number, endMs: number): void {
    this.add({
      algorithm: 'scrypt',
      call,
      passwordHex: hex(q.password),
      saltHex: hex(q.salt),
      keylen: q.keylen,
      cost: { N: q.N, r: q.r, p: q.p },
      startMs,
      endMs,
    });
  }

  private add(entry: KeyDerivation): void {
    if (this.entries.length >= DERIVATIONS_MAX) this.dropped++;
    else this.entries.push(Object.freeze(entry));
  }
}

const byRun = new WeakMap<object, DerivationLedger>();

/** The ledger of the run whose kernel is `kernel`, made at its first use. */
export function derivationLedgerOf(kernel: object): DerivationLedger {
  let ledger = byRun.get(kernel);
  if (!ledger) {
    ledger = new DerivationLedger();
    byRun.set(kernel, ledger);
  }
  return ledger;
}

/** Lowercase hex of `bytes`. */
export function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}
