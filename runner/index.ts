/**
 * The runner's public entry. `web/`, `scenarios/` and the CLI import the runner only from here.
 */
export type * from './scenario/types.ts';
export {
  defineScenario,
  loadDefinition,
  findScenarioFolders,
  isScenarioError,
  ScenarioError,
  SCENARIO_FILES,
  type FixKind,
  type ScenarioDiscovery,
  type ScenarioLayout,
  type ScenarioProblem,
} from './scenario/index.ts';
export type * from './run-types.ts';
export type * from './summary-schema.ts';
export { createPrng, type Prng } from './sim/prng.ts';
export { runTimeline } from './load/timeline.ts';
export { createCompiler, COMPILE_OPTIONS, type Compiler, type EsbuildApi } from './sandbox/compile.ts';
export { runScenario, type RunHost } from './run.ts';
export { ENGINE_VERSION, sha256Hex } from './provenance.ts';
export { setDatabaseSnapshots, prepareDatabase, type DatabaseSnapshots } from './runtime/remote/database/shared-database.ts';
export { makeEmptySnapshot, makePreparedSnapshot, setupDigest } from './runtime/remote/database/snapshot.ts';
export type { EngineFiles } from './runtime/remote/database/database.ts';
export { BadInput, CompileFailed } from './errors.ts';
export { PLATFORM_TYPES, type TypeFile } from './sandbox/platform-types.ts';
export { LIBRARY_NAMES } from './sandbox/libraries.ts';
export { parseScenarioReadme, type ScenarioReadme, type ScenarioMeta } from './catalog/readme.ts';
