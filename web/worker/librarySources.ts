/**
 * Source text of the libraries user code may import, bundled as plain text for the sandbox,
 * which evaluates it with the simulated globals. dataloader is its published file; the others
 * are the lowered bundles committed in vendor/libraries/, the bytes the CLI reads too (see
 * build/bundle-libraries.ts). One line per library the runner lists.
 */
import dataloader from 'dataloader/index.js?raw';
import pLimit from '../../vendor/libraries/p-limit.cjs?raw';
import lruCache from '../../vendor/libraries/lru-cache.cjs?raw';
import opossum from '../../vendor/libraries/opossum.cjs?raw';

const SOURCES: Record<string, string> = { dataloader, 'p-limit': pLimit, 'lru-cache': lruCache, opossum };

export function librarySourcesFor(names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const src = SOURCES[name];
    if (src === undefined) throw new Error(`the lab does not bundle the library "${name}"`);
    out[name] = src;
  }
  return out;
}
