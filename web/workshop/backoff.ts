/**
 * How long a client waits before trying again: doubling after each failure in a row, bounded,
 * with "equal jitter" (half the wait fixed, half drawn at random). Without the random half,
 * every browser that lost the server at the same moment (a restart cuts all live streams at
 * once) would come back at the same moments too, and the restarted server would meet the whole
 * room in one burst at each step. With it, they spread over half the wait, and none comes back
 * sooner than half of it.
 */

/** The wait after `failures` failed attempts in a row; `random` draws from [0, 1). */
export function jitteredBackoffMs(failures: number, minMs: number, maxMs: number, random: () => number): number {
  const capMs = Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1));
  return Math.round(capMs / 2 + random() * (capMs / 2));
}
