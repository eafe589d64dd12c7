/**
 * The checks a submission runs: the final code on each seed the candidate saw, then on each
 * hidden seed at the hidden load scale. Each is recorded as it ends, so a reload during the
 * checks runs only those still missing.
 */
import type { InterviewSettings, RoundRecord, RunPurpose } from '../../runner/interview/index.ts';
import type { RunSummary } from '../../runner/index.ts';
import type { LabClient } from '../lab/LabClient.ts';

export interface CheckSpec {
  purpose: Extract<RunPurpose, 'final' | 'hidden'>;
  seed: number;
  loadScale: number;
}

/** Every check of a submission, in the order they run. `visibleScale` is the candidate's load scale. */
export function allChecks(settings: InterviewSettings, visibleScale: number): CheckSpec[] {
  return [
    ...settings.visibleSeeds.map((seed) => ({ purpose: 'final' as const, seed, loadScale: visibleScale })),
    ...settings.hidden.seeds.map((seed) => ({ purpose: 'hidden' as const, seed, loadScale: settings.hidden.loadScale })),
  ];
}

/** The checks not yet recorded after the submission. */
export function pendingChecks(records: readonly RoundRecord[], checks: CheckSpec[]): CheckSpec[] {
  const submitAt = records.findIndex((r) => r.event.type === 'submit');
  if (submitAt < 0) return checks;
  const done = records
    .slice(submitAt)
    .flatMap((r) => (r.event.type === 'run' ? [`${r.event.purpose}:${r.event.seed}:${r.event.loadScale}`] : []));
  return checks.filter((c) => !done.includes(`${c.purpose}:${c.seed}:${c.loadScale}`));
}

export type CheckOutcome = { summary: RunSummary } | { failure: string };

/** Runs one check on the lab worker; a run that cannot finish is an outcome, not an error. */
export function runCheck(client: LabClient, scenarioId: string, code: string, check: CheckSpec): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    client.run(
      { scenarioId, code, seed: check.seed, loadScale: check.loadScale },
      {
        onCompiled: () => {},
        onProgress: () => {},
        onCompileFailed: (d) => resolve({ failure: `compile error: ${d[0]?.message ?? 'unknown'}` }),
        onDone: (summary) => resolve({ summary }),
        onCancelled: () => resolve({ failure: 'the run was stopped before it began' }),
        onFailed: (message) => resolve({ failure: message }),
        onHung: () => resolve({ failure: 'the service stopped answering' }),
      },
    );
  });
}
