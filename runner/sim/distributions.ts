import type { Distribution } from '../scenario/types.ts';
import type { Prng } from './prng.ts';

/** Draws one value of `d` in milliseconds. Uses one or two draws of `rng`. */
export function sample(d: Distribution, rng: Prng): number {
  switch (d.kind) {
    case 'constant':
      return d.ms;
    case 'exponential':
      return -Math.log(1 - rng.next()) * d.meanMs;
    case 'uniform':
      return d.minMs + (d.maxMs - d.minMs) * rng.next();
    case 'lognormal':
      return d.medianMs * Math.exp(d.sigma * standardNormal(rng));
  }
}

/** Box–Muller, one value per call so the draw count per sample is fixed. */
function standardNormal(rng: Prng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
