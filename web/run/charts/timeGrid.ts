/**
 * The x values the charts share and how a bucket's counts become rates. Each point sits at
 * the end of its bucket, in virtual seconds. Buckets are a second long except the last of a
 * run, which ends where the run's window (or its stop) does and says how long it is: its
 * counts are scaled to a second, or, when it is too short for that to mean anything, it is
 * left out, so a chart never ends on a drop to zero that did not happen.
 */
import type { SeriesBucket } from '../../../runner/index.ts';

/** A last bucket shorter than this is left out: scaled to a second, a few requests read as noise. */
export const PARTIAL_BUCKET_MS_MIN = 250;

/** A bucket's value: `perSecond` turns one of its counts into a rate (1 for a whole second). */
export type Pick = (b: SeriesBucket, perSecond: number) => number | null;

export interface Point {
  xSec: number;
  bucket: SeriesBucket;
  /** Multiplies a count of this bucket into a rate per second. */
  perSecond: number;
}

/** The buckets worth drawing, at the end of each; a too-short last bucket is left out. */
export function pointsOf(buckets: readonly SeriesBucket[]): Point[] {
  const out: Point[] = [];
  for (const bucket of buckets) {
    const spanMs = bucket.spanMs ?? 1000;
    if (spanMs < PARTIAL_BUCKET_MS_MIN) continue;
    out.push({ xSec: roundMs((bucket.tMs + spanMs) / 1000), bucket, perSecond: 1000 / spanMs });
  }
  return out;
}

/** The sorted union of the runs' x values, so a run and the starter's share one x array. */
export function gridOf(...runs: Point[][]): number[] {
  const xs = new Set<number>();
  for (const run of runs) for (const p of run) xs.add(p.xSec);
  return [...xs].sort((a, b) => a - b);
}

/** One value per x of the grid: the run's where it has a point, else a gap. */
export function valuesOn(grid: readonly number[], points: readonly Point[], pick: Pick): (number | null)[] {
  const at = new Map<number, Point>();
  for (const p of points) at.set(p.xSec, p);
  return grid.map((x) => {
    const p = at.get(x);
    if (!p) return null;
    const v = pick(p.bucket, p.perSecond);
    return v === null || !Number.isFinite(v) ? null : v;
  });
}

const roundMs = (sec: number) => Math.round(sec * 1000) / 1000;
