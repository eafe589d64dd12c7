/**
 * Text carried in a URL fragment: deflated, then base64url. Decoding is bounded, so a short
 * hostile link cannot make a page inflate hundreds of megabytes before refusing it. Share
 * links and interview links both use it.
 */
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';

/**
 * Compressed bytes inflated at a time. Deflate expands at most about 1000 to 1, so a payload
 * that inflates past its limit is refused after at most this times 1000 bytes more.
 */
const INFLATE_STEP_BYTES = 1024;

export function compactText(text: string): string {
  return toBase64Url(deflateSync(strToU8(text), { level: 9 }));
}

/** The text, or null when it would inflate past `maxBytes`; throws on damaged data. */
export function expandText(payload: string, maxBytes: number): string | null {
  const bytes = inflateAtMost(fromBase64Url(payload), maxBytes);
  return bytes && strFromU8(bytes);
}

/** Inflates step by step and gives up (null) once the output passes `maxBytes`. */
export function inflateAtMost(compressed: Uint8Array, maxBytes: number): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    chunks.push(chunk);
  });
  for (let at = 0; at < compressed.length || at === 0; at += INFLATE_STEP_BYTES) {
    if (total > maxBytes) return null;
    inflater.push(compressed.subarray(at, at + INFLATE_STEP_BYTES), at + INFLATE_STEP_BYTES >= compressed.length);
  }
  if (total > maxBytes) return null;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) throw new Error('not base64url');
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
