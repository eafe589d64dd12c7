// Module resolution hook for scenario folders anywhere on disk. A scenario's scenario.ts is an
// ES module (`export default`), but Node decides a .ts file's format from the nearest
// package.json's "type", and tsx follows it: a folder outside this repo with no package.json,
// or one without a "type", makes scenario.ts CommonJS. Node's CommonJS loader then finds ES
// syntax and re-enters the ES loader for the very module it is loading, which fails with
// ERR_REQUIRE_CYCLE_MODULE. So a .ts file outside node_modules whose package.json does not
// say "type": "commonjs" is loaded as an ES module, which is how scenario folders are written;
// one that does say so keeps Node's reading.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const declaredType = new Map();

/** The "type" of the nearest package.json above `dir`, or undefined if it names none. */
function packageType(dir) {
  if (declaredType.has(dir)) return declaredType.get(dir);
  let type;
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    pkg = undefined;
  }
  if (pkg !== undefined) type = pkg && typeof pkg.type === 'string' ? pkg.type : undefined;
  else if (dirname(dir) !== dir) type = packageType(dirname(dir));
  declaredType.set(dir, type);
  return type;
}

function isAmbiguousTypeScript(url) {
  if (!url.startsWith('file:')) return false;
  const path = fileURLToPath(new URL(url).href.replace(/[?#].*$/, ''));
  if (!/\.tsx?$/.test(path) || /[\\/]node_modules[\\/]/.test(path)) return false;
  return packageType(dirname(path)) === undefined;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (resolved.format === 'commonjs' && isAmbiguousTypeScript(resolved.url)) return { ...resolved, format: 'module' };
  return resolved;
}
