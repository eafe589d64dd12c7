/**
 * Applies a scenario's SLOs to a run's measurements. The runner owns the measurements and
 * answers `lookup`; this file owns what the thresholds mean.
 */
import type { SloResult } from '../summary-schema.ts';
import type { SloSpec } from '../scenario/types.ts';
import { metricKeyProblem } from '../metrics/vocabulary.ts';
import { metricKey, parseMetricKey } from './metric-key.ts';
import { evaluate, parseThreshold, type Threshold } from './threshold.ts';

/**
 * Measured value of one aggregation (`p(99)`, `avg`, `rate`, …) of one series, or null when
 * the series has no data. `metricKey` arrives canonical (tags sorted, as `metricKey()` writes
 * it), so the runner can look it up by exact string.
 */
export type MetricLookup = (metricKey: string, aggregation: string) => number | null;

/** What the scenario's SLOs may name in their tags: the routes its load sends, its downstream hosts. */
export interface SloTagValues {
  routes: readonly string[];
  hosts: readonly string[];
}

/**
 * One result per SLO, in the scenario's order. A malformed threshold, or a metric key outside
 * the vocabulary (unknown metric or tag, a route the load never sends, an aggregation that does
 * not fit), throws an Error naming the SLO: it is a bug in the scenario, not something the
 * learner did, and failing the SLO as "no data" would blame their code.
 */
export function evaluateSlos(slos: SloSpec[], lookup: MetricLookup, known: SloTagValues, loadScale = 1): SloResult[] {
  // Check every SLO before the first lookup, so a broken scenario fails the same way whatever
  // the run measured.
  const parsed = slos.map((slo) => scaledToLoad(parseSlo(slo, known), loadScale));
  return slos.map((slo, i) => {
    const { key, threshold, scaled } = parsed[i];
    const measured = lookup(key, threshold.aggregation);
    // NaN is how an empty trend answers; report it as "no data", which also keeps it out of JSON.
    const actual = measured === null || Number.isNaN(measured) ? null : measured;
    return {
      label: scaled ? `${slo.label} (load ×${loadScale}: ${threshold.aggregation}${threshold.op}${scaled})` : slo.label,
      metric: slo.metric,
      threshold: scaled ? `${threshold.aggregation}${threshold.op}${scaled}` : slo.threshold,
      actual,
      pass: evaluate(threshold, actual),
    };
  });
}

/**
 * A threshold on how many requests the service answered (`http_reqs`: `rate>15`, `count>=900`)
 * is written for the load at ×1; at another load scale the requests sent scale with it, so the
 * threshold does too: at ×0.5 a service cannot answer 15 a second when 8 arrive. Every other
 * threshold (latency, failure rate, a downstream's calls) stays as written.
 */
function scaledToLoad(
  parsed: { key: string; threshold: Threshold },
  loadScale: number,
): { key: string; threshold: Threshold; scaled?: number } {
  const { threshold } = parsed;
  if (loadScale === 1 || parseMetricKey(parsed.key).name !== 'http_reqs') return parsed;
  if (threshold.aggregation !== 'rate' && threshold.aggregation !== 'count') return parsed;
  const target = Number((threshold.target * loadScale).toPrecision(12));
  return { ...parsed, threshold: { ...threshold, target }, scaled: target };
}

function parseSlo(slo: SloSpec, known: SloTagValues): { key: string; threshold: Threshold } {
  const where = `scenario SLO "${slo.label}" (${slo.metric} ${slo.threshold})`;
  const threshold = parseThreshold(slo.threshold);
  if (!threshold.ok) throw new Error(`${where}: ${threshold.message}`);
  const problem = metricKeyProblem(slo.metric, threshold.aggregation, known.routes, known.hosts);
  if (problem) throw new Error(`${where}: ${problem}`);
  // The key parsed above, and its names are the vocabulary's, so writing it canonically cannot throw.
  const { name, tags } = parseMetricKey(slo.metric);
  return { key: metricKey(name, tags), threshold };
}
