/**
 * A mistake in a scenario's definition: the author's bug, found when the scenario is loaded,
 * never a run the learner fails. It names the scenario (once the loader knows which folder it
 * came from) and each field that is wrong, so one message says everything to fix.
 */

/** One thing wrong with a definition: where (`slos[2].metric`) and what. */
export interface ScenarioProblem {
  field: string;
  message: string;
}

export class ScenarioError extends Error {
  /**
   * @param problems every mistake found, in the order of the definition's fields
   * @param scenarioId the folder's id, when known (`defineScenario` runs before the loader knows it)
   */
  constructor(
    readonly problems: readonly ScenarioProblem[],
    readonly scenarioId?: string,
  ) {
    const where = scenarioId === undefined ? 'scenario definition' : `scenario ${scenarioId}`;
    super(`${where}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'ScenarioError';
  }

  /** The same problems, named after the scenario they belong to. */
  forScenario(scenarioId: string): ScenarioError {
    return new ScenarioError(this.problems, scenarioId);
  }
}

/**
 * Whether `err` is a ScenarioError, also one from another copy of this module (the CLI's host
 * and a scenario file may load the runner through different module graphs).
 */
export function isScenarioError(err: unknown): err is ScenarioError {
  if (err instanceof ScenarioError) return true;
  return err instanceof Error && err.name === 'ScenarioError' && Array.isArray((err as ScenarioError).problems);
}
