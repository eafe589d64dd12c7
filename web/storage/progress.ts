/** Which scenarios the learner has solved (every SLO met in a completed run). */
import { readJson, writeJson } from './local.ts';

export interface ScenarioProgress {
  solvedAt?: number;
  /** The learner looked at the reference solution before (or after) solving. */
  solutionRevealed?: boolean;
}

type ProgressMap = Record<string, ScenarioProgress>;

export function loadProgress(): ProgressMap {
  return readJson<ProgressMap>('progress') ?? {};
}

export function updateProgress(scenarioId: string, patch: ScenarioProgress): ProgressMap {
  const all = loadProgress();
  all[scenarioId] = { ...all[scenarioId], ...patch };
  writeJson('progress', all);
  return all;
}
