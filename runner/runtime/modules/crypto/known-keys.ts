/**
 * Real PBKDF2 keys a scenario computed ahead of time for its seed data (`platform.crypto.
 * precomputedPbkdf2`). The lab's pbkdf2 returns a cheap stand-in key (kdf.ts), which a
 * correct PBKDF2 written in the service's own JavaScript can never reproduce; so a scenario
 * that stores password hashes stores the real ones, and for exactly those inputs (password,
 * salt, iterations, digest) the simulated pbkdf2, pbkdf2Sync and subtle.deriveBits return
 * the real key, at their usual virtual cost. Every other input keeps the stand-in, which
 * differs from every real key (it is an HMAC of the inputs under a key of the lab's own).
 *
 * As in RFC 8018, a key's first bytes do not depend on the length asked for: a shorter
 * request gets a prefix of the real key, a longer one the real key followed by stand-in bytes.
 *
 * One table per run, found by the run's kernel (run.ts provides it), so every crypto module
 * of the run (the main thread's and any worker's) sees it and nothing outlives the run.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { canonicalDigest } from './hash.ts';
import { hex } from './derivations.ts';
import type { Pbkdf2Params } from './kdf.ts';

/** One precomputed derivation: `pbkdf2Sync(password, salt, iterations, keyHex.length / 2, digest)` in Node. */
export interface PrecomputedPbkdf2 {
  /** The password as the service passes it, a string (UTF-8). */
  password: string;
  saltHex: string;
  iterations: number;
  /** Node's digest name: 'sha256', 'sha512', … */
  digest: string;
  /** The real derived key, hex. */
  keyHex: string;
}

const HEX = /^(?:[0-9a-f]{2})*$/;
const encoder = new TextEncoder();

/** The keys of one list of derivations, by their inputs. */
export class KnownPbkdf2Keys {
  readonly #byInputs = new Map<string, Uint8Array>();

  /** Throws, naming the entry, on a malformed one: the scenario author's mistake. */
  constructor(entries: readonly PrecomputedPbkdf2[]) {
    entries.forEach((e, i) => {
      const digest = typeof e?.digest === 'string' ? canonicalDigest(e.digest) : undefined;
      const bad =
        typeof e?.password !== 'string'
          ? 'password must be a string'
          : typeof e.saltHex !== 'string' || !HEX.test(e.saltHex)
            ? 'saltHex must be lowercase hex'
            : !Number.isInteger(e.iterations) || e.iterations < 1
              ? 'iterations must be a whole number from 1'
              : !digest
                ? `digest ${String(e.digest)} is not one Node knows`
                : typeof e.keyHex !== 'string' || !HEX.test(e.keyHex) || e.keyHex.length === 0
                  ? 'keyHex must be lowercase hex, at least one byte'
                  : undefined;
      if (bad) throw new TypeError(`platform.crypto.precomputedPbkdf2[${i}]: ${bad}`);
      this.#byInputs.set(inputsKey(encoder.encode(e.password), hexToBytes(e.saltHex), e.iterations, digest!), hexToBytes(e.keyHex));
    });
  }

  get size(): number {
    return this.#byInputs.size;
  }

  /** The real key's bytes for these inputs (as long as precomputed, whatever `q.keylen`), or undefined. */
  get(q: Pbkdf2Params): Uint8Array | undefined {
    if (this.#byInputs.size === 0) return undefined;
    return this.#byInputs.get(inputsKey(q.password, q.salt, q.iterations, q.digest));
  }
}

function inputsKey(password: Uint8Array, salt: Uint8Array, iterations: number, digest: string): string {
  return `${digest} ${iterations} ${hex(password)} ${hex(salt)}`;
}

/** Tables already indexed, by the scenario's list: a scenario's list is built once, runs reuse it. */
const indexed = new WeakMap<readonly PrecomputedPbkdf2[], KnownPbkdf2Keys>();
/** The table of each run, by its kernel. */
const byRun = new WeakMap<object, KnownPbkdf2Keys>();

/** Makes `entries` the precomputed keys of the run whose kernel is `kernel`. */
export function providePrecomputedPbkdf2(kernel: object, entries: readonly PrecomputedPbkdf2[] | undefined): void {
  if (!entries || entries.length === 0) return;
  let keys = indexed.get(entries);
  if (!keys) {
    keys = new KnownPbkdf2Keys(entries);
    indexed.set(entries, keys);
  }
  byRun.set(kernel, keys);
}

/** The precomputed keys of the run whose kernel is `kernel`, if its scenario has any. */
export function precomputedPbkdf2Of(kernel: object): KnownPbkdf2Keys | undefined {
  return byRun.get(kernel);
}
