/**
 * Node's `Buffer`, the subset services use: a Uint8Array subclass with string encodings
 * (utf8, hex, base64, base64url, latin1/binary, ascii, utf16le), `from`/`alloc`/`concat`,
 * `equals`/`compare`/`copy`, and views from `subarray`/`slice`. Pure JS (TextEncoder and
 * TextDecoder only), so it runs in a browser Web Worker too. The codecs are in
 * encoding.ts.
 */
import { canonicalEncoding, decodeBytes, encodeString, isEncoding, type BufferEncoding } from './encoding.ts';
import { invalidArgType, nodeError, outOfRange } from '../node-errors.ts';
import { hardenPlatform } from '../../harden-platform.ts';

export type { BufferEncoding } from './encoding.ts';

/** Buffers larger than this are refused, as Node refuses beyond buffer.constants.MAX_LENGTH. */
export const BUFFER_LENGTH_MAX = 2 ** 31 - 1;

function checkLength(size: unknown, name = 'size'): number {
  if (typeof size !== 'number') throw invalidArgType(name, 'of type number', size);
  if (!(size >= 0 && size <= BUFFER_LENGTH_MAX)) throw outOfRange(name, `>= 0 && <= ${BUFFER_LENGTH_MAX}`, size);
  return Math.floor(size);
}

