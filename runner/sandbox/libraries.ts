/**
 * Libraries the learner's service may import besides the platform modules. Their CommonJS
 * source is evaluated inside the sandbox with the simulated globals, so their promises and
 * `process.nextTick` batching run on the simulator's job queue. The host supplies the
 * source text (Node reads node_modules; the web worker imports it with `?raw`).
 *
 * dataloader is one CommonJS file as published. The others are bundled into one lowered
 * CommonJS text each and committed in vendor/libraries/ (see build/bundle-libraries.ts): p-limit is
 * ESM-only, and its `async` functions must become generators over the simulator's Promise.
 */
export const LIBRARY_NAMES = ['dataloader', 'p-limit', 'lru-cache', 'opossum'] as const;

export type LibraryName = (typeof LIBRARY_NAMES)[number];

/** Libraries whose source is a committed bundle in vendor/libraries/ rather than node_modules. */
export const BUNDLED_LIBRARY_NAMES: readonly LibraryName[] = ['p-limit', 'lru-cache', 'opossum'];
