/**
 * PBKDF2 and scrypt for the simulated `node:crypto`: Node's argument checks, a virtual CPU
 * cost calibrated on the real thing, and a stand-in derived key.
 *
 * Cost (one core):
 * - PBKDF2: `iterations × blocks × PBKDF2_ITERATION_MS[digest]`, where blocks =
 *   ceil(keylen / digest length), as in RFC 8018 (a 64-byte sha256 key costs twice a 32-byte
 *   one). pbkdf2-sha256 at 100 000 iterations ≈ 30 ms; sha512 ≈ 1.5×, sha1 ≈ 0.7× per iteration.
 * - scrypt: `N × r × p × SCRYPT_MS_PER_NRP`; Node's defaults (N=16384, r=8, p=1) ≈ 50 ms.
 *
 * The derived key is NOT the RFC 8018 / RFC 7914 value. The real computation in pure JS
 * takes about 100 ms of wall time per 100 000-iteration call, far too slow for a simulator
 * that verifies thousands of logins per run. Instead the key is one HMAC-SHA256 over a
 * canonical encoding of every input (algorithm, password, salt, iterations or N/r/p, keylen,
 * digest), expanded to keylen in counter mode. It is deterministic and depends on every
 * input, so the behaviour a service can observe is Node's: the same inputs give the same key,
 * and lowering the iteration count, changing the salt or the digest changes the key, so
 * stored hashes stop verifying, exactly as they would in production.
 *
 * Except for the inputs of a scenario's seed data: their real keys are precomputed
 * (known-keys.ts), so the hashes a scenario stores are the RFC 8018 values, which a correct
 * PBKDF2 written in plain JavaScript derives too, and pbkdf2 returns those.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Buffer } from '../buffer/buffer.ts';
import { canonicalDigest, DIGESTS, inputBytes } from './hash.ts';
import { codedError, invalidArgType, nodeError, validateInt32 } from '../node-errors.ts';
import type { KnownPbkdf2Keys } from './known-keys.ts';

/** Virtual CPU per PBKDF2 iteration of one output block, by digest (sha256: 30 ms per 100 000). */
export const PBKDF2_ITERATION_MS: Readonly<Record<string, number>> = {
  sha256: 0.0003,
  sha224: 0.0003,
  sha512: 0.00045,
  sha384: 0.00045,
  sha1: 0.00021,
  md5: 0.00018,
};
/** Virtual CPU per unit of N·r·p for scrypt: N=16384, r=8, p=1 costs 50 ms. */
export const SCRYPT_MS_PER_NRP = 50 / (16384 * 8);
/** Node's scrypt defaults. */
export const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1, maxmem: 32 * 1024 * 1024 } as const;

export interface Pbkdf2Params {
  password: Uint8Array;
  salt: Uint8Array;
  iterations: number;
  keylen: number;
  /** Canonical digest name (sha256, sha512, ...). */
  digest: string;
}

export interface ScryptParams {
  password: Uint8Array;
  salt: Uint8Array;
  keylen: number;
  N: number;
  r: number;
  p: number;
}

/** Node's `check()` in lib/internal/crypto/pbkdf2.js, in the same order. */
export function checkPbkdf2(password: unknown, salt: unknown, iterations: unknown, keylen: unknown, digest: unknown): Pbkdf2Params {
  if (typeof digest !== 'string') throw invalidArgType('digest', 'of type string', digest);
  const params = {
    password: copyOf(inputBytes(password, 'password', undefined, true)),
    salt: copyOf(inputBytes(salt, 'salt', undefined, true)),
    iterations: validateInt32(iterations, 'iterations', 1),
    keylen: validateInt32(keylen, 'keylen', 0),
  };
  const name = canonicalDigest(digest);
  if (!name) throw codedError(TypeError, 'ERR_CRYPTO_INVALID_DIGEST', `Invalid digest: ${digest}`);
  return { ...params, digest: name };
}

export function pbkdf2CostMs(params: Pbkdf2Params): number {
  const blocks = Math.ceil(params.keylen / DIGESTS[params.digest].outputLen);
  return params.iterations * blocks * PBKDF2_ITERATION_MS[params.digest];
}

