/**
 * Reads a scenario folder from disk: its definition module, README and code files. The
 * folder may be one of the bundled scenarios or any folder of the same shape.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ScenarioDefinition } from '../types.ts';
import { parseScenarioReadme, type ScenarioReadme } from '../catalog/readme.ts';

export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export interface ScenarioFolder {
  dir: string;
  id: string;
  definition: ScenarioDefinition;
  readme: ScenarioReadme;
  starter: string;
  solution: string | undefined;
  /** fixes/alt-*.ts and fixes/wrong-*.ts by file name. */
  fixes: { name: string; kind: 'alt' | 'wrong'; code: string }[];
}

export class ScenarioNotFound extends Error {}

export function scenarioIds(): string[] {
  return readdirSync(SCENARIOS_DIR)
    .filter((d) => existsSync(join(SCENARIOS_DIR, d, 'scenario.ts')))
    .sort();
}

/** Resolves an id of a bundled scenario or a path to a folder. */
export function resolveScenarioDir(idOrPath: string): string {
  const asPath = resolve(idOrPath);
  if (existsSync(join(asPath, 'scenario.ts'))) return asPath;
  const bundled = join(SCENARIOS_DIR, idOrPath);
  if (/^[a-z0-9-]+$/.test(idOrPath) && existsSync(join(bundled, 'scenario.ts'))) return bundled;
  const known = scenarioIds().join(', ');
  throw new ScenarioNotFound(
    existsSync(asPath) && statSync(asPath).isDirectory()
      ? `${idOrPath} has no scenario.ts, so it is not a scenario folder.`
      : `No scenario "${idOrPath}". Known scenarios: ${known}; or give the path to a scenario folder.`,
  );
}

export async function loadScenarioFolder(idOrPath: string): Promise<ScenarioFolder> {
  const dir = resolveScenarioDir(idOrPath);
  const mod = (await import(pathToFileURL(join(dir, 'scenario.ts')).href)) as { default?: ScenarioDefinition };
  if (!mod.default || typeof mod.default !== 'object') throw new ScenarioNotFound(`${join(dir, 'scenario.ts')} has no default export.`);
  const read = (f: string): string | undefined => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
  const fixesDir = join(dir, 'fixes');
  const fixes = existsSync(fixesDir)
    ? readdirSync(fixesDir)
        .filter((f) => /^(alt|wrong)-.*\.ts$/.test(f))
        .sort()
        .map((f) => ({ name: f, kind: f.startsWith('alt-') ? ('alt' as const) : ('wrong' as const), code: readFileSync(join(fixesDir, f), 'utf8') }))
    : [];
  return {
    dir,
    id: mod.default.id ?? basename(dir),
    definition: mod.default,
    readme: parseScenarioReadme(read('README.md') ?? ''),
    starter: read('starter.ts') ?? '',
    solution: read('solution.ts'),
    fixes,
  };
}
