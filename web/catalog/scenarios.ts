/**
 * The scenario catalog, discovered by folder: a `scenarios/<id>/` with a README.md, a
 * starter.ts and a solution.ts is a scenario. A README that does not parse still lists the
 * scenario, with its error, so an author sees what to fix.
 */
// The parser is imported on its own, not through runner/index.ts, so the page's bundle
// does not carry the simulator (it runs in the worker).
import { parseScenarioReadme, type ScenarioReadme } from '../../runner/catalog/readme.ts';

const readmes = import.meta.glob<string>('/scenarios/*/README.md', { query: '?raw', import: 'default', eager: true });
const starters = import.meta.glob<string>('/scenarios/*/starter.ts', { query: '?raw', import: 'default', eager: true });
const solutions = import.meta.glob<string>('/scenarios/*/solution.ts', { query: '?raw', import: 'default', eager: true });

export interface CatalogEntry {
  id: string;
  readme: ScenarioReadme | null;
  /** Why the README could not be read, when `readme` is null. */
  readmeError?: string;
  starter: string;
  solution: string;
}

function folderOf(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 2];
}

function byFolder(files: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(files).map(([path, text]) => [folderOf(path), text]));
}

function build(): CatalogEntry[] {
  const starterBy = byFolder(starters);
  const solutionBy = byFolder(solutions);
  const entries: CatalogEntry[] = [];
  for (const [id, md] of byFolder(readmes)) {
    let readme: ScenarioReadme | null = null;
    let readmeError: string | undefined;
    try {
      readme = parseScenarioReadme(md);
    } catch (e) {
      readmeError = e instanceof Error ? e.message : String(e);
    }
    entries.push({ id, readme, readmeError, starter: starterBy.get(id) ?? '', solution: solutionBy.get(id) ?? '' });
  }
  const rank = { beginner: 0, intermediate: 1, advanced: 2 } as const;
  return entries.sort(
    (a, b) =>
      (a.readme ? rank[a.readme.meta.difficulty] : 3) - (b.readme ? rank[b.readme.meta.difficulty] : 3) ||
      a.id.localeCompare(b.id),
  );
}

export const catalog: readonly CatalogEntry[] = build();

export function findScenario(id: string): CatalogEntry | undefined {
  return catalog.find((e) => e.id === id);
}
