/**
 * Reads a scenario folder from disk: its definition module, README and code files. The
 * folder may be one of the bundled scenarios or any folder of the same shape (the rule is
 * runner/scenario/layout.ts; the definition is checked by runner/scenario/load-definition.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioDefinition } from '../scenario/types.ts';
import { isScenarioId, type FixKind } from '../scenario/layout.ts';
import { loadDefinition, nameScenarioError } from '../scenario/load-definition.ts';
import { isScenarioError } from '../scenario/scenario-error.ts';
import { parseScenarioReadme, ReadmeError, type ScenarioReadme } from '../catalog/readme.ts';
import { folderLayout, ScenarioLoadFailed, ScenarioNotFound, SCENARIOS_DIR, scenarioIds } from './scenario-discovery.ts';

export { ScenarioLoadFailed, ScenarioNotFound, SCENARIOS_DIR, scenarioIds };
export type { FixKind };

export interface ScenarioFolder {
  dir: string;
  /** The folder's name. */
  id: string;
  /** What scenario.ts exports, checked, with its defaults and the folder's id. */
  definition: ScenarioDefinition;
  /** scenario.ts as text: its SHA-256 goes into each summary's provenance. */
  scenarioSource: string;
  readme: ScenarioReadme;
  starter: string;
  solution: string;
  /** fixes/alt-*.ts, fixes/wrong-*.ts and fixes/cheat-*.ts, their kind from the file name. */
  fixes: { name: string; kind: FixKind; code: string }[];
}

/** Resolves an id of a bundled scenario or a path to a folder. */
export function resolveScenarioDir(idOrPath: string): string {
  const asPath = resolve(idOrPath);
  if (isDirectory(asPath)) return asPath;
  const bundled = join(SCENARIOS_DIR, idOrPath);
  if (isScenarioId(idOrPath) && isDirectory(bundled)) return bundled;
  const known = scenarioIds().join(', ');
  throw new ScenarioNotFound(
    existsSync(asPath)
      ? `${idOrPath} is not a folder, so it is not a scenario folder.`
      : `No scenario "${idOrPath}". Known scenarios: ${known}; or give the path to a scenario folder.`,
  );
}

export async function loadScenarioFolder(idOrPath: string): Promise<ScenarioFolder> {
  const dir = resolveScenarioDir(idOrPath);
  const layout = folderLayout(dir);
  const { id, files } = layout;
  const read = (file: string): string => readFileSync(file, 'utf8');
  // The README first: a folder whose README does not parse is not worth importing.
  const readme = readReadme(files.readme, read(files.readme));
  return {
    dir,
    id,
    definition: await importDefinition(id, files.definition),
    scenarioSource: read(files.definition),
    readme,
    starter: read(files.starter),
    solution: read(files.solution),
    fixes: layout.fixes.map((f) => ({ name: f.name, kind: f.kind, code: read(f.path) })),
  };
}

/** scenario.ts's default export as the runner's definition, or why it cannot be. */
async function importDefinition(id: string, file: string): Promise<ScenarioDefinition> {
  allowScenarioFoldersAnywhere();
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    // defineScenario found a mistake as the module ran: the author's, named with the scenario.
    if (isScenarioError(err)) throw new ScenarioLoadFailed(`${file}: ${(nameScenarioError(id, err) as Error).message}`);
    throw new ScenarioLoadFailed(`${file} failed to load: ${describeLoadError(err, file)}`);
  }
  try {
    return loadDefinition(id, mod.default);
  } catch (err) {
    if (isScenarioError(err)) throw new ScenarioLoadFailed(`${file}: ${err.message}`);
    throw err;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readReadme(file: string, text: string): ScenarioReadme {
  try {
    return parseScenarioReadme(text);
  } catch (err) {
    if (err instanceof ReadmeError) throw new ScenarioLoadFailed(`${file}: ${err.message}`);
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
