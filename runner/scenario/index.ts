/**
 * The scenario package contract, light enough for the page and the build: the folder layout,
 * `defineScenario`, the loader that attaches the folder's id, the types a scenario is written
 * with, README parsing and the metric vocabulary (names, units, formatting). Nothing here
 * imports the simulator.
 */
export type * from './types.ts';
export type { Prng } from '../sim/prng.ts';
export type { PrecomputedPbkdf2 } from '../runtime/modules/crypto/known-keys.ts';
export type { KeyDerivation } from '../runtime/modules/crypto/derivations.ts';
export { defineScenario, withDefaults, LOAD_SCALE_DEFAULT } from './define.ts';
export { loadDefinition, nameScenarioError } from './load-definition.ts';
export { definitionProblems } from './definition-problems.ts';
export { ScenarioError, isScenarioError, type ScenarioProblem } from './scenario-error.ts';
export {
  findScenarioFolders,
  fixKindOf,
  isScenarioId,
  FIX_KINDS,
  FIXES_DIR,
  SCENARIO_FILES,
  SCENARIO_ID,
  SCENARIOS_GLOB_ROOT,
  type FixKind,
  type ScenarioDiscovery,
  type ScenarioFileRole,
  type ScenarioLayout,
} from './layout.ts';
export { perRun, readOnce, whenRead } from './per-run.ts';
export { derivationIndex, ledgerIndex } from './ledger-index.ts';
export { parseScenarioReadme, type ScenarioReadme, type ScenarioMeta } from '../catalog/readme.ts';
export { METRICS, findMetric, metricKeyProblem } from '../metrics/vocabulary.ts';
export { formatMetricValue, formatSloValue, type UnitFormats } from '../metrics/vocabulary-format.ts';
