/**
 * The simulated `node:crypto` subset. What matters for the lab is where the CPU goes:
 * `pbkdf2Sync`/`scryptSync` charge their cost to the main thread and block every other
 * callback behind them; `pbkdf2`/`scrypt` (and `randomBytes` with a callback) run on the
 * libuv thread pool, so the loop stays free but only `threadPool.size` derivations run at
 * once. Hashes and HMACs are real (noble-hashes). Randomness comes from the run's seed
 * (random.ts), so it replays.
 *
 * The keys pbkdf2 and scrypt return are NOT the RFC 8018 / RFC 7914 values: computing those
 * in pure JS would cost ~100 ms of wall time per login. They are a cheap deterministic
 * function of every input (see kdf.ts), so the same inputs give the same key and
 * changing the iterations, salt, digest or key length changes it, as it does in Node.
 * The exception is the scenario's seed data, whose real PBKDF2 keys are precomputed
 * (known-keys.ts): for those inputs pbkdf2 returns the real key, at the same virtual cost.
 *
 * Virtual costs (one core): pbkdf2-sha256 100 000 iterations ≈ 30 ms per output block (a
 * block is the digest's length, 32 bytes for sha256; sha512 1.5×, sha1 0.7× per iteration); scrypt N=16384 r=8 p=1 ≈ 50 ms, ∝ N·r·p;
 * createHash/createHmac 0.002 ms + bytes at 500 MB/s; random bytes 0.001 ms + bytes at 1 GB/s.
 */
import { Buffer, type BufferEncoding } from '../buffer/buffer.ts';
import { createHash, createHmac, DIGESTS, type Hash, hashCostMs, type Hmac, inputBytes } from './hash.ts';
import { checkPbkdf2, checkScrypt, pbkdf2CostMs, scryptCostMs, StandInKdf } from './kdf.ts';
import { createSubtle, type Subtle } from './subtle.ts';
import { type KnownPbkdf2Keys, precomputedPbkdf2Of } from './known-keys.ts';
import { derivationLedgerOf } from './derivations.ts';
import { fillRandom, RANDOM_INT_RANGE_MAX, randomIntIn, uuidV4 } from './random.ts';
import { codedError, invalidArgType, outOfRange, validateFunction } from '../node-errors.ts';
import type { Platform } from '../../platform.ts';
import type { ThreadPool } from '../../process/thread-pool.ts';

export { HASH_BYTES_PER_MS, HASH_CALL_MS } from './hash.ts';
export { PBKDF2_ITERATION_MS, SCRYPT_DEFAULTS, SCRYPT_MS_PER_NRP } from './kdf.ts';

/** Fixed CPU of a random-bytes call (a read from OpenSSL's DRBG). */
export const RANDOM_CALL_MS = 0.001;
/** DRBG throughput: about 1 GB/s. */
export const RANDOM_BYTES_PER_MS = 1_000_000;
/** `randomUUID` draws from a pre-filled cache in Node: a fraction of a microsecond. */
export const RANDOM_UUID_MS = 0.0002;
/** Largest `randomBytes` size (Node's buffer.constants.MAX_LENGTH on 32-bit int). */
const RANDOM_BYTES_MAX = 2 ** 31 - 1;
/** Web Crypto's per-call limit for getRandomValues. */
const GET_RANDOM_VALUES_BYTES_MAX = 65_536;

export interface CryptoOptions {
  /** Stand-in derived keys memoized (LRU): hot users log in again and again. */
  kdfMemoEntriesMax?: number;
  /** Real PBKDF2 keys to return for their inputs; by default the run's (known-keys.ts). */
  knownKeys?: KnownPbkdf2Keys;
}

type KeyCallback = (err: Error | null, derivedKey: Buffer) => void;
type BinaryLike = string | ArrayBuffer | ArrayBufferView;

export interface ScryptOptions {
  /** CPU/memory cost, a power of 2 (default 16384); cost ∝ N. */
  N?: number;
  /** Alias of N. */
  cost?: number;
  /** Block size (default 8); cost and memory ∝ r. */
  r?: number;
  /** Alias of r. */
  blockSize?: number;
  /** Parallelization (default 1); cost ∝ p. */
  p?: number;
  /** Alias of p. */
  parallelization?: number;
  /** Memory bound in bytes (default 32 MiB): 128·r·(N+p+2) above it throws, as in OpenSSL. */
  maxmem?: number;
}

