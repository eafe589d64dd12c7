/**
 * The time box of the scenario a learner is on, counted on the server's clock (the one that
 * says when they came to it): how long is left, or by how much it is over. Being over blocks
 * nothing; it is information for the learner, as the host's dashboard shows it for them.
 */
import { formatTimeLeft } from '../interview/roundClock.ts';
import type { TrackStep } from './api.ts';
import { formatDuration } from './dashboardRows.ts';

/** Which scenario a learner is on and since when, in the server's milliseconds. */
export interface OnScenario {
  scenarioId: string;
  sinceMs: number;
}

export interface TimeBoxState {
  scenarioId: string;
  minutes: number;
  /** Time left; negative once over. */
  leftMs: number;
  over: boolean;
}

/** Null when the scenario has no time box on this track, or is not on it. */
export function timeBoxState(track: readonly TrackStep[], on: OnScenario | null, serverNowMs: number): TimeBoxState | null {
  if (!on) return null;
  const minutes = track.find((s) => s.scenarioId === on.scenarioId)?.minutes;
  if (minutes === undefined) return null;
  const leftMs = on.sinceMs + minutes * 60_000 - serverNowMs;
  return { scenarioId: on.scenarioId, minutes, leftMs, over: leftMs <= 0 };
}

/** "12:04 left of 20 min", "the 20 min time box is up", "3 min over the 20 min time box". */
export function describeTimeBox(box: TimeBoxState): string {
  if (!box.over) return `${formatTimeLeft(box.leftMs)} left of ${box.minutes} min`;
  if (-box.leftMs < 60_000) return `the ${box.minutes} min time box is up`;
  return `${formatDuration(-box.leftMs)} over the ${box.minutes} min time box`;
}
