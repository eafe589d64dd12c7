/**
 * The runner's host services in Node: esbuild-wasm as the compiler (the same build and
 * options as the browser's) and library sources read from node_modules or, for the libraries
 * bundled at development time, from vendor/libraries/.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild-wasm';
import { createCompiler, type Compiler } from '../sandbox/compile.ts';
import { BUNDLED_LIBRARY_NAMES, LIBRARY_NAMES, type LibraryName } from '../sandbox/libraries.ts';
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
  return Object.fromEntries(LIBRARY_NAMES.map((name) => [name, readFileSync(librarySourceFile(name), 'utf8')]));
}

/** The committed bundle (the same bytes the lab worker imports), or the package's own file. */
function librarySourceFile(name: LibraryName): string | URL {
  return BUNDLED_LIBRARY_NAMES.includes(name) ? new URL(`../../vendor/libraries/${name}.cjs`, import.meta.url) : require.resolve(name);
}
