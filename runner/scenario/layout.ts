/**
 * What a scenario folder is, written once. Adding a scenario means adding a folder: the CLI,
 * the tests, the build and the lab all find scenarios by handing their list of file paths
 * (a directory walk in Node, `import.meta.glob` keys in the page and the worker) to
 * `findScenarioFolders`, so they agree on which folders are scenarios and say the same thing
 * about one that is not. Pure string handling: no file system, no simulator.
 *
 *   <id>/README.md      frontmatter + story, goals, hints
 *   <id>/scenario.ts    `export default defineScenario({...})`
 *   <id>/starter.ts     the buggy service the learner edits
 *   <id>/solution.ts    a reference fix
 *   <id>/fixes/{alt,wrong,cheat}-<name>.ts   optional: other fixes the contract test runs
 */

/** The files every scenario folder has, by role. */
export const SCENARIO_FILES = {
  readme: 'README.md',
  definition: 'scenario.ts',
  starter: 'starter.ts',
  solution: 'solution.ts',
} as const;

export type ScenarioFileRole = keyof typeof SCENARIO_FILES;

/** The folder of optional fixes, inside a scenario folder. */
export const FIXES_DIR = 'fixes';

/**
 * alt: another correct fix, must pass. wrong: a tempting fix that would not work in
 * production, must miss an SLO or check. cheat: answers without doing the work, must fail a
 * functional check that names the request.
 */
export type FixKind = 'alt' | 'wrong' | 'cheat';

export const FIX_KINDS: readonly FixKind[] = ['alt', 'wrong', 'cheat'];

const FIX_FILE = /^(alt|wrong|cheat)-[a-z0-9-]+\.ts$/;

/** A scenario's id is its folder's name: it appears in URLs, summaries and the CLI. */
export const SCENARIO_ID = /^[a-z0-9-]+$/;

/** Where `import.meta.glob('/scenarios/...')` keys start: the repository's scenarios folder. */
export const SCENARIOS_GLOB_ROOT = '/scenarios/';

/** One scenario folder's files, each as the path it was given. */
export interface ScenarioLayout {
  id: string;
  /** The folder's path as given, without a trailing slash. */
  dir: string;
  files: Record<ScenarioFileRole, string>;
  /** fixes/*.ts by file name (sorted), their kind from the name's prefix. */
  fixes: { name: string; kind: FixKind; path: string }[];
}

export interface ScenarioDiscovery {
  /** The folders that follow the layout, sorted by id. */
  folders: ScenarioLayout[];
  /** One sentence per folder that does not, naming the folder and what is wrong. */
  problems: string[];
}

/** Whether `id` may name a scenario folder. */
export function isScenarioId(id: string): boolean {
  return SCENARIO_ID.test(id);
}

/** The fix kind a file name in fixes/ declares, or undefined when it follows no fix rule. */
export function fixKindOf(fileName: string): FixKind | undefined {
  return FIX_FILE.test(fileName) ? (fileName.slice(0, fileName.indexOf('-')) as FixKind) : undefined;
}

/**
 * Groups `paths` (each `<root><folder>/<file>`, with `/` separators) into scenario folders.
 * Every folder directly under `root` is meant as a scenario; files directly in `root` and
 * files the layout does not name (a diagram, notes) are left alone. A folder with a bad name,
 * a missing file or a fix file named outside the rule is a problem, not a scenario.
 */
export function findScenarioFolders(paths: Iterable<string>, root: string): ScenarioDiscovery {
  const byFolder = new Map<string, string[]>();
  for (const path of paths) {
    if (!path.startsWith(root)) continue;
    const rest = path.slice(root.length).split('/');
    if (rest.length < 2 || rest[0] === '') continue;
    const list = byFolder.get(rest[0]);
    if (list) list.push(rest.slice(1).join('/'));
    else byFolder.set(rest[0], [rest.slice(1).join('/')]);
  }
  const folders: ScenarioLayout[] = [];
  const problems: string[] = [];
  for (const folder of [...byFolder.keys()].sort()) {
    const found = layoutOf(`${root}${folder}`, folder, byFolder.get(folder)!);
    if (typeof found === 'string') problems.push(found);
    else folders.push(found);
  }
  return { folders, problems };
}

/** The layout of one folder from its files (paths inside it), or why it is not a scenario. */
function layoutOf(dir: string, id: string, inside: readonly string[]): ScenarioLayout | string {
  if (!isScenarioId(id)) {
    return `${dir}: a scenario's folder name is its id, made of lowercase letters, digits and dashes`;
  }
  const present = new Set(inside);
  const missing = Object.values(SCENARIO_FILES).filter((f) => !present.has(f));
  if (missing.length > 0) return `${dir} has no ${missing.join(', ')}`;
  const fixes: ScenarioLayout['fixes'] = [];
  for (const file of [...inside].sort()) {
    const [sub, name, deeper] = file.split('/');
    if (sub !== FIXES_DIR || name === undefined || deeper !== undefined || !name.endsWith('.ts')) continue;
    const kind = fixKindOf(name);
    if (!kind) return `${dir}/${FIXES_DIR}/${name}: a fix is named ${FIX_KINDS.map((k) => `${k}-<name>.ts`).join(', ')} (lowercase)`;
    fixes.push({ name, kind, path: `${dir}/${file}` });
  }
  const files = Object.fromEntries(Object.entries(SCENARIO_FILES).map(([role, f]) => [role, `${dir}/${f}`]));
  return { id, dir, files: files as Record<ScenarioFileRole, string>, fixes };
}