export class Buffer extends Uint8Array {
  /** `Buffer.from(string, encoding)`, or a copy of an array/Uint8Array, or a view of an ArrayBuffer. */
  static override from(value: unknown, encodingOrOffset?: unknown, length?: number): Buffer;
  static override from(value: unknown, encodingOrOffset?: unknown, length?: unknown): Buffer {
    if (typeof value === 'string') return Buffer.fromBytes(encodeString(value, canonicalEncoding(encodingOrOffset)));
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
      const offset = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset);
      const len = length === undefined ? value.byteLength - offset : Number(length);
      if (offset < 0 || offset > value.byteLength)
        throw nodeError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', '"offset" is outside of buffer bounds');
      if (len < 0 || offset + len > value.byteLength)
        throw nodeError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', '"length" is outside of buffer bounds');
      return new Buffer(value as ArrayBuffer, offset, len);
    }
    if (ArrayBuffer.isView(value)) {
      const bytes = value instanceof Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return Buffer.fromBytes(bytes.slice());
    }
    if (Array.isArray(value)) return Buffer.fromBytes(Uint8Array.from(value, (x) => Number(x) & 0xff));
    if (value && typeof value === 'object') {
      const o = value as { type?: unknown; data?: unknown; length?: unknown };
      // The shape `toJSON` produces, so JSON round trips work.
      if (o.type === 'Buffer' && Array.isArray(o.data)) return Buffer.from(o.data);
      if (typeof o.length === 'number') return Buffer.fromBytes(Uint8Array.from(value as ArrayLike<unknown>, (x) => Number(x) & 0xff));
    }
    throw invalidArgType('first', 'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object', value);
  }

  /** Wraps (does not copy) `bytes` in a Buffer over the same memory. */
  private static fromBytes(bytes: Uint8Array): Buffer {
    return new Buffer(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A zero-filled (or `fill`-filled) Buffer of `size` bytes. */
  static alloc(size: number, fill?: string | number | Uint8Array, encoding?: BufferEncoding): Buffer {
    const buf = new Buffer(checkLength(size));
    if (fill !== undefined && fill !== 0 && buf.length > 0) {
      const pattern =
        typeof fill === 'number' ? [fill & 0xff] : typeof fill === 'string' ? encodeString(fill, canonicalEncoding(encoding)) : fill;
      if (pattern.length === 0) throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', "The argument 'fill' is invalid.");
      for (let i = 0; i < buf.length; i++) buf[i] = pattern[i % pattern.length];
    }
    return buf;
  }

  /** Node hands out uninitialised memory here; zeroes keep runs deterministic. */
  static allocUnsafe(size: number): Buffer {
    return new Buffer(checkLength(size));
  }

  static allocUnsafeSlow(size: number): Buffer {
    return new Buffer(checkLength(size));
  }

  static concat(list: readonly Uint8Array[], totalLength?: number): Buffer {
    if (!Array.isArray(list)) throw invalidArgType('list', 'an instance of Array', list);
    for (let i = 0; i < list.length; i++) {
      if (!(list[i] instanceof Uint8Array)) throw invalidArgType(`list[${i}]`, 'an instance of Buffer or Uint8Array', list[i]);
    }
    const total = totalLength === undefined ? list.reduce((n, b) => n + b.length, 0) : checkLength(totalLength, 'length');
    const out = new Buffer(total);
    let at = 0;
    for (const b of list) {
      if (at >= total) break;
      const part = b.length > total - at ? b.subarray(0, total - at) : b;
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  static isBuffer(value: unknown): value is Buffer {
    return value instanceof Buffer;
  }

  static isEncoding(encoding: unknown): boolean {
    return isEncoding(encoding);
  }

  static byteLength(value: string | ArrayBufferView | ArrayBuffer, encoding?: BufferEncoding): number {
    if (typeof value === 'string') return encodeString(value, canonicalEncoding(encoding)).length;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
    throw invalidArgType('string', 'of type string or an instance of Buffer or ArrayBuffer', value);
  }

  static compare(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
    if (!(a instanceof Uint8Array)) throw invalidArgType('buf1', 'an instance of Buffer or Uint8Array', a);
    if (!(b instanceof Uint8Array)) throw invalidArgType('buf2', 'an instance of Buffer or Uint8Array', b);
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  override toString(encoding?: BufferEncoding, start = 0, end = this.length): string {
    const from = Math.max(0, Math.min(this.length, start));
    const to = Math.max(from, Math.min(this.length, end));
    return decodeBytes(from === 0 && to === this.length ? this : this.subarray(from, to), canonicalEncoding(encoding));
  }

  equals(other: Uint8Array): boolean {
    if (!(other instanceof Uint8Array)) throw invalidArgType('otherBuffer', 'an instance of Buffer or Uint8Array', other);
    return Buffer.compare(this, other) === 0;
  }

  compare(other: Uint8Array): -1 | 0 | 1 {
    if (!(other instanceof Uint8Array)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', other);
    return Buffer.compare(this, other);
  }

  /** Copies into `target`; returns the number of bytes copied. */
  copy(target: Uint8Array, targetStart = 0, sourceStart = 0, sourceEnd = this.length): number {
    const available = Math.min(sourceEnd, this.length) - sourceStart;
    const count = Math.min(available, target.length - targetStart);
    if (count <= 0) return 0;
    target.set(this.subarray(sourceStart, sourceStart + count), targetStart);
    return count;
  }

  /** A view on the same memory, as in Node (not a copy, unlike Uint8Array#slice). */
  override subarray(start?: number, end?: number): Buffer {
    return super.subarray(start, end) as Buffer;
  }

  override slice(start?: number, end?: number): Buffer {
    return this.subarray(start, end);
  }

  /** Writes `s` at `offset`; returns the number of bytes written (whole characters only for utf8 in Node; bytes here). */
  write(s: string, offset = 0, encoding?: BufferEncoding): number {
    const bytes = encodeString(s, canonicalEncoding(encoding));
    const count = Math.max(0, Math.min(bytes.length, this.length - offset));
    this.set(bytes.subarray(0, count), offset);
    return count;
  }

  toJSON(): { type: 'Buffer'; data: number[] } {
    return { type: 'Buffer', data: Array.from(this) };
  }

  readUInt8(offset = 0): number {
    return this.view(offset, 1).getUint8(0);
  }

  readUInt32BE(offset = 0): number {
    return this.view(offset, 4).getUint32(0, false);
  }

  readUInt32LE(offset = 0): number {
    return this.view(offset, 4).getUint32(0, true);
  }

  writeUInt32BE(value: number, offset = 0): number {
    this.view(offset, 4).setUint32(0, value, false);
    return offset + 4;
  }

  private view(offset: number, size: number): DataView {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.length) {
      throw outOfRange('offset', `>= 0 and <= ${this.length - size}`, offset);
    }
    return new DataView(this.buffer, this.byteOffset + offset, size);
  }
}
hardenPlatform(Buffer);
