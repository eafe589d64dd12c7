/**
 * The room's results for the host to keep: CSV with one row per learner and track scenario
 * (what a spreadsheet wants), JSON with the dashboard and every run (what a script wants).
 * Neither holds a token or a hash of one; runs carry their code's SHA-256, never the code.
 */
import { type CsvCell, toCsv } from './csv.ts';
import type { Dashboard, StoredRun } from './store/workshop-store.ts';

export const CSV_HEADER = [
  'learner',
  'step',
  'scenario',
  'solved',
  'runs',
  'slos_met',
  'slos_total',
  'first_solved_at',
  'last_run_at',
  'last_finding',
  'hand_raised',
];

const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

export function resultsCsv(dashboard: Dashboard, runs: StoredRun[]): string {
  const byLearnerScenario = new Map<string, StoredRun[]>();
  for (const r of runs) {
    const key = `${r.learnerId}\n${r.scenarioId}`;
    byLearnerScenario.set(key, [...(byLearnerScenario.get(key) ?? []), r]);
  }
  const rows: CsvCell[][] = [];
  for (const learner of dashboard.learners) {
    dashboard.room.track.forEach(({ scenarioId }, i) => {
      const mine = byLearnerScenario.get(`${learner.learnerId}\n${scenarioId}`) ?? [];
      const last = mine.at(-1);
      const firstSolved = mine.find((r) => r.passed);
      rows.push([
        learner.name,
        i + 1,
        scenarioId,
        firstSolved !== undefined,
        mine.length,
        last ? last.slos.filter((s) => s.pass).length : '',
        last ? last.slos.length : '',
        iso(firstSolved?.receivedAtMs),
        iso(last?.receivedAtMs),
        last ? (last.error ?? last.findings[0]?.title ?? '') : '',
        learner.handRaised,
      ]);
    });
  }
  return toCsv(CSV_HEADER, rows);
}

export function resultsJson(dashboard: Dashboard, runs: StoredRun[]) {
  const names = new Map(dashboard.learners.map((l) => [l.learnerId, l.name]));
  return {
    format: 'tailspin-workshop-export/1',
    ...dashboard,
    runs: runs.map((r) => ({ learner: names.get(r.learnerId) ?? null, ...r })),
  };
}
