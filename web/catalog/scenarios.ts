/**
 * The scenario catalog, discovered by folder with the rule every host uses
 * (runner/scenario/layout.ts): a `scenarios/<id>/` with a README.md, a scenario.ts, a
 * starter.ts and a solution.ts is a scenario. The build refuses a folder that breaks the rule
 * (build/precompiled-services.ts), so here one can only be met in development: it is left out
 * and named on the console. A README that does not parse still lists the scenario, with its
 * error, so an author sees what to fix.
 */
// The scenario entry is light: the page's bundle does not carry the simulator (it runs in the
// worker).
import { findScenarioFolders, parseScenarioReadme, SCENARIOS_GLOB_ROOT, type ScenarioReadme } from '../../runner/scenario/index.ts';

const readmes = import.meta.glob<string>('/scenarios/*/README.md', { query: '?raw', import: 'default', eager: true });
const starters = import.meta.glob<string>('/scenarios/*/starter.ts', { query: '?raw', import: 'default', eager: true });
const solutions = import.meta.glob<string>('/scenarios/*/solution.ts', { query: '?raw', import: 'default', eager: true });
// Only its path matters here (the worker loads the definitions): lazy, so never fetched.
const definitions = import.meta.glob<string>('/scenarios/*/scenario.ts', { query: '?raw', import: 'default' });

export interface CatalogEntry {
  id: string;
  readme: ScenarioReadme | null;
  /** Why the README could not be read, when `readme` is null. */
  readmeError?: string;
  starter: string;
  solution: string;
}

function build(): CatalogEntry[] {
  const paths = [readmes, starters, solutions, definitions].flatMap((files) => Object.keys(files));
  const { folders, problems } = findScenarioFolders(paths, SCENARIOS_GLOB_ROOT);
  for (const problem of problems) console.error(`Not a scenario: ${problem}`);
  const entries: CatalogEntry[] = folders.map(({ id, files }) => {
    let readme: ScenarioReadme | null = null;
    let readmeError: string | undefined;
    try {
      readme = parseScenarioReadme(readmes[files.readme]);
    } catch (e) {
      readmeError = e instanceof Error ? e.message : String(e);
    }
    return { id, readme, readmeError, starter: starters[files.starter], solution: solutions[files.solution] };
  });
  const rank = { beginner: 0, intermediate: 1, advanced: 2 } as const;
  return entries.sort(
    (a, b) => (a.readme ? rank[a.readme.meta.difficulty] : 3) - (b.readme ? rank[b.readme.meta.difficulty] : 3) || a.id.localeCompare(b.id),
  );
}

export const catalog: readonly CatalogEntry[] = build();

export function findScenario(id: string): CatalogEntry | undefined {
  return catalog.find((e) => e.id === id);
}
