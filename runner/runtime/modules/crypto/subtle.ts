/**
 * `crypto.subtle` (globalThis.crypto.subtle, and node:crypto's `webcrypto.subtle` and
 * `subtle`): the subset services use to hash passwords and sign tokens without a library.
 * `digest`, `importKey('raw')` for PBKDF2 and HMAC, `deriveBits` with PBKDF2, `sign`/`verify`
 * with HMAC, `exportKey('raw')` of an HMAC key. Anything else rejects with NotSupportedError
 * naming the method and what to use instead.
 *
 * As in Node, every operation is a crypto job on the libuv thread pool: the promise settles
 * from the pool's completion callback, so a burst of `deriveBits` queues for the pool's
 * threads exactly like async `crypto.pbkdf2`, at the same cost (kdf.ts), and derives the same
 * stand-in key (or the precomputed real one, known-keys.ts): `deriveBits({ name: 'PBKDF2',
 * hash: 'SHA-256', ... }, key, 256)` equals `pbkdf2Sync(password, salt, iterations, 32,
 * 'sha256')`, as it does in real Node.
 */
import type { Platform } from '../../platform.ts';
import type { ThreadPool } from '../../process/thread-pool.ts';
import { hardenPlatform } from '../../harden-platform.ts';
import { canonicalDigest, createHash, createHmac, hashCostMs } from './hash.ts';
import { checkPbkdf2, pbkdf2CostMs, type StandInKdf } from './kdf.ts';
import { derivationLedgerOf } from './derivations.ts';

type Usage = 'deriveBits' | 'deriveKey' | 'sign' | 'verify';
type AlgorithmInput = string | { name: string; hash?: string | { name: string }; salt?: BufferSource; iterations?: number };
type BufferSource = ArrayBuffer | ArrayBufferView;

/** The key algorithms importKey accepts, with the usages each may have. */
const KEY_USAGES: Readonly<Record<string, readonly Usage[]>> = { PBKDF2: ['deriveBits', 'deriveKey'], HMAC: ['sign', 'verify'] };

function domError(message: string, name: string): Error {
  return new DOMException(message, name) as unknown as Error;
}

function bytesOf(data: unknown, what: string): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data).slice();
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': the data must be an ArrayBuffer or ArrayBufferView.`);
}

function algorithmName(algorithm: unknown): string {
  const name = typeof algorithm === 'string' ? algorithm : (algorithm as { name?: unknown } | null)?.name;
  if (typeof name !== 'string') throw new TypeError('Algorithm: name: Missing or not a string');
  return name.toUpperCase();
}

/** 'SHA-256' or { name: 'SHA-256' } to the canonical node digest ('sha256'); SHA-1/256/384/512 only, as WebCrypto. */
function webDigest(hash: unknown): string {
  const name = algorithmName(hash);
  const digest = /^SHA-(1|256|384|512)$/.test(name) ? canonicalDigest(name) : undefined;
  if (!digest) throw domError(`Unrecognized algorithm name: ${name}`, 'NotSupportedError');
  return digest;
}

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** The simulated SubtleCrypto object. */
export type Subtle = ReturnType<typeof createSubtle>['subtle'];

