/**
 * Test helpers: run a scenario folder in-process with given code, the way the CLI does but
 * without the worker thread (tests of the watchdog use runInWorker directly).
 */
import { fileURLToPath } from 'node:url';
import { runScenario } from '../../runner/run.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
import { loadScenarioFolder } from '../../runner/host-node/scenario-folder.ts';
import type { RunSummary } from '../../runner/summary-schema.ts';
import type { ScenarioDefinition } from '../../runner/scenario/types.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export async function runFolder(
  folder: string,
  code?: string,
  seed = 1,
  patch?: (d: ScenarioDefinition) => ScenarioDefinition,
): Promise<RunSummary> {
  const f = await loadScenarioFolder(folder);
  const def = patch ? patch(f.definition) : f.definition;
  return runScenario(def, { ...nodeHost(), code: code ?? f.starter, seed });
}

export function route(s: RunSummary, key: string) {
  const r = s.routes.find((x) => x.route === key);
  if (!r) throw new Error(`no route ${key} in summary`);
  return r;
}

/** Little's law on a summary: L = λW, both measured independently by the collector. */
export function littleGap(s: RunSummary): number {
  const lambdaW = (s.requests.arrivalRatePerSec * s.requests.latencyMeanMs) / 1000;
  return Math.abs(s.requests.inFlightMean - lambdaW) / Math.max(lambdaW, 1e-9);
}