export interface CryptoApi {
  pbkdf2(password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string, callback: KeyCallback): void;
  pbkdf2Sync(password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string): Buffer;
  scrypt(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions | KeyCallback, callback?: KeyCallback): void;
  scryptSync(password: BinaryLike, salt: BinaryLike, keylen: number, options?: ScryptOptions): Buffer;
  randomBytes(size: number): Buffer;
  randomBytes(size: number, callback: (err: Error | null, buf: Buffer) => void): void;
  randomFillSync<T extends ArrayBufferView>(buf: T, offset?: number, size?: number): T;
  randomUUID(options?: { disableEntropyCache?: boolean }): string;
  randomInt(max: number): number;
  randomInt(min: number, max: number): number;
  randomInt(max: number, callback: (err: Error | undefined, n: number) => void): void;
  randomInt(min: number, max: number, callback: (err: Error | undefined, n: number) => void): void;
  getRandomValues<T extends ArrayBufferView>(array: T): T;
  createHash(algorithm: string, options?: object): Hash;
  createHmac(algorithm: string, key: BinaryLike, options?: object): Hmac;
  /** One-shot `crypto.hash(algorithm, data, outputEncoding = 'hex')` (Node 21.7+). */
  hash(algorithm: string, data: string | ArrayBufferView, outputEncoding?: BufferEncoding | 'buffer'): string | Buffer;
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
  getHashes(): string[];
  /** Web Crypto, as globalThis.crypto too: getRandomValues, randomUUID and subtle (subtle.ts). */
  webcrypto: { getRandomValues<T extends ArrayBufferView>(array: T): T; randomUUID(): string; subtle: Subtle; CryptoKey: unknown };
  /** `require('crypto').subtle`, the same object as `webcrypto.subtle`. */
  subtle: Subtle;
  constants: Record<string, number>;
}

