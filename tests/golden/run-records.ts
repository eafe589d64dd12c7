/**
 * Hands the contract test's runs at the golden seed to the golden test, so one `vitest run`
 * runs each scenario file at that seed once, not twice (every file of every scenario takes
 * minutes on a small machine).
 *
 * Vitest runs each test file in its own worker, in an order it chooses, so the two files
 * cannot share memory. The contract test writes what the golden file keeps of each run to a
 * directory that run-records-setup.ts makes empty for this invocation and deletes after it,
 * named by scenario and code digest; the golden test takes a record when it finds one and
 * runs the file itself when it does not (the contract not in this invocation, not yet there,
 * or no longer running the golden seed). So a record never outlives the code that made it, and
 * a result never depends on the order the files ran in: only the time taken does.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { sha256Hex } from '../../runner/provenance.ts';
import type { RunSummary } from '../../runner/summary-schema.ts';
import { GOLDEN_SEED, goldenRunOf, type GoldenRun } from './golden-run.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this invocation's records go; made by run-records-setup.ts. */
    goldenRunRecordsDir: string;
  }
}

function recordFile(scenarioId: string, codeSha256: string): string | undefined {
  // Undefined when vitest runs without run-records-setup.ts: then nothing is shared.
  const dir = inject('goldenRunRecordsDir') as string | undefined;
  return dir ? join(dir, `${scenarioId}.seed-${GOLDEN_SEED}.${codeSha256}.json`) : undefined;
}

/**
 * Called by the contract test with each summary it gets: keeps those at the golden seed. The
 * run must have been made as the golden test makes it (the scenario's definition, the code and
 * the seed, nothing else).
 */
export function recordForGolden(s: RunSummary): void {
  if (s.seed !== GOLDEN_SEED) return;
  const file = recordFile(s.scenarioId, s.provenance.codeSha256);
  if (!file) return;
  // Written whole then renamed, so a reader in another worker never sees half a record.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(goldenRunOf(s)));
  renameSync(partial, file);
}

/** The contract test's run of this code at the golden seed in this invocation, if it made one. */
export function recordedRun(scenarioId: string, code: string): GoldenRun | undefined {
  const file = recordFile(scenarioId, sha256Hex(code));
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as GoldenRun;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
