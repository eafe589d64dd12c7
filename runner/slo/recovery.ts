/**
 * Recovery time after a downstream fault: from the end of the last fault until the service's
 * failure rate stays at or under RECOVERY_FAILURE_RATE_MAX in every window of
 * RECOVERY_SUSTAIN_MS from then on, at 100 ms resolution. A stray timeout after recovery
 * (one in a window of hundreds of requests) does not move it; a sustained relapse does.
 * A service that never recovers scores (nearly) the rest of the run: the last whole window
 * ends with the observation.
 */
import { OUTCOME_BIN_MS, type OutcomeTimeline } from '../metrics/outcome-timeline.ts';
import type { RecoveryMeasure } from '../summary-schema.ts';

/** Healthy: at most this share of the requests completed in a window failed. */
export const RECOVERY_FAILURE_RATE_MAX = 0.01;
/** How long the service must stay healthy for it to count as recovered. */
export const RECOVERY_SUSTAIN_MS = 5000;

export function measureRecovery(timeline: OutcomeTimeline, faultEndMs: number, windowMs: number): RecoveryMeasure {
  const bins = Math.ceil(windowMs / OUTCOME_BIN_MS);
  const first = Math.min(Math.floor(faultEndMs / OUTCOME_BIN_MS), bins);
  const span = RECOVERY_SUSTAIN_MS / OUTCOME_BIN_MS;
  const { completed, failed } = timeline.prefixSums(bins);
  const unhealthy = (from: number, to: number): boolean => {
    const n = completed[to] - completed[from];
    return n > 0 && (failed[to] - failed[from]) / n > RECOVERY_FAILURE_RATE_MAX;
  };
  // Only whole windows judge: the last few hundred ms of a run hold too few requests for a
  // rate. A run too short for one whole window after the fault is judged on what it has.
  let lastUnhealthy = -1;
  if (first + span > bins) {
    if (unhealthy(first, bins)) lastUnhealthy = bins - 1;
  } else {
    for (let s = first; s + span <= bins; s++) if (unhealthy(s, s + span)) lastUnhealthy = s;
  }
  const recoveredAtMs = Math.min(lastUnhealthy < 0 ? faultEndMs : (lastUnhealthy + 1) * OUTCOME_BIN_MS, windowMs);
  return {
    faultEndMs,
    recoveredAtMs: Math.max(recoveredAtMs, faultEndMs),
    sustainMs: RECOVERY_SUSTAIN_MS,
    failureRateMax: RECOVERY_FAILURE_RATE_MAX,
    resolutionMs: OUTCOME_BIN_MS,
  };
}
