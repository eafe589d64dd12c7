/**
 * Finds scenario folders on disk, for the CLI, the tests and the build: walks the folders and
 * hands the file paths to the layout rule (runner/scenario/layout.ts), which the page and the
 * lab worker apply to their `import.meta.glob` keys. Only what the rule can name is read: each
 * folder's own files and those in its fixes/.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findScenarioFolders, FIXES_DIR, SCENARIO_FILES, type ScenarioDiscovery, type ScenarioLayout } from '../scenario/layout.ts';

/** The bundled scenarios: this repository's scenarios/ folder. */
export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** No such scenario, or no such folder. */
export class ScenarioNotFound extends Error {}

/**
 * The folder is not a scenario (see runner/scenario/layout.ts), or scenario.ts cannot be
 * loaded: a syntax error, it throws as it is imported, or its definition has a mistake.
 */
export class ScenarioLoadFailed extends Error {}

/** Every folder directly in `scenariosDir`, checked against the layout rule. */
export function discoverScenarios(scenariosDir: string = SCENARIOS_DIR): ScenarioDiscovery {
  const root = withSeparator(scenariosDir);
  const paths = entries(root)
    .filter((name) => isDir(root + name))
    .flatMap((name) => filesOf(root, name));
  return findScenarioFolders(paths, root);
}

/**
 * The ids of the bundled scenarios. Throws when a folder breaks the layout: a half-made
 * scenario is the author's to finish, and skipping it would hide it from the contract test.
 */
export function scenarioIds(): string[] {
  const { folders, problems } = discoverScenarios();
  if (problems.length > 0) throw new ScenarioLoadFailed(problems.join('; '));
  return folders.map((f) => f.id);
}

/** The layout of the one folder at `dir` (any folder on disk); throws when it breaks the rule. */
export function folderLayout(dir: string): ScenarioLayout {
  const parent = withSeparator(dirname(dir));
  const { folders, problems } = findScenarioFolders(filesOf(parent, basename(dir)), parent);
  if (problems.length > 0) throw new ScenarioLoadFailed(problems[0]);
  // A folder with none of the files is not grouped at all.
  if (folders.length === 0) throw new ScenarioLoadFailed(`${dir} has no ${Object.values(SCENARIO_FILES).join(', ')}`);
  return folders[0];
}

/** `<root><name>/<file>` for the folder's own files and `<root><name>/fixes/<file>`. */
function filesOf(root: string, name: string): string[] {
  const dir = `${root}${name}/`;
  const files = entries(dir)
    .filter((f) => f !== FIXES_DIR)
    .map((f) => `${dir}${f}`);
  const fixes = entries(`${dir}${FIXES_DIR}/`).map((f) => `${dir}${FIXES_DIR}/${f}`);
  return [...files, ...fixes].filter((f) => !isDir(f));
}

function entries(dir: string): string[] {
  return existsSync(dir) && isDir(dir) ? readdirSync(dir).sort() : [];
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `dir` ending in a separator, so `<root><folder>/<file>` paths start with it. */
function withSeparator(dir: string): string {
  return dir.endsWith('/') || dir.endsWith(sep) ? dir : `${dir}/`;
}
