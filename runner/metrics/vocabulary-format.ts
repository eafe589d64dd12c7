/**
 * Formats a measured value by what its metric measures, for the CLI report and the lab alike:
 * the vocabulary decides the unit, the caller decides how a unit is written (the terminal
 * keeps one decimal of milliseconds, the lab's checklist fewer digits). No unit is guessed from
 * a metric's name, and a metric outside the vocabulary is shown as a plain number.
 *
 * A light module (no simulator imports), so the page may import it.
 */
import { parseThreshold } from '../slo/threshold.ts';
import { findMetric, metricValueUnit, type MetricUnit } from './vocabulary.ts';

/** How one renderer writes each unit; `number` is for a metric outside the vocabulary. */
export type UnitFormats = Readonly<Record<MetricUnit | 'number', (value: number) => string>>;

/** Text for a missing value: the SLO had nothing to measure. */
export const NO_DATA_TEXT = 'no data';

/**
 * A value of one aggregation (`p(99)`, `rate`, `count`, canonical) of a metric key, or
 * `no data` for null. The key's tags do not matter: a route tag says nothing about the unit.
 */
export function formatMetricValue(metric: string, aggregation: string, value: number | null, formats: UnitFormats): string {
  if (value === null) return NO_DATA_TEXT;
  if (aggregation === 'count') return formats.count(value);
  const known = findMetric(metricName(metric));
  return known ? formats[metricValueUnit(known, aggregation)](value) : formats.number(value);
}

/** An SLO's measured value, its aggregation read from the threshold (`p(99)<150` → `p(99)`). */
export function formatSloValue(metric: string, threshold: string, value: number | null, formats: UnitFormats): string {
  const parsed = parseThreshold(threshold);
  return formatMetricValue(metric, parsed.ok ? parsed.aggregation : '', value, formats);
}

/** The name part of a key; lenient, because a report must render even a key the verdict would refuse. */
function metricName(metric: string): string {
  return metric.split('{')[0].trim();
}
