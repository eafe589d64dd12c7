/**
 * Turns what a scenario folder's scenario.ts exports into the ScenarioDefinition the runner
 * runs, with the folder's name as its id. Every host calls this (the CLI, the tests, the
 * build, the lab worker), so a definition is checked the same way wherever it is loaded, also
 * one written as a plain object by a folder that cannot import the runner.
 */
import { withDefaults } from './define.ts';
import { definitionProblems } from './definition-problems.ts';
import { isScenarioId } from './layout.ts';
import { ScenarioError, isScenarioError } from './scenario-error.ts';
import type { ScenarioDefinition, ScenarioSpec } from './types.ts';

/** The definition of scenario `id` from its module's default export; throws a ScenarioError naming `id`. */
export function loadDefinition(id: string, exported: unknown): ScenarioDefinition {
  if (!isScenarioId(id)) throw new ScenarioError([{ field: 'id', message: 'a folder name of lowercase letters, digits and dashes' }], id);
  const problems = definitionProblems(exported);
  if (problems.length > 0) throw new ScenarioError(problems, id);
  return { id, ...withDefaults(exported as ScenarioSpec) };
}

/**
 * `err`, thrown while scenario `id`'s module was imported (by `defineScenario`, which does
 * not know its folder), named after the scenario; any other error as it is.
 */
export function nameScenarioError(id: string, err: unknown): unknown {
  return isScenarioError(err) && err.scenarioId === undefined ? new ScenarioError(err.problems, id) : err;
}
