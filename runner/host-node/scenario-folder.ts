/**
 * Reads a scenario folder from disk: its definition module, README and code files. The
 * folder may be one of the bundled scenarios or any folder of the same shape.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ScenarioDefinition } from '../scenario/types.ts';
import { parseScenarioReadme, ReadmeError, type ScenarioReadme } from '../catalog/readme.ts';

export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/**
 * alt: another correct fix, must pass. wrong: a tempting fix that would not work in
 * production, must miss an SLO or check. cheat: answers without doing the work, must fail a
 * functional check that names the request.
 */
export type FixKind = 'alt' | 'wrong' | 'cheat';
const FIX_FILE = /^(alt|wrong|cheat)-.*\.ts$/;

export interface ScenarioFolder {
  dir: string;
  id: string;
  definition: ScenarioDefinition;
  /** scenario.ts as text: its SHA-256 goes into each summary's provenance. */
  scenarioSource: string;
  readme: ScenarioReadme;
  starter: string;
  solution: string | undefined;
  /** fixes/alt-*.ts, fixes/wrong-*.ts and fixes/cheat-*.ts, their kind from the file name. */
  fixes: { name: string; kind: FixKind; code: string }[];
}

export class ScenarioNotFound extends Error {}

/** scenario.ts exists but cannot be loaded: a syntax error, or it throws as it is imported. */
export class ScenarioLoadFailed extends Error {}

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
  const file = join(dir, 'scenario.ts');
  allowScenarioFoldersAnywhere();
  let mod: { default?: ScenarioDefinition };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: ScenarioDefinition };
  } catch (err) {
    throw new ScenarioLoadFailed(`${file} failed to load: ${describeLoadError(err, file)}`);
  }
  if (!mod.default || typeof mod.default !== 'object') throw new ScenarioLoadFailed(`${file} has no default export.`);
  const read = (f: string): string | undefined => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
  const fixesDir = join(dir, 'fixes');
  const fixes = existsSync(fixesDir)
    ? readdirSync(fixesDir)
        .filter((f) => FIX_FILE.test(f))
        .sort()
        .map((f) => ({ name: f, kind: FIX_FILE.exec(f)![1] as FixKind, code: readFileSync(join(fixesDir, f), 'utf8') }))
    : [];
  return {
    dir,
    id: mod.default.id ?? basename(dir),
    definition: mod.default,
    scenarioSource: read('scenario.ts') ?? '',
    readme: readReadme(dir, read('README.md')),
    starter: read('starter.ts') ?? '',
    solution: read('solution.ts'),
    fixes,
  };
}

function readReadme(dir: string, text: string | undefined): ScenarioReadme {
  if (text === undefined) throw new ScenarioLoadFailed(`${dir} has no README.md (its title, difficulty, tags and minutes).`);
  try {
    return parseScenarioReadme(text);
  } catch (err) {
    if (err instanceof ReadmeError) throw new ScenarioLoadFailed(`${join(dir, 'README.md')}: ${err.message}`);
    throw err;
  }
}

let hooksRegistered = false;

/** Lets scenario.ts be an ES module wherever its folder is (see scenario-module-hooks.mjs). */
function allowScenarioFoldersAnywhere(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  // module.register arrived in Node 20.6; older versions keep Node's own reading.
  if (typeof nodeModule.register === 'function') nodeModule.register(new URL('./scenario-module-hooks.mjs', import.meta.url));
}

/** One line saying why scenario.ts did not load, with its position when known. */
function describeLoadError(err: unknown, file: string): string {
  try {
    // A syntax error, as the TypeScript loader (esbuild) words it: "Transform failed with 1
    // error:" then "<file>:<line>:<column>: ERROR: <text>", the column counted from 0.
    const message = err instanceof Error ? err.message : '';
    const syntax = /^Transform failed with (\d+) errors?:\n(.+):(\d+):(\d+): ERROR: (.*)$/m.exec(message);
    if (syntax) {
      const [, count, at, line, column, text] = syntax;
      const more = Number(count) > 1 ? ` (and ${Number(count) - 1} more)` : '';
      return `${basename(at)}:${line}:${Number(column) + 1}: ${text}${more}`;
    }
    if (err instanceof Error) {
      // An exception thrown while the module ran: where in scenario.ts, if its stack says.
      const frame = typeof err.stack === 'string' ? err.stack.split('\n').find((l) => l.includes(file)) : undefined;
      const pos = frame?.slice(frame.lastIndexOf(file) + file.length).match(/^:(\d+):(\d+)/);
      return `${pos ? `scenario.ts:${pos[1]}:${pos[2]}: ` : ''}${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`;
    }
    return `it threw ${String(err)}`;
  } catch {
    return 'it threw a value that cannot be shown';
  }
}