/** Builds one run's SubtleCrypto on the run's thread pool and stand-in KDF. */
export function createSubtle(p: Platform, threadPool: ThreadPool, kdf: StandInKdf) {
  const secrets = new WeakMap<object, Uint8Array>();
  const derivations = derivationLedgerOf(p.kernel);

  /** A key handle; its bytes are in a WeakMap closed over here, never on the object. */
  class CryptoKey {
    readonly type = 'secret';
    constructor(
      readonly extractable: boolean,
      readonly algorithm: Readonly<Record<string, unknown>>,
      readonly usages: readonly Usage[],
    ) {}
  }
  hardenPlatform(CryptoKey);

  /**
   * Runs `work` as a thread-pool job of `costMs`; the promise settles when the job ends, and
   * `onDone` is told when that is.
   */
  function job<T>(costMs: number, work: () => T, onDone?: (endMs: number) => void): Promise<T> {
    return new p.Promise<T>((resolve, reject) => {
      let result: T;
      try {
        result = work();
      } catch (err) {
        reject(err);
        return;
      }
      const done = onDone
        ? () => {
            onDone(p.loop.now());
            resolve(result);
          }
        : () => resolve(result);
      threadPool.submit(costMs, done, 'crypto.subtle');
    });
  }

  /** Validation errors reject, as the async functions of Node's webcrypto do. */
  function attempt<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return fn();
    } catch (err) {
      return p.Promise.reject(err);
    }
  }

  function keyBytes(key: unknown, usage: Usage, algorithm: string): Uint8Array {
    const bytes = typeof key === 'object' && key !== null ? secrets.get(key) : undefined;
    if (!bytes) throw new TypeError('The "key" argument must be an instance of CryptoKey.');
    const k = key as CryptoKey;
    if (k.algorithm.name !== algorithm) throw domError('The requested operation is not valid for the provided key', 'InvalidAccessError');
    if (!k.usages.includes(usage)) throw domError('The requested operation is not valid for the provided key', 'InvalidAccessError');
    return bytes;
  }

  function hmacOf(key: unknown, usage: Usage, data: unknown, what: string): { mac: Uint8Array; costMs: number } {
    const secret = keyBytes(key, usage, 'HMAC');
    const bytes = bytesOf(data, what);
    const digest = canonicalDigest((key as CryptoKey).algorithm.hash && ((key as CryptoKey).algorithm.hash as { name: string }).name);
    const mac = createHmac(digest ?? 'sha256', secret, () => {})
      .update(bytes)
      .digest();
    return { mac: new Uint8Array(mac), costMs: hashCostMs(bytes.length + secret.length) };
  }

  const refuse = (method: string, instead: string) => () =>
    p.Promise.reject(domError(`crypto.subtle.${method} is not available in this lab: ${instead}.`, 'NotSupportedError'));

  const subtle = {
    digest(algorithm: AlgorithmInput, data: BufferSource): Promise<ArrayBuffer> {
      return attempt(() => {
        const digest = webDigest(algorithm);
        const bytes = bytesOf(data, 'digest');
        return job(hashCostMs(bytes.length), () =>
          toArrayBuffer(
            new Uint8Array(
              createHash(digest, () => {})
                .update(bytes)
                .digest(),
            ),
          ),
        );
      });
    },
    importKey(format: string, keyData: BufferSource, algorithm: AlgorithmInput, extractable: boolean, usages: Usage[]): Promise<CryptoKey> {
      return attempt(() => {
        const name = algorithmName(algorithm);
        if (!KEY_USAGES[name]) {
          throw domError(`importKey supports PBKDF2 and HMAC keys in this lab, not ${name}`, 'NotSupportedError');
        }
        if (format !== 'raw') {
          throw domError(`importKey supports the 'raw' format in this lab, not '${format}': pass the key's bytes`, 'NotSupportedError');
        }
        const bad = usages.find((u) => !KEY_USAGES[name].includes(u));
        if (bad || usages.length === 0) throw domError('Unsupported key usage for a ' + name + ' key', 'SyntaxError');
        if (name === 'PBKDF2' && extractable) throw domError('PBKDF2 keys are not extractable', 'SyntaxError');
        const secret = bytesOf(keyData, 'importKey');
        const algo: Record<string, unknown> = { name };
        if (name === 'HMAC') {
          const hash = (algorithm as { hash?: unknown }).hash;
          algo.hash = { name: algorithmName(hash) };
          webDigest(hash);
          algo.length = secret.length * 8;
        }
        const key = new CryptoKey(!!extractable, Object.freeze(algo), Object.freeze([...usages]));
        secrets.set(key, secret);
        // importKey is synchronous inside Node; it settles on a later microtask, not from the pool.
        return p.Promise.resolve(key);
      });
    },
    exportKey(format: string, key: CryptoKey): Promise<ArrayBuffer> {
      return attempt(() => {
        const secret = typeof key === 'object' && key !== null ? secrets.get(key) : undefined;
        if (!secret) throw new TypeError('The "key" argument must be an instance of CryptoKey.');
        if (!key.extractable) throw domError('key is not extractable', 'InvalidAccessError');
        if (format !== 'raw') throw domError(`exportKey supports the 'raw' format in this lab, not '${format}'`, 'NotSupportedError');
        return p.Promise.resolve(toArrayBuffer(secret));
      });
    },
    deriveBits(algorithm: AlgorithmInput, baseKey: CryptoKey, length?: number | null): Promise<ArrayBuffer> {
      return attempt(() => {
        const name = algorithmName(algorithm);
        if (name !== 'PBKDF2') throw domError(`deriveBits supports PBKDF2 in this lab, not ${name}`, 'NotSupportedError');
        const a = algorithm as { hash?: unknown; salt?: unknown; iterations?: unknown };
        const digest = webDigest(a.hash);
        const salt = bytesOf(a.salt, 'deriveBits');
        const password = keyBytes(baseKey, 'deriveBits', 'PBKDF2');
        if (a.iterations === 0) throw domError('iterations cannot be zero', 'OperationError');
        if (length === 0) throw domError('length cannot be zero', 'OperationError');
        if (length === null) throw domError('length cannot be null', 'OperationError');
        if (length !== undefined && length % 8) throw domError('length must be a multiple of 8', 'OperationError');
        const q = checkPbkdf2(password, salt, a.iterations, length === undefined ? 64 : length / 8, digest);
        const startMs = p.loop.now();
        return job(
          pbkdf2CostMs(q),
          () => toArrayBuffer(new Uint8Array(kdf.pbkdf2(q))),
          (endMs) => derivations.pbkdf2(q, 'subtle.deriveBits', startMs, endMs),
        );
      });
    },
    sign(algorithm: AlgorithmInput, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
      return attempt(() => {
        if (algorithmName(algorithm) !== 'HMAC') throw domError('sign supports HMAC in this lab', 'NotSupportedError');
        const { mac, costMs } = hmacOf(key, 'sign', data, 'sign');
        return job(costMs, () => toArrayBuffer(mac));
      });
    },
    verify(algorithm: AlgorithmInput, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean> {
      return attempt(() => {
        if (algorithmName(algorithm) !== 'HMAC') throw domError('verify supports HMAC in this lab', 'NotSupportedError');
        const expected = bytesOf(signature, 'verify');
        const { mac, costMs } = hmacOf(key, 'verify', data, 'verify');
        let diff = expected.length ^ mac.length;
        for (let i = 0; i < Math.min(expected.length, mac.length); i++) diff |= expected[i] ^ mac[i];
        return job(costMs, () => diff === 0);
      });
    },
    deriveKey: refuse('deriveKey', 'call deriveBits and importKey the bits'),
    encrypt: refuse('encrypt', 'the lab has no ciphers; store hashes (deriveBits, crypto.pbkdf2) or HMACs'),
    decrypt: refuse('decrypt', 'the lab has no ciphers; store hashes (deriveBits, crypto.pbkdf2) or HMACs'),
    generateKey: refuse('generateKey', 'import random bytes (crypto.getRandomValues) with importKey'),
    wrapKey: refuse('wrapKey', 'the lab has no key wrapping'),
    unwrapKey: refuse('unwrapKey', 'the lab has no key wrapping'),
  };
  return { subtle, CryptoKey };
}
