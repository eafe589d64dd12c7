/**
 * Where a run ends on the scenario page, it is handed here: when the lab has joined a room
 * and the scenario is on its track, a report goes to the outbox. Nothing here can fail the
 * run: a problem ends up as a message in the workshop bar.
 */
import type { RunSummary } from '../../runner/index.ts';
import { onTrack, sendReport } from './learnerWorkshop.ts';
import { newRunId, reportOfFailure, reportOfSummary } from './runReport.ts';

export function reportFinishedRun(summary: RunSummary, code: string): void {
  if (!onTrack(summary.scenarioId)) return;
  try {
    sendReport(reportOfSummary(summary, code, newRunId()));
  } catch (err) {
    console.error('workshop: the run report could not be made', err);
  }
}

/** A compile error, a failed or a stuck run: the room sees why it gave no verdict. */
export function reportFailedRun(scenarioId: string, code: string, seed: number, message: string): void {
  if (!onTrack(scenarioId)) return;
  try {
    sendReport(reportOfFailure(scenarioId, code, seed, message, newRunId()));
  } catch (err) {
    console.error('workshop: the run report could not be made', err);
  }
}
