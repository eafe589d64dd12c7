/**
 * Number formatting for reports. Deterministic (no locale: `toLocaleString` would print
 * `1,234.5` on one laptop and `1 234,5` on another).
 */
import { parseMetricKey } from '../slo/metric-key.ts';
import { parseThreshold } from '../slo/threshold.ts';

/** Milliseconds with one decimal: `512.3 ms`. */
export function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

/** A fraction as a percentage with two decimals: 0.0125 → `1.25%`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** Integers as they are, other values with at most two decimals: `3`, `1.5`, `0.33`. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const text = value.toFixed(2).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** A virtual duration: `850 ms` below a second, `60.0 s` from a second on. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${formatNumber(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A per-second rate with one decimal: `49.8/s`. */
export function formatPerSec(perSec: number): string {
  return `${perSec.toFixed(1)}/s`;
}

/**
 * The measured value of an SLO, with a unit guessed from the threshold and the metric: counts
 * are plain numbers; `rate` (a fraction of requests) is a percentage; a metric whose name says
 * duration, delay, time or `_ms` is in milliseconds; anything else is a plain number.
 */
export function formatSloActual(metric: string, threshold: string, actual: number | null): string {
  if (actual === null) return 'no data';
  const parsed = parseThreshold(threshold);
  const aggregation = parsed.ok ? parsed.aggregation : '';
  if (aggregation === 'count') return formatNumber(actual);
  // k6's http_reqs rate is per second; every other rate is a share.
  if (aggregation === 'rate') return metricName(metric) === 'http_reqs' ? formatPerSec(actual) : formatPercent(actual);
  // The name only: a route tag such as `GET /timeline` says nothing about the unit.
  if (/duration|delay|_ms|time/i.test(metricName(metric))) return formatMs(actual);
  return formatNumber(actual);
}

function metricName(metric: string): string {
  try {
    return parseMetricKey(metric).name;
  } catch {
    // A report must render even for a key the verdict would refuse.
    return metric.split('{')[0];
  }
}
