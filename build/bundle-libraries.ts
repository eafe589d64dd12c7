/**
 * Bundles each library the sandbox lends the service (besides dataloader, which ships as one
 * CommonJS file) into one CommonJS text, lowered like user code: `async`/`await` become
 * generators that call the global `Promise`, which the sandbox binds to the simulator's, so a
 * library's continuations run on the simulated job queue and its timers on the virtual clock.
 * p-limit is ESM-only and imports yocto-queue; lru-cache and opossum are several files.
 *
 * The texts are generated once, by `npm run libraries:bundle`, and committed in
 * vendor/libraries/: the CLI reads them and the lab worker imports them with `?raw`,
 * so Node and the browser evaluate the same bytes (a build at install time would depend on
 * which esbuild each host has). tests/unit/sandbox/bundled-libraries.test.ts rebuilds them
 * from node_modules and fails when an installed version no longer matches what is committed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILE_OPTIONS } from '../runner/index.ts';

/** esbuild's `build`, as esbuild-wasm has it in Node. */
export type EsbuildBuildApi = Pick<typeof import('esbuild-wasm'), 'build'>;

interface LibraryBundle {
  /** The npm package, whose version the banner records. */
  packageName: string;
  /** The module esbuild starts from (a package export or file). */
  entry: string;
  /**
   * Modules left to the sandbox's `require` at run time (opossum's `events` is the
   * platform's `node:events`).
   */
  external: string[];
}

/**
 * The bundled libraries by module name. lru-cache starts from its browser build, whose
 * diagnostics channel is a stub (the lab has no `node:diagnostics_channel`); `raw` is its
 * unminified export, so stack traces through it stay readable.
 */
export const LIBRARY_BUNDLES: Record<string, LibraryBundle> = {
  'p-limit': { packageName: 'p-limit', entry: 'p-limit', external: [] },
  'lru-cache': { packageName: 'lru-cache', entry: 'lru-cache/raw', external: [] },
  'opossum': { packageName: 'opossum', entry: 'opossum/index.js', external: ['events'] },
};

/** Where the generated texts live, relative to the repository root. */
export const BUNDLED_DIR = 'vendor/libraries';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The committed file of one bundled library. */
export function bundledLibraryFile(name: string): string {
  return path.join(ROOT, BUNDLED_DIR, `${name}.cjs`);
}

/** One library as a single CommonJS text, with a banner naming its package and version. */
export async function bundleLibrary(esbuild: EsbuildBuildApi, name: string): Promise<string> {
  const spec = LIBRARY_BUNDLES[name];
  if (!spec) throw new Error(`no bundle is defined for the library "${name}"`);
  const version = (
    JSON.parse(readFileSync(path.join(ROOT, 'node_modules', spec.packageName, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const out = await esbuild.build({
    entryPoints: [spec.entry],
    absWorkingDir: ROOT,
    // The path comments in the output name files as the checkout sees them (a linked node_modules too).
    preserveSymlinks: true,
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    target: COMPILE_OPTIONS.target,
    supported: COMPILE_OPTIONS.supported,
    conditions: ['browser'],
    mainFields: ['module', 'main'],
    external: spec.external,
    legalComments: 'inline',
    charset: 'utf8',
    banner: { js: `// ${spec.packageName}@${version}, bundled by build/bundle-libraries.ts (npm run libraries:bundle). Do not edit.` },
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

async function main(): Promise<void> {
  const esbuild = await import('esbuild-wasm');
  for (const name of Object.keys(LIBRARY_BUNDLES)) {
    const text = await bundleLibrary(esbuild, name);
    writeFileSync(bundledLibraryFile(name), text);
    console.log(`${BUNDLED_DIR}/${name}.cjs  ${(text.length / 1024).toFixed(1)} KB`);
  }
  await esbuild.stop();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
