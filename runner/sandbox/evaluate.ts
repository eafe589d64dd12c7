/**
 * Evaluates compiled CommonJS (the learner's service, or a bundled library such as
 * dataloader) with the simulator's globals bound as parameters of the module function, so
 * `Promise`, timers, `Date`, `Math.random`, `fetch` and `process` inside it are the
 * simulated ones. Host-only capabilities (network, storage, workers) are shadowed with
 * `undefined`. This makes runs fair and deterministic; the isolation boundary against
 * hostile code is the worker the runner lives in, which the host can terminate.
 */
import { SERVICE_FILE } from './compile.ts';

export type ModuleRequire = (name: string) => unknown;

/** Names that must not reach the host's versions from user code. */
const SHADOWED = [
  'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'postMessage', 'close',
  'navigator', 'indexedDB', 'caches', 'localStorage', 'sessionStorage', 'Worker',
  'SharedWorker', 'Atomics', 'onmessage', 'location', 'document', 'window', 'self',
  // Host APIs that hand out the host's own promises or callbacks, outside virtual time.
  'Blob', 'File', 'ReadableStream', 'WritableStream', 'TransformStream', 'WebAssembly',
  'MessageChannel', 'MessagePort', 'BroadcastChannel', 'WeakRef', 'FinalizationRegistry',
  'requestAnimationFrame', 'requestIdleCallback', 'scheduler', 'CompressionStream', 'DecompressionStream',
] as const;

export class ModuleLoadError extends Error {
  constructor(message: string, readonly moduleName?: string) {
    super(message);
    this.name = 'ModuleLoadError';
  }
}

/**
 * Runs `code` as a CommonJS module body and returns its `module.exports`.
 * `globals` maps each simulated global's name to its value; `sourceName` names the file in
 * stack traces (the service's traces are mapped back to TypeScript by that name).
 */
export function evaluateCommonJs(
  code: string,
  globals: Record<string, unknown>,
  require: ModuleRequire,
  sourceName = `${SERVICE_FILE}.js`,
): unknown {
  const names = Object.keys(globals).filter((n) => !(SHADOWED as readonly string[]).includes(n));
  const params = [...names, ...SHADOWED, 'module', 'exports', 'require'];
  const module = { exports: {} as unknown };
  // Strict, as an ES module is in Node: a stray assignment must not create a host global
  // (which would outlive the run), and `this` in a plain function must not be the host's.
  // On the first line, so line numbers in stack traces stay those of the compiled code.
  const fn = new Function(...params, `'use strict';${code}\n//# sourceURL=${sourceName}`) as (...args: unknown[]) => void;
  const args = [...names.map((n) => globals[n]), ...SHADOWED.map(() => undefined), module, module.exports, require];
  fn.apply(undefined, args);
  return module.exports;
}
