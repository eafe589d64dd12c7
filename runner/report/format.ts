/**
 * Number formatting for reports. Deterministic (no locale: `toLocaleString` would print
 * `1,234.5` on one laptop and `1 234,5` on another).
 */
import { formatSloValue, type UnitFormats } from '../metrics/vocabulary-format.ts';

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

/** How the CLI writes each unit of the metric vocabulary. */
const REPORT_UNIT_FORMATS: UnitFormats = {
  ms: formatMs,
  fraction: formatPercent,
  perSec: formatPerSec,
  ratio: formatNumber,
  count: formatNumber,
  perRequest: formatNumber,
  number: formatNumber,
};

/**
 * The measured value of an SLO, in its metric's unit from the vocabulary: `512.3 ms`, `1.25%`,
 * `49.8/s`; a count, a ratio or a metric outside the vocabulary as a plain number.
 */
export function formatSloActual(metric: string, threshold: string, actual: number | null): string {
  return formatSloValue(metric, threshold, actual, REPORT_UNIT_FORMATS);
}
