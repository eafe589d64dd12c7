/**
 * An empty Postgres data directory, made at build time so the lab worker can load it instead of
 * running initdb (5–8 s in a browser worker; from the snapshot PGlite is up in about 2 s).
 *
 * The worker imports `virtual:pglite-snapshot`, whose default export is the snapshot's URL:
 * an asset with a content hash in `vite build`, a file the dev server serves in `vite`. The
 * snapshot is made with the installed PGlite in Node and cached on disk under its version, so
 * it is made once per PGlite version, offline, and never committed.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

const VIRTUAL_ID = 'virtual:pglite-snapshot';
const RESOLVED_ID = '\0' + VIRTUAL_ID;
/**
 * Uncompressed (≈40 MB; ≈4.5 MB as gzip): in headless Chromium PGlite starts from the plain
 * tarball in ≈2 s and from the gzipped one in ≈4 s, and the lab is served from the learner's
 * own machine, where size costs next to nothing. A host far away would want 'gzip'.
 */
const COMPRESSION: 'none' | 'gzip' = 'none';

/** One snapshot per process, whichever build (page, worker) or dev server asks first. */
let making: Promise<string> | undefined;

/** The installed PGlite's version (its manifest is not among the package's exports). */
async function pgliteVersion(root: string): Promise<string> {
  let dir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('@electric-sql/pglite'));
  for (;;) {
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8').catch(() => '{}')) as { name?: string; version?: string };
    if (manifest.name === '@electric-sql/pglite' && manifest.version) return manifest.version;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the version of @electric-sql/pglite');
    dir = parent;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile() && s.size > 0,
    () => false,
  );
}

/** The snapshot file for the installed PGlite, made if the cache lacks it. */
function snapshotFile(root: string): Promise<string> {
  making ??= (async () => {
    const dir = path.join(root, 'node_modules', '.cache', 'pglite-snapshot');
    const file = path.join(dir, `pgdata-${await pgliteVersion(root)}.${COMPRESSION === 'gzip' ? 'tgz' : 'tar'}`);
    if (await exists(file)) return file;
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = await PGlite.create();
    const dump = await pg.dumpDataDir(COMPRESSION);
    await pg.close();
    await mkdir(dir, { recursive: true });
    // Written aside and renamed, so an interrupted build never leaves half a snapshot.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await rename(partial, file);
    return file;
  })();
  making.catch(() => {
    making = undefined;
  });
  return making;
}

/** Add to both `plugins` and `worker.plugins`: in `vite build` the worker is bundled apart. */
export function pgliteSnapshot(): Plugin {
  let root = process.cwd();
  return {
    name: 'tailspin:pglite-snapshot',
    configResolved(config) {
      root = config.root;
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const file = await snapshotFile(root);
      // Vite's `?url` emits the file as a hashed asset in builds and serves it in dev.
      return [
        `export { default } from ${JSON.stringify(`${file}?url`)};`,
        `export const mimeType = ${JSON.stringify(COMPRESSION === 'gzip' ? 'application/x-gzip' : 'application/x-tar')};`,
      ].join('\n');
    },
  };
}
