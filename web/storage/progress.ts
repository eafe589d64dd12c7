/** Which scenarios the learner has solved (every SLO met in a completed run). */
import { isRecord, readJson, writeJson } from './local.ts';

export interface ScenarioProgress {
  solvedAt?: number;
  /** The learner looked at the reference solution before (or after) solving. */
  solutionRevealed?: boolean;
}

type ProgressMap = Record<string, ScenarioProgress>;

export function loadProgress(): ProgressMap {
  const stored = readJson('progress', isRecord) ?? {};
  // Entries of the wrong shape are dropped one by one: the others are still the learner's.
  // (`fromEntries` defines keys, so a stored "__proto__" is a key like any other.)
  return Object.fromEntries(Object.entries(stored).flatMap(([id, entry]) => (isRecord(entry) ? [[id, progressOf(entry)]] : [])));
}

function progressOf(entry: Record<string, unknown>): ScenarioProgress {
  const p: ScenarioProgress = {};
  if (typeof entry.solvedAt === 'number') p.solvedAt = entry.solvedAt;
  if (typeof entry.solutionRevealed === 'boolean') p.solutionRevealed = entry.solutionRevealed;
  return p;
}

export function updateProgress(scenarioId: string, patch: ScenarioProgress): ProgressMap {
  const all = loadProgress();
  all[scenarioId] = { ...all[scenarioId], ...patch };
  writeJson('progress', all);
  return all;
}