export function createCrypto(p: Platform, threadPool: ThreadPool, options: CryptoOptions = {}): CryptoApi {
  const rng = p.rng.fork('crypto');
  const kdf = new StandInKdf(options.kdfMemoEntriesMax, options.knownKeys ?? precomputedPbkdf2Of(p.kernel));
  const charge = (ms: number): void => p.loop.charge(ms, 'crypto');
  const derivations = derivationLedgerOf(p.kernel);
  const randomCostMs = (bytes: number): number => RANDOM_CALL_MS + bytes / RANDOM_BYTES_PER_MS;

  function randomBytes(size: number): Buffer;
  function randomBytes(size: number, callback: (err: Error | null, buf: Buffer) => void): void;
  function randomBytes(size: unknown, callback?: unknown): Buffer | void {
    if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size);
    if (!(size >= 0 && size <= RANDOM_BYTES_MAX)) throw outOfRange('size', `>= 0 && <= ${RANDOM_BYTES_MAX}`, size);
    if (callback !== undefined) validateFunction(callback, 'callback');
    const buf = Buffer.alloc(Math.floor(size));
    fillRandom(rng, buf);
    if (callback === undefined) {
      charge(randomCostMs(buf.length));
      return buf;
    }
    const cb = callback as (err: Error | null, buf: Buffer) => void;
    threadPool.submit(randomCostMs(buf.length), () => cb(null, buf), 'randomBytes');
  }

  function randomInt(...args: unknown[]): number | void {
    const minGiven = args[1] !== undefined && typeof args[1] !== 'function';
    const [min, max, callback] = minGiven ? args : [0, args[0], args[1]];
    if (callback !== undefined) validateFunction(callback, 'callback');
    if (!Number.isSafeInteger(min)) throw invalidArgType('min', 'a safe integer', min);
    if (!Number.isSafeInteger(max)) throw invalidArgType('max', 'a safe integer', max);
    const lo = min as number;
    const hi = max as number;
    if (hi <= lo) throw outOfRange('max', `greater than the value of "min" (${lo})`, hi);
    if (hi - lo > RANDOM_INT_RANGE_MAX) throw outOfRange(minGiven ? 'max - min' : 'max', `<= ${RANDOM_INT_RANGE_MAX}`, hi - lo);
    const n = randomIntIn(rng, lo, hi - lo);
    if (callback === undefined) return n;
    // Node answers from its random cache on the next tick.
    p.jobs.enqueueTick(() => (callback as (err: undefined, n: number) => void)(undefined, n));
  }

  function getRandomValues<T extends ArrayBufferView>(array: T): T {
    const integer =
      array instanceof Int8Array ||
      array instanceof Uint8Array ||
      array instanceof Uint8ClampedArray ||
      array instanceof Int16Array ||
      array instanceof Uint16Array ||
      array instanceof Int32Array ||
      array instanceof Uint32Array ||
      array instanceof BigInt64Array ||
      array instanceof BigUint64Array;
    if (!integer) {
      throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
    }
    if (array.byteLength > GET_RANDOM_VALUES_BYTES_MAX) {
      throw new DOMException(
        `The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (${GET_RANDOM_VALUES_BYTES_MAX})`,
        'QuotaExceededError',
      );
    }
    fillRandom(rng, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    charge(randomCostMs(array.byteLength));
    return array;
  }

  const randomUUID = (): string => {
    charge(RANDOM_UUID_MS);
    return uuidV4(rng);
  };

  const web = createSubtle(p, threadPool, kdf);

  return {
    pbkdf2(password, salt, iterations, keylen, digest, callback) {
      // pbkdf2(pw, salt, iterations, keylen, cb): the classic missing digest, reported as Node does.
      if (typeof digest === 'function') [callback, digest] = [digest as KeyCallback, undefined as unknown as string];
      const q = checkPbkdf2(password, salt, iterations, keylen, digest);
      validateFunction(callback, 'callback');
      const key = kdf.pbkdf2(q);
      const startMs = p.loop.now();
      const done = (): void => {
        derivations.pbkdf2(q, 'pbkdf2', startMs, p.loop.now());
        callback(null, key);
      };
      threadPool.submit(pbkdf2CostMs(q), done, 'pbkdf2');
    },
    pbkdf2Sync(password, salt, iterations, keylen, digest) {
      const q = checkPbkdf2(password, salt, iterations, keylen, digest);
      const startMs = p.loop.now();
      charge(pbkdf2CostMs(q));
      derivations.pbkdf2(q, 'pbkdf2Sync', startMs, p.loop.now());
      return kdf.pbkdf2(q);
    },
    scrypt(password, salt, keylen, options, callback?) {
      if (typeof options === 'function') [callback, options] = [options, {}];
      const q = checkScrypt(password, salt, keylen, options);
      validateFunction(callback, 'callback');
      const cb = callback;
      const key = kdf.scrypt(q);
      const startMs = p.loop.now();
      const done = (): void => {
        derivations.scrypt(q, 'scrypt', startMs, p.loop.now());
        cb(null, key);
      };
      threadPool.submit(scryptCostMs(q), done, 'scrypt');
    },
    scryptSync(password, salt, keylen, options) {
      const q = checkScrypt(password, salt, keylen, options);
      const startMs = p.loop.now();
      charge(scryptCostMs(q));
      derivations.scrypt(q, 'scryptSync', startMs, p.loop.now());
      return kdf.scrypt(q);
    },
    randomBytes,
    randomFillSync(buf, offset = 0, size) {
      if (!ArrayBuffer.isView(buf)) throw invalidArgType('buf', 'an instance of ArrayBuffer or ArrayBufferView', buf);
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      const n = size ?? bytes.length - offset;
      if (!(offset >= 0 && n >= 0 && offset + n <= bytes.length)) throw outOfRange('offset + size', `<= ${bytes.length}`, offset + n);
      fillRandom(rng, bytes.subarray(offset, offset + n));
      charge(randomCostMs(n));
      return buf;
    },
    randomUUID,
    randomInt: randomInt as CryptoApi['randomInt'],
    getRandomValues,
    createHash: (algorithm) => createHash(algorithm, charge),
    createHmac: (algorithm, key) => createHmac(algorithm, key, charge),
    hash(algorithm, data, outputEncoding = 'hex') {
      const bytes = inputBytes(data, 'data');
      const h = createHash(algorithm, () => {});
      charge(hashCostMs(bytes.length));
      h.update(bytes);
      return outputEncoding === 'buffer' ? h.digest() : h.digest(outputEncoding);
    },
    timingSafeEqual(a, b) {
      const x = bytesOf(a, 'buf1');
      const y = bytesOf(b, 'buf2');
      if (x.length !== y.length) {
        throw codedError(RangeError, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length');
      }
      let diff = 0;
      for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
      return diff === 0;
    },
    getHashes: () => Object.keys(DIGESTS).sort(),
    webcrypto: { getRandomValues, randomUUID, subtle: web.subtle, CryptoKey: web.CryptoKey },
    subtle: web.subtle,
    constants: {},
  };
}

function bytesOf(v: unknown, name: string): Uint8Array {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw invalidArgType(name, 'an instance of ArrayBuffer, Buffer, TypedArray, or DataView', v);
}
