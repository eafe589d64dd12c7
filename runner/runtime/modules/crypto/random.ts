/**
 * Random bytes, UUIDs and integers for the simulated `node:crypto`, drawn from the run's
 * seeded stream (forked as "crypto"), so a run's session ids and tokens are the same on
 * every replay of the same seed. Not cryptographically secure, and it need not be.
 */
import type { Prng } from '../../../sim/prng.ts';

/** Fills `bytes` with four bytes per draw from `rng`. */
export function fillRandom(rng: Prng, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    const word = Math.floor(rng.next() * 4294967296);
    bytes[i] = word & 0xff;
    if (i + 1 < bytes.length) bytes[i + 1] = (word >>> 8) & 0xff;
    if (i + 2 < bytes.length) bytes[i + 2] = (word >>> 16) & 0xff;
    if (i + 3 < bytes.length) bytes[i + 3] = word >>> 24;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

/** An RFC 9562 version 4 UUID: 122 random bits, version nibble 4, variant bits 10. */
export function uuidV4(rng: Prng): string {
  const b = new Uint8Array(16);
  fillRandom(rng, b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]];
  }
  return s;
}

/** Node's limit on `max - min` for randomInt: 2^48 - 1. */
export const RANDOM_INT_RANGE_MAX = 2 ** 48 - 1;

/**
 * Uniform integer in [min, min + range), range <= 2^48 - 1: a 48-bit draw with rejection
 * of the biased tail, as Node does.
 */
export function randomIntIn(rng: Prng, min: number, range: number): number {
  const limit = 2 ** 48 - (2 ** 48 % range);
  for (;;) {
    const x = Math.floor(rng.next() * 4294967296) * 65536 + Math.floor(rng.next() * 65536);
    if (x < limit) return min + (x % range);
  }
}
