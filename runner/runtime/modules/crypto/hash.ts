/**
 * `crypto.createHash` and `crypto.createHmac`: real digests (noble-hashes, pure JS) whose CPU
 * is charged to the main thread in virtual time. Cost model: a call costs
 * `HASH_CALL_MS` (0.002 ms: object setup and finalisation) plus its bytes at
 * `HASH_BYTES_PER_MS` (500 MB/s, OpenSSL's SHA-256 speed on one core), so hashing a request
 * body is nearly free and hashing a 50 MB upload blocks the loop for 100 ms, as in Node.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { Buffer, type BufferEncoding } from '../buffer/buffer.ts';
import { codedError, invalidArgType, nodeError } from '../node-errors.ts';
import { hardenPlatform } from '../../harden-platform.ts';

/** Fixed CPU per hash or HMAC computation (setup and finalisation). */
export const HASH_CALL_MS = 0.002;
/** Hashing throughput: 500 MB/s, i.e. 500 000 bytes per virtual millisecond. */
export const HASH_BYTES_PER_MS = 500_000;

/** The digests the simulator implements, by Node's (OpenSSL's) lower-case name. */
export const DIGESTS: Readonly<Record<string, CHash>> = { md5, sha1, sha224, sha256, sha384, sha512 };

/** OpenSSL accepts `SHA256`, `sha-256` and `RSA-SHA256` for sha256; returns the canonical name or undefined. */
export function canonicalDigest(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  let n = name.toLowerCase();
  if (n.startsWith('rsa-')) n = n.slice(4);
  if (/^sha-\d+$/.test(n)) n = n.replace('-', '');
  return Object.hasOwn(DIGESTS, n) ? n : undefined;
}

export function hashCostMs(bytes: number): number {
  return HASH_CALL_MS + bytes / HASH_BYTES_PER_MS;
}

/** A string (in `encoding`) or binary input as bytes, viewing binary input without copying. */
export function inputBytes(data: unknown, name: string, encoding?: unknown, allowArrayBuffer = false): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (allowArrayBuffer && data instanceof ArrayBuffer) return new Uint8Array(data);
  const kinds = allowArrayBuffer ? 'ArrayBuffer, Buffer, TypedArray, or DataView' : 'Buffer, TypedArray, or DataView';
  throw invalidArgType(name, `of type string or an instance of ${kinds}`, data);
}

export type Charge = (ms: number) => void;

interface Digestible {
  update(buf: Uint8Array): unknown;
  digest(): Uint8Array;
}

function output(bytes: Uint8Array, encoding: unknown): Buffer | string {
  const buf = Buffer.from(bytes);
  return encoding === undefined || encoding === 'buffer' ? buf : buf.toString(encoding as BufferEncoding);
}

function finalized(): Error {
  return nodeError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
}

/** The hash state and the CPU charge are private: the service holds this object. */
export class Hash {
  #done = false;
  readonly #state: Digestible & { clone(): Digestible };
  readonly #charge: Charge;

  constructor(state: Digestible & { clone(): Digestible }, charge: Charge) {
    this.#state = state;
    this.#charge = charge;
  }

  update(data: string | ArrayBufferView, inputEncoding?: BufferEncoding): this {
    if (this.#done) throw finalized();
    const bytes = inputBytes(data, 'data', inputEncoding);
    this.#charge(bytes.length / HASH_BYTES_PER_MS);
    this.#state.update(bytes);
    return this;
  }

  digest(): Buffer;
  digest(encoding: BufferEncoding): string;
  digest(encoding?: BufferEncoding | 'buffer'): Buffer | string {
    if (this.#done) throw finalized();
    this.#done = true;
    this.#charge(HASH_CALL_MS);
    return output(this.#state.digest(), encoding);
  }

  /** An independent hash with this one's state so far (Node 13+). */
  copy(): Hash {
    if (this.#done) throw finalized();
    return new Hash(this.#state.clone() as Digestible & { clone(): Digestible }, this.#charge);
  }
}
hardenPlatform(Hash);

export class Hmac {
  #done = false;
  readonly #state: Digestible;
  readonly #charge: Charge;

  constructor(state: Digestible, charge: Charge) {
    this.#state = state;
    this.#charge = charge;
  }

  update(data: string | ArrayBufferView, inputEncoding?: BufferEncoding): this {
    if (this.#done) throw finalized();
    const bytes = inputBytes(data, 'data', inputEncoding);
    this.#charge(bytes.length / HASH_BYTES_PER_MS);
    this.#state.update(bytes);
    return this;
  }

  digest(): Buffer;
  digest(encoding: BufferEncoding): string;
  digest(encoding?: BufferEncoding | 'buffer'): Buffer | string {
    // Node returns an empty digest on a second call rather than throwing.
    if (this.#done) return output(new Uint8Array(0), encoding);
    this.#done = true;
    this.#charge(HASH_CALL_MS);
    return output(this.#state.digest(), encoding);
  }
}
hardenPlatform(Hmac);

export function createHash(algorithm: unknown, charge: Charge): Hash {
  if (typeof algorithm !== 'string') throw invalidArgType('algorithm', 'of type string', algorithm);
  const name = canonicalDigest(algorithm);
  if (!name) {
    const err = new Error(`Digest method not supported: ${algorithm} (the simulator has ${Object.keys(DIGESTS).join(', ')})`);
    throw err;
  }
  return new Hash(DIGESTS[name].create() as Digestible & { clone(): Digestible }, charge);
}

export function createHmac(algorithm: unknown, key: unknown, charge: Charge): Hmac {
  if (typeof algorithm !== 'string') throw invalidArgType('hmac', 'of type string', algorithm);
  const name = canonicalDigest(algorithm);
  if (!name) throw codedError(TypeError, 'ERR_CRYPTO_INVALID_DIGEST', `Invalid digest: ${algorithm}`);
  const keyBytes = inputBytes(key, 'key', undefined, true);
  return new Hmac(hmac.create(DIGESTS[name], keyBytes) as Digestible, charge);
}
