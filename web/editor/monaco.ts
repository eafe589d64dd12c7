/**
 * Monaco, bundled locally (never from a CDN) with only what a TypeScript editor needs: the
 * editor's features and the TypeScript language, without the css/html/json language services
 * and the other eighty languages. Also wires its workers and gives
 * the TypeScript service exactly the platform's declarations, so an unsupported module or
 * call is underlined before any run.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import { typescriptDefaults, ScriptTarget, ModuleKind, ModuleResolutionKind } from 'monaco-editor/languages/features/typescript/register';
import 'monaco-editor/languages/definitions/typescript/register';
// Every editor feature (their services depend on each other), but no other language.
import 'monaco-editor/features/register.all';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import { loader } from '@monaco-editor/react';
import { useUi } from '../store/uiStore.ts';
import { typeScriptServiceMayStart } from '../app/lab.ts';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'typescript' || label === 'javascript' ? typeScriptServiceMayStart().then(() => new TsWorker()) : new EditorWorker();
  },
};

typescriptDefaults.setCompilerOptions({
  target: ScriptTarget.ESNext,
  module: ModuleKind.ESNext,
  moduleResolution: ModuleResolutionKind.NodeJs,
  // No DOM and no @types/node: only what the simulated platform provides type-checks.
  lib: ['es2022'],
  strict: true,
  noEmit: true,
  allowNonTsExtensions: true,
  esModuleInterop: true,
});
typescriptDefaults.setEagerModelSync(true);

// The declarations arrive from the lab worker, usually before the editor has loaded.
function addPlatformTypes(files: { path: string; content: string }[] | null): boolean {
  if (!files) return false;
  typescriptDefaults.setExtraLibs(files.map((f) => ({ filePath: f.path, content: f.content })));
  return true;
}
if (!addPlatformTypes(useUi.getState().platformTypes)) {
  const unsubscribe = useUi.subscribe((s) => {
    if (addPlatformTypes(s.platformTypes)) unsubscribe();
  });
}

loader.config({ monaco });

export { monaco };
