/**
 * The string encodings of the simulated `Buffer`, as lenient as Node's when decoding: base64
 * accepts both alphabets and skips whitespace, junk and missing padding; hex stops at the
 * first bad pair; both read only the low byte of each UTF-16 unit, as Node does.
 */
import { nodeError } from '../node-errors.ts';

export type BufferEncoding =
  | 'utf8'
  | 'utf-8'
  | 'hex'
  | 'base64'
  | 'base64url'
  | 'latin1'
  | 'binary'
  | 'ascii'
  | 'utf16le'
  | 'ucs2'
  | 'ucs-2'
  | 'utf-16le';

export type Canonical = 'utf8' | 'hex' | 'base64' | 'base64url' | 'latin1' | 'ascii' | 'utf16le';

const ENCODINGS = new Map<string, Canonical>([
  ['utf8', 'utf8'],
  ['utf-8', 'utf8'],
  ['hex', 'hex'],
  ['base64', 'base64'],
  ['base64url', 'base64url'],
  ['latin1', 'latin1'],
  ['binary', 'latin1'],
  ['ascii', 'ascii'],
  ['utf16le', 'utf16le'],
  ['utf-16le', 'utf16le'],
  ['ucs2', 'utf16le'],
  ['ucs-2', 'utf16le'],
]);

export function isEncoding(encoding: unknown): boolean {
  return typeof encoding === 'string' && ENCODINGS.has(encoding.toLowerCase());
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = B64_VALUE[B64URL.charCodeAt(i)] = i;

/** The canonical name of `encoding` (utf8 when absent); throws ERR_UNKNOWN_ENCODING. */
export function canonicalEncoding(encoding: unknown): Canonical {
  if (encoding === undefined || encoding === null) return 'utf8';
  const found = typeof encoding === 'string' ? ENCODINGS.get(encoding.toLowerCase()) : undefined;
  if (!found) throw nodeError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${String(encoding)}`);
  return found;
}

export function encodeString(s: string, enc: Canonical): Uint8Array {
  switch (enc) {
    case 'utf8':
      return encoder.encode(s);
    case 'hex':
      return fromHex(s);
    case 'base64':
    case 'base64url':
      return fromBase64(s);
    case 'latin1':
    case 'ascii': {
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
      return out;
    }
    case 'utf16le': {
      const out = new Uint8Array(s.length * 2);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        out[2 * i] = c & 0xff;
        out[2 * i + 1] = c >>> 8;
      }
      return out;
    }
  }
}

export function decodeBytes(b: Uint8Array, enc: Canonical): string {
  switch (enc) {
    case 'utf8':
      return decoder.decode(b);
    case 'hex': {
      let s = '';
      for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
      return s;
    }
    case 'base64':
      return toBase64(b, B64, true);
    case 'base64url':
      return toBase64(b, B64URL, false);
    case 'latin1':
      return charCodes(b, 0xff);
    case 'ascii':
      return charCodes(b, 0x7f);
    case 'utf16le': {
      let s = '';
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b[i] | (b[i + 1] << 8));
      return s;
    }
  }
}

function charCodes(b: Uint8Array, mask: number): string {
  let s = '';
  // Chunks keep String.fromCharCode's argument list well under engine limits.
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...Array.from(b.subarray(i, i + 8192), (x) => x & mask));
  }
  return s;
}

function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >>> 1);
  let n = 0;
  for (; n < out.length; n++) {
    // Low bytes of UTF-16 units, as Node reads them.
    const hi = hexDigit(s.charCodeAt(2 * n) & 0xff);
    const lo = hexDigit(s.charCodeAt(2 * n + 1) & 0xff);
    if (hi < 0 || lo < 0) break;
    out[n] = (hi << 4) | lo;
  }
  return n === out.length ? out : out.slice(0, n);
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function fromBase64(s: string): Uint8Array {
  const out = new Uint8Array(Math.floor((s.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    // Node reads each UTF-16 unit's low byte, so 'Ţ' (U+0162) counts as 'b'.
    const c = s.charCodeAt(i) & 0xff;
    if (c === 61) break; // '=' ends the data
    const v = B64_VALUE[c];
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >>> bits) & 0xff;
    }
  }
  return out.slice(0, n);
}

function toBase64(b: Uint8Array, alphabet: string, pad: boolean): string {
  let s = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    s += alphabet[v >>> 18] + alphabet[(v >>> 12) & 63] + alphabet[(v >>> 6) & 63] + alphabet[v & 63];
  }
  if (i < b.length) {
    const v = (b[i] << 16) | ((i + 1 < b.length ? b[i + 1] : 0) << 8);
    s += alphabet[v >>> 18] + alphabet[(v >>> 12) & 63];
    s += i + 1 < b.length ? alphabet[(v >>> 6) & 63] : pad ? '=' : '';
    if (pad) s += '=';
  }
  return s;
}
