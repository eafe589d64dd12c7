/**
 * Which lines of the learner's code the editor marks as hot after a run, and how hot: by their
 * share of the main thread's busy time, so a cool run stays cool (a line that is the hottest of
 * almost nothing is not painted red).
 */
import type { CpuProfile } from '../../runner/index.ts';
import type { HeatMark } from '../editor/editorHandle.ts';

/** Lines marked in the gutter at most: the few worth looking at first. */
export const HEAT_LINES_MAX = 5;

/** Shares of busy time from which a line is marked at level 1, 2, 3 and 4. */
const LEVEL_SHARES_MIN = [0.001, 0.01, 0.05, 0.25] as const;

/** 0 (not marked) to 4 (a quarter or more of the main thread's busy time). */
export function heatLevel(share: number): HeatMark['level'] | 0 {
  let level = 0;
  for (const min of LEVEL_SHARES_MIN) if (share >= min) level++;
  return level as HeatMark['level'] | 0;
}

/** A share of busy time as the lab writes it: `98.4%`, `0.2%`, `<0.1%`. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(1)}%`;
}

/** The hottest lines, as gutter marks with a note for their hover. */
export function heatMarks(profile: CpuProfile | undefined): HeatMark[] {
  if (!profile || profile.busyMs <= 0) return [];
  const marks: HeatMark[] = [];
  for (const l of profile.lines) {
    const share = l.selfMs / profile.busyMs;
    const level = heatLevel(share);
    if (level === 0) continue;
    marks.push({
      line: l.line,
      level,
      note: `${formatShare(share)} of the main thread's CPU (${formatSelfMs(l.selfMs)}) in ${l.functionName}`,
    });
    if (marks.length >= HEAT_LINES_MAX) break;
  }
  return marks;
}

/** Milliseconds of CPU as the profile table writes them. */
export function formatSelfMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(ms >= 1 ? 1 : 3)} ms`;
}