/** Node's scrypt `check()`: options N|cost, r|blockSize, p|parallelization, maxmem. */
export function checkScrypt(password: unknown, salt: unknown, keylen: unknown, options: unknown): ScryptParams {
  const pw = copyOf(inputBytes(password, 'password', undefined, true));
  const saltBytes = copyOf(inputBytes(salt, 'salt', undefined, true));
  const len = validateInt32(keylen, 'keylen', 0);
  const o = (options ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object') throw invalidArgType('options', 'of type object', options);
  const N = option(o, 'N', 'cost', SCRYPT_DEFAULTS.N);
  const r = option(o, 'r', 'blockSize', SCRYPT_DEFAULTS.r);
  const p = option(o, 'p', 'parallelization', SCRYPT_DEFAULTS.p);
  const maxmem = o.maxmem === undefined ? SCRYPT_DEFAULTS.maxmem : uint(o.maxmem, 'maxmem', 2 ** 53 - 1);
  if (N < 2 || (N & (N - 1)) !== 0) throw scryptParams(`N must be a power of 2 greater than 1, got ${N}`);
  if (r < 1 || p < 1 || r * p >= 2 ** 30) throw scryptParams(`r and p must be >= 1 with r * p < 2^30, got r=${r}, p=${p}`);
  // OpenSSL's memory bound: the V array (128·r·(N+2) bytes) plus B (128·r·p bytes).
  const memBytes = 128 * r * (N + 2 + p);
  if (memBytes > maxmem) {
    throw scryptParams(
      `memory limit exceeded: N=${N}, r=${r}, p=${p} needs ${memBytes} bytes but maxmem is ${maxmem}; pass a larger maxmem`,
    );
  }
  return { password: pw, salt: saltBytes, keylen: len, N, r, p };
}

export function scryptCostMs(params: ScryptParams): number {
  return params.N * params.r * params.p * SCRYPT_MS_PER_NRP;
}

function option(o: Record<string, unknown>, name: string, alias: string, fallback: number): number {
  if (o[name] !== undefined && o[alias] !== undefined) {
    throw nodeError(TypeError, 'ERR_INCOMPATIBLE_OPTION_PAIR', `Option "${name}" cannot be used in combination with option "${alias}"`);
  }
  const v = o[name] ?? o[alias];
  return v === undefined ? fallback : uint(v, name, 2 ** 32 - 1);
}

function uint(v: unknown, name: string, max: number): number {
  if (typeof v !== 'number') throw invalidArgType(name, 'of type number', v);
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be >= 0 && <= ${max}. Received ${v}`);
  }
  return v;
}

function scryptParams(detail: string): Error {
  return codedError(RangeError, 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS', `Invalid scrypt params: ${detail}`);
}

/** Node copies the inputs when the job is created; later changes by the caller do not count. */
function copyOf(bytes: Uint8Array): Uint8Array {
  return bytes.slice();
}

/** The HMAC key of the stand-in derivation; versioned so a change of scheme is deliberate. */
const STAND_IN_KEY = new TextEncoder().encode('tailspin stand-in kdf v1');
const encoder = new TextEncoder();

/**
 * Derives stand-in keys (see the module comment), memoized in a bounded LRU map because
 * the same users log in again and again, and returns the real key where it is precomputed.
 */
export class StandInKdf {
  private readonly memo = new Map<string, Uint8Array>();
  hits = 0;

  /**
   * `entriesMax` bounds the memo; the least recently used entry goes first. `known`: the
   * run's precomputed real keys (known-keys.ts).
   */
  constructor(
    readonly entriesMax = 10_000,
    private readonly known?: KnownPbkdf2Keys,
  ) {}

  pbkdf2(q: Pbkdf2Params): Buffer {
    // A real key's first bytes do not depend on keylen (RFC 8018): a prefix of it, or all of
    // it followed by stand-in bytes.
    const real = this.known?.get(q);
    if (real && real.length >= q.keylen) return Buffer.from(real.subarray(0, q.keylen));
    const key = this.derive(['pbkdf2', q.digest, q.iterations, q.keylen, q.password, q.salt], q.keylen);
    if (real) key.set(real);
    return key;
  }

  scrypt(q: ScryptParams): Buffer {
    return this.derive(['scrypt', q.N, q.r, q.p, q.keylen, q.password, q.salt], q.keylen);
  }

  get size(): number {
    return this.memo.size;
  }

  private derive(parts: (string | number | Uint8Array)[], keylen: number): Buffer {
    const encoding = canonicalEncoding(parts);
    const memoKey = latin1(encoding);
    let key = this.memo.get(memoKey);
    if (key) {
      this.hits++;
      this.memo.delete(memoKey);
    } else {
      key = expand(hmac(sha256, STAND_IN_KEY, encoding), keylen);
      if (this.memo.size >= this.entriesMax) this.memo.delete(this.memo.keys().next().value as string);
    }
    this.memo.set(memoKey, key);
    // A copy: the caller owns (and may overwrite) the Buffer it gets.
    return Buffer.from(key);
  }
}

/** Each part length-prefixed (u32 big-endian), so no two input tuples encode alike. */
function canonicalEncoding(parts: (string | number | Uint8Array)[]): Uint8Array {
  const bytes = parts.map((x) => (x instanceof Uint8Array ? x : encoder.encode(String(x))));
  const out = new Uint8Array(bytes.reduce((n, b) => n + 4 + b.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const b of bytes) {
    view.setUint32(at, b.length);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  return out;
}

/** Counter-mode expansion: block i = HMAC-SHA256(prk, i as u32 big-endian). */
function expand(prk: Uint8Array, keylen: number): Uint8Array {
  const out = new Uint8Array(keylen);
  const counter = new Uint8Array(4);
  for (let i = 0, at = 0; at < keylen; i++, at += 32) {
    new DataView(counter.buffer).setUint32(0, i + 1);
    const block = hmac(sha256, prk, counter);
    out.set(block.subarray(0, Math.min(32, keylen - at)), at);
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
