/**
 * The runner's public entry. `web/`, `scenarios/` and the CLI import the runner only from here.
 */
export type * from './types.ts';
export { createPrng, type Prng } from './sim/prng.ts';
