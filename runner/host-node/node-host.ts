/**
 * The runner's host services in Node: esbuild-wasm as the compiler (the same build and
 * options as the browser's) and library sources read from node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild-wasm';
import { createCompiler, type Compiler } from '../sandbox/compile.ts';
import { LIBRARY_NAMES } from '../sandbox/libraries.ts';
import type { RunHost } from '../run.ts';

const require = createRequire(import.meta.url);
let host: RunHost | undefined;

export function nodeHost(): RunHost {
  host ??= { compiler: nodeCompiler(), librarySources: librarySources() };
  return host;
}

function nodeCompiler(): Compiler {
  return createCompiler(esbuild);
}

function librarySources(): Record<string, string> {
  return Object.fromEntries(LIBRARY_NAMES.map((name) => [name, readFileSync(require.resolve(name), 'utf8')]));
}
