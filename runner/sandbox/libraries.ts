/**
 * Libraries the learner's service may import besides the platform modules. Their CommonJS
 * source is evaluated inside the sandbox with the simulated globals, so their promises and
 * `process.nextTick` batching run on the simulator's job queue. The host supplies the
 * source text (Node reads node_modules; the web worker imports it with `?raw`).
 */
export const LIBRARY_NAMES = ['dataloader'] as const;

export type LibraryName = (typeof LIBRARY_NAMES)[number];
