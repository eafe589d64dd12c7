/**
 * Applies a scenario's SLOs to a run's measurements. The runner owns the measurements and
 * answers `lookup`; this file owns what the thresholds mean.
 */
import type { SloResult } from '../summary-schema.ts';
import type { SloSpec } from '../scenario/types.ts';
import { metricKey, parseMetricKey } from './metric-key.ts';
import { evaluate, parseThreshold, type Threshold } from './threshold.ts';

/**
 * Measured value of one aggregation (`p(99)`, `avg`, `rate`, …) of one series, or null when
 * the series has no data. `metricKey` arrives canonical (tags sorted, as `metricKey()` writes
 * it), so the runner can look it up by exact string.
 */
export type MetricLookup = (metricKey: string, aggregation: string) => number | null;

/**
 * One result per SLO, in the scenario's order. A malformed metric or threshold throws an Error
 * naming the SLO: it is a bug in the scenario, not something the learner did, and failing the
 * SLO instead would blame their code.
 */
export function evaluateSlos(slos: SloSpec[], lookup: MetricLookup): SloResult[] {
  // Check every SLO before the first lookup, so a broken scenario fails the same way whatever
  // the run measured.
  const parsed = slos.map((slo) => parseSlo(slo));
  return slos.map((slo, i) => {
    const { key, threshold } = parsed[i];
    const measured = lookup(key, threshold.aggregation);
    // NaN is how an empty trend answers; report it as "no data", which also keeps it out of JSON.
    const actual = measured === null || Number.isNaN(measured) ? null : measured;
    return {
      label: slo.label,
      metric: slo.metric,
      threshold: slo.threshold,
      actual,
      pass: evaluate(threshold, actual),
    };
  });
}

function parseSlo(slo: SloSpec): { key: string; threshold: Threshold } {
  const where = `scenario SLO "${slo.label}" (${slo.metric} ${slo.threshold})`;
  const threshold = parseThreshold(slo.threshold);
  if (!threshold.ok) throw new Error(`${where}: ${threshold.message}`);
  let key: string;
  try {
    const { name, tags } = parseMetricKey(slo.metric);
    key = metricKey(name, tags);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  return { key, threshold };
}
