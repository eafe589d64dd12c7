/**
 * Seeded pseudo-random numbers (sfc32), forked per subsystem by name so that one extra draw
 * in one model never shifts the numbers of another.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** A child stream named `name`, independent of this one's position. */
  fork(name: string): Prng;
  readonly seed: number;
}

function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createPrng(seed: number, path = ''): Prng {
  const mix = splitmix32(hashString(path, (seed >>> 0) ^ 0x5bd1e995));
  let a = mix(),
    b = mix(),
    c = mix(),
    d = mix();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return { next, seed, fork: (name) => createPrng(seed, `${path}/${name}`) };
}
