/**
 * Golden summaries: for every scenario, tests/golden/<id>.json holds what each of its files
 * (starter.ts, solution.ts, every fixes/*.ts) gives at the golden seed: verdict, request
 * counts, each SLO's measured value, each check's counts. A change to the model that moves
 * any of these numbers fails here even when no verdict flips; when the change is meant,
 * `npm run golden:update` rewrites the files and the diff goes into review with it.
 *
 * Runs the contract test already made in this invocation are reused (run-records.ts); the
 * rest are run here. Set SCENARIO=<id> to look at one scenario only.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../runner/run.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
// The scenario list and folder reading the contract test uses (the rule is runner/scenario/layout.ts).
import { discoverScenarios } from '../../runner/host-node/scenario-discovery.ts';
import { loadScenarioFolder, type ScenarioFolder } from '../../runner/host-node/scenario-folder.ts';
import { formatGoldenFile } from './golden-file.ts';
import { GOLDEN_SEED, goldenRunOf, type GoldenRun } from './golden-run.ts';
import { recordedRun } from './run-records.ts';

/** Every file of one scenario run here, when the contract test has made none of the runs. */
const SCENARIO_RUNS_TIMEOUT_MS = 900_000;

const only = process.env.SCENARIO;
const allIds = discoverScenarios().folders.map((f) => f.id);
const ids = allIds.filter((id) => !only || id === only);

/** The files a golden file covers, named as in the scenario folder, in a fixed order. */
function codeFiles(folder: ScenarioFolder): [file: string, code: string][] {
  return [
    ['starter.ts', folder.starter],
    ['solution.ts', folder.solution],
    ...folder.fixes.map((f): [string, string] => [`fixes/${f.name}`, f.code]),
  ];
}

for (const id of ids) {
  describe(`golden ${id}`, () => {
    it(
      `seed ${GOLDEN_SEED}: every file's verdict, counts and SLO values match tests/golden/${id}.json`,
      async () => {
        const folder = await loadScenarioFolder(id);
        const runs: [string, GoldenRun][] = [];
        let reused = 0;
        for (const [file, code] of codeFiles(folder)) {
          const recorded = recordedRun(id, code);
          if (recorded) reused++;
          runs.push([file, recorded ?? goldenRunOf(await runScenario(folder.definition, { ...nodeHost(), code, seed: GOLDEN_SEED }))]);
        }
        console.log(`golden ${id}: ${reused} of ${runs.length} runs taken from the contract test, ${runs.length - reused} run here`);
        await expect(
          formatGoldenFile(id, runs),
          `a number moved: if the model change is meant, run \`npm run golden:update\` and commit tests/golden/${id}.json`,
        ).toMatchFileSnapshot(`./${id}.json`);
      },
      SCENARIO_RUNS_TIMEOUT_MS,
    );
  });
}

// A missing golden file is the snapshot's business: written on a local run, a failure in CI.
it.skipIf(only)('no golden file is left from a scenario that is gone', () => {
  const files = readdirSync(new URL('./', import.meta.url)).filter((f) => f.endsWith('.json'));
  expect(files.map((f) => f.replace(/\.json$/, '')).filter((id) => !allIds.includes(id))).toEqual([]);
});
