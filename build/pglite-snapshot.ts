/**
 * Postgres data directories made at build time, so the lab worker loads one instead of
 * running initdb (5–8 s in a browser worker) and, for a bundled scenario, its setup SQL too
 * (another 0.5–1 s): an empty one, and one per scenario with a database, reset to its setup.
 *
 * The worker imports `virtual:pglite-snapshots`: the snapshots' URLs (hashed assets in
 * `vite build`, files the dev server serves in `vite`), the prepared ones keyed by the digest
 * of the setup they were made from, so an edited scenario never loads a stale one. They are
 * made with the installed PGlite by the runner's own code (`runner/runtime/remote/database/snapshot.ts`),
 * cached on disk under PGlite's version and the setup's digest, and never committed.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { loadDefinition, nameScenarioError } from '../runner/scenario/index.ts';
import { bundledScenarios } from './bundled-scenarios.ts';

const VIRTUAL_ID = 'virtual:pglite-snapshots';
const RESOLVED_ID = '\0' + VIRTUAL_ID;
/** The runner's snapshot code, loaded the way the CLI loads it (TypeScript, through tsx). */
type SnapshotApi = typeof import('../runner/runtime/remote/database/snapshot.ts');

interface Snapshots {
  empty: string;
  /** Setup digest → file. */
  prepared: Map<string, string>;
}

/** One set of snapshots per process, whichever build (page, worker) or dev server asks first. */
let making: Promise<Snapshots> | undefined;

/** The installed PGlite's version (its manifest is not among the package's exports). */
async function pgliteVersion(root: string): Promise<string> {
  let dir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('@electric-sql/pglite'));
  for (;;) {
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8').catch(() => '{}')) as {
      name?: string;
      version?: string;
    };
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

async function importTs<T>(file: string): Promise<T> {
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(pathToFileURL(file).href, import.meta.url)) as T;
}

/**
 * Every bundled scenario's setup SQL (scenarios without a database have none), each
 * definition loaded as every host loads it, so a mistake in one fails the build, named.
 */
async function scenarioSetups(root: string): Promise<string[]> {
  const setups: string[] = [];
  for (const { id, files } of bundledScenarios(root)) {
    let exported: unknown;
    try {
      exported = (await importTs<{ default?: unknown }>(files.definition)).default;
    } catch (err) {
      throw nameScenarioError(id, err);
    }
    const setupSql = loadDefinition(id, exported).platform.database?.setupSql;
    if (setupSql !== undefined) setups.push(setupSql);
  }
  return setups;
}

/**
 * Gzip: the tarballs are mostly zeros (a 16 MB WAL segment), ≈40 MB raw and ≈4.5 MB
 * compressed, and the worker inflates them with the browser's own DecompressionStream.
 */
async function writeGzip(file: string, tarball: Blob): Promise<void> {
  // Written aside and renamed, so an interrupted build never leaves half a snapshot.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, gzipSync(new Uint8Array(await tarball.arrayBuffer()), { level: 9 }));
  await rename(partial, file);
}

async function makeSnapshots(root: string): Promise<Snapshots> {
  const dir = path.join(root, 'node_modules', '.cache', 'pglite-snapshot');
  await mkdir(dir, { recursive: true });
  const prefix = `pgdata-${await pgliteVersion(root)}`;
  const api = await importTs<SnapshotApi>(path.join(root, 'runner', 'runtime', 'remote', 'database', 'snapshot.ts'));

  const empty = path.join(dir, `${prefix}-empty.tgz`);
  let emptyTarball: Blob | undefined;
  if (!(await exists(empty))) {
    emptyTarball = await api.makeEmptySnapshot();
    await writeGzip(empty, emptyTarball);
  }
  const prepared = new Map<string, string>();
  for (const setupSql of await scenarioSetups(root)) {
    const digest = api.setupDigest(setupSql);
    const file = path.join(dir, `${prefix}-${digest.slice(0, 16)}.tgz`);
    if (!(await exists(file))) {
      emptyTarball ??= new Blob([new Uint8Array(gunzipSync(await readFile(empty))) as Uint8Array<ArrayBuffer>]);
      await writeGzip(file, await api.makePreparedSnapshot(setupSql, emptyTarball));
    }
    prepared.set(digest, file);
  }
  // Snapshots of setups that have since changed, or of another PGlite version.
  const keep = new Set([empty, ...prepared.values()].map((f) => path.basename(f)));
  for (const name of await readdir(dir)) {
    if (!keep.has(name) && !name.endsWith('.partial')) await rm(path.join(dir, name), { force: true });
  }
  return { empty, prepared };
}

/** Add to both `plugins` and `worker.plugins`: in `vite build` the worker is bundled apart. */
export function pgliteSnapshot(): Plugin {
  let root = process.cwd();
  return {
    name: 'tailspin:pglite-snapshots',
    configResolved(config) {
      root = config.root;
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      making ??= makeSnapshots(root);
      making.catch(() => {
        making = undefined;
      });
      const { empty, prepared } = await making;
      // Vite's `?url` emits each file as a hashed asset in builds and serves it in dev.
      const entries = [...prepared];
      return [
        `import empty from ${JSON.stringify(`${empty}?url`)};`,
        ...entries.map(([, file], i) => `import prepared${i} from ${JSON.stringify(`${file}?url`)};`),
        'export { empty };',
        `export const prepared = { ${entries.map(([digest], i) => `${JSON.stringify(digest)}: prepared${i}`).join(', ')} };`,
      ].join('\n');
    },
  };
}
