/**
 * `export default defineScenario({...})`: how every scenarios/<id>/scenario.ts declares its
 * scenario. It types the definition for the author's editor, rejects the mistakes that need
 * no id as the file is imported (see definition-problems.ts), and fills in the defaults, so
 * what the runner and the hosts read is complete. The id is not written here: it is the
 * folder's name, attached by the loader (load-definition.ts), which also names the scenario
 * in any error.
 */
import { definitionProblems } from './definition-problems.ts';
import { ScenarioError } from './scenario-error.ts';
import type { ScenarioDefinition, ScenarioSpec } from './types.ts';

/** The lab's load-scale control offers only 1 unless the scenario declares a range. */
export const LOAD_SCALE_DEFAULT = { min: 1, max: 1 } as const;

/** Checks `spec` and returns it with its defaults; throws a ScenarioError naming each mistake. */
export function defineScenario(spec: ScenarioSpec): ScenarioSpec {
  const problems = definitionProblems(spec);
  if (problems.length > 0) throw new ScenarioError(problems);
  return withDefaults(spec);
}

/**
 * `spec` with every optional list and range the hosts read filled in. Shallow copies of the
 * levels it fills: `platform` is kept as it is, so a lazy `setupSql` getter stays lazy.
 */
export function withDefaults<T extends ScenarioSpec | ScenarioDefinition>(spec: T): T {
  return {
    ...spec,
    load: { ...spec.load, loadScale: spec.load.loadScale ?? { ...LOAD_SCALE_DEFAULT } },
    checks: spec.checks ?? [],
    audits: spec.audits ?? [],
  };
}
