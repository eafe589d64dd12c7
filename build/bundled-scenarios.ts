/**
 * The bundled scenarios, as the build plugins see them: the folders of `<root>/scenarios`
 * that follow the layout rule every host uses (runner/scenario/layout.ts). A folder that
 * breaks it fails the build, named, rather than leaving a scenario out of the lab unnoticed.
 */
import path from 'node:path';
import { discoverScenarios } from '../runner/host-node/scenario-discovery.ts';
import type { ScenarioLayout } from '../runner/scenario/index.ts';

/** The scenario folders under `root` (the Vite root); throws when one breaks the layout. */
export function bundledScenarios(root: string): ScenarioLayout[] {
  const { folders, problems } = discoverScenarios(path.join(root, 'scenarios'));
  if (problems.length > 0) throw new Error(`scenarios/ holds folders that are not scenarios: ${problems.join('; ')}`);
  return folders;
}
