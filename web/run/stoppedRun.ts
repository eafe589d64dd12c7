/**
 * A stopped run, shown for the part that ran. The runner's summary of a stopped run divides
 * its rates by the whole planned duration (a run stopped halfway "served 79/s" where it served
 * twice that), so the page measures the part that ran from the series and gives rates over
 * that. Its SLOs are not judged: a part of a run neither meets nor misses a target set for
 * the whole.
 */
import type { RunSummary } from '../../runner/index.ts';
// The metric vocabulary is light (no simulator), so the page may import it.
import { findMetric } from '../../runner/scenario/index.ts';

/**
 * Virtual milliseconds the run covered. The runner closes a bucket every simulated second until
 * the stop, then one more holding the last part of a second, which says how long it is
 * (`spanMs`). Summaries from before that closed the last bucket at the planned end instead.
 */
export function ranForMs(summary: RunSummary): number {
  const series = summary.series;
  const last = series[series.length - 1];
  if (last && last.tMs < summary.windowMs) return Math.min(summary.windowMs, last.tMs + (last.spanMs ?? 1000));
  const closed = series.filter((b) => b.tMs < summary.windowMs);
  const lastStart = closed.length ? closed[closed.length - 1].tMs : 0;
  const hasPartial = series.length > closed.length;
  return Math.min(summary.windowMs, hasPartial ? lastStart + 1000 : lastStart || summary.windowMs);
}

/** A per-second rate of the metric key's SLO (not a count, not a fraction). */
function isRate(metric: string, threshold: string): boolean {
  const known = findMetric(metric.split('{')[0].trim());
  return known?.unit === 'perSec' && !/^\s*count/.test(threshold);
}

/**
 * The summary with its rates over the part that ran and its last bucket at the stop. A
 * completed run, or one whose window already ends at the stop, is returned as it is.
 */
export function partThatRan(summary: RunSummary): RunSummary {
  if (summary.status !== 'aborted') return summary;
  const ranMs = ranForMs(summary);
  if (ranMs <= 0 || ranMs >= summary.windowMs) return summary;
  const scale = summary.windowMs / ranMs;
  const r = summary.requests;
  return {
    ...summary,
    windowMs: ranMs,
    requests: {
      ...r,
      throughputPerSec: r.throughputPerSec * scale,
      arrivalRatePerSec: r.arrivalRatePerSec * scale,
      inFlightMean: r.inFlightMean * scale,
    },
    routes: summary.routes.map((route) => ({ ...route, throughputPerSec: route.throughputPerSec * scale })),
    slos: summary.slos.map((s) => (s.actual !== null && isRate(s.metric, s.threshold) ? { ...s, actual: s.actual * scale } : s)),
    series: summary.series.map((b) => (b.tMs >= summary.windowMs ? { ...b, tMs: ranMs } : b)),
  };
}
