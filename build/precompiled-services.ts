/**
 * Every bundled scenario's starter and solution, compiled at build time by the runner's own
 * compiler (esbuild-wasm with the options the worker uses, see `runner/sandbox/compile.ts`),
 * so a learner's first run, which is nearly always the starter, needs no compiler at all:
 * esbuild's 10 MB of wasm then loads once the lab is idle instead of while the database and
 * the editor are starting on the same two cores.
 *
 * The worker imports `virtual:precompiled-services`: per scenario folder, a loader of that
 * scenario's entries (a chunk of its own, fetched only for that scenario). An entry is used
 * only for the exact text it was compiled from; any other text goes to esbuild.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'vite';
import type { CompileResult } from '../runner/index.ts';
import { bundledScenarios } from './bundled-scenarios.ts';

const VIRTUAL_ID = 'virtual:precompiled-services';
const RESOLVED_ID = '\0' + VIRTUAL_ID;
/** One module per scenario: `virtual:precompiled-services/<folder>`. */
const SCENARIO_PREFIX = `${VIRTUAL_ID}/`;
const COMPILED_FILES = ['starter', 'solution'] as const;

type CompileApi = typeof import('../runner/sandbox/compile.ts');

export interface PrecompiledService {
  source: string;
  result: CompileResult;
}

let compiling: Promise<(code: string) => Promise<CompileResult>> | undefined;

/** The runner's compiler over esbuild-wasm in Node, as the CLI builds it (through tsx). */
function compiler(root: string): Promise<(code: string) => Promise<CompileResult>> {
  compiling ??= (async () => {
    const { tsImport } = await import('tsx/esm/api');
    const file = pathToFileURL(path.join(root, 'runner', 'sandbox', 'compile.ts')).href;
    const { createCompiler } = (await tsImport(file, import.meta.url)) as CompileApi;
    return createCompiler(await import('esbuild-wasm'));
  })();
  return compiling;
}

export function precompiledServices(): Plugin {
  let root = process.cwd();
  return {
    name: 'tailspin:precompiled-services',
    configResolved(config) {
      root = config.root;
    },
    resolveId(id) {
      return id === VIRTUAL_ID || id.startsWith(SCENARIO_PREFIX) ? '\0' + id : undefined;
    },
    async load(id) {
      if (id === RESOLVED_ID) {
        const ids = bundledScenarios(root).map((f) => f.id);
        const loaders = ids.map((f) => `${JSON.stringify(f)}: () => import(${JSON.stringify(SCENARIO_PREFIX + f)}).then((m) => m.default)`);
        return `export const precompiled = { ${loaders.join(', ')} };`;
      }
      if (!id.startsWith('\0' + SCENARIO_PREFIX)) return undefined;
      const scenarioId = id.slice(1 + SCENARIO_PREFIX.length);
      const folder = bundledScenarios(root).find((f) => f.id === scenarioId);
      if (!folder) throw new Error(`no bundled scenario ${scenarioId}`);
      const compile = await compiler(root);
      const entries: PrecompiledService[] = [];
      for (const role of COMPILED_FILES) {
        const file = folder.files[role];
        this.addWatchFile(file);
        const source = await readFile(file, 'utf8');
        entries.push({ source, result: await compile(source) });
      }
      return `export default ${JSON.stringify(entries)};`;
    },
  };
}
