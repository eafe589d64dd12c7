/**
 * The runner's public entry. `web/`, `scenarios/` and the CLI import the runner only from here.
 */
export type * from './types.ts';
export { createPrng, type Prng } from './sim/prng.ts';
export { createCompiler, COMPILE_OPTIONS, type Compiler, type EsbuildApi } from './sandbox/compile.ts';
export { runScenario, type RunHost } from './run.ts';
export { ENGINE_VERSION, sha256Hex } from './provenance.ts';
export { setDatabaseSnapshots, prepareDatabase, type DatabaseSnapshots } from './runtime/db/shared-database.ts';
export { makeEmptySnapshot, makePreparedSnapshot, setupDigest } from './runtime/db/snapshot.ts';
export type { EngineFiles } from './runtime/db/database.ts';
export { BadInput, CompileFailed } from './errors.ts';
export { PLATFORM_TYPES, type TypeFile } from './sandbox/platform-types.ts';
export { LIBRARY_NAMES } from './sandbox/libraries.ts';
export { parseScenarioReadme, type ScenarioReadme, type ScenarioMeta } from './catalog/readme.ts';
export { derivePbkdf2ForSetup } from './runtime/crypto-setup.ts';
