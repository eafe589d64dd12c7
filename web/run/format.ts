/** Number formatting for tables: units in the text, no false precision. */
// The metric vocabulary is a light runner module (no simulator), so the page may import it.
import { formatSloValue, type UnitFormats } from '../../runner/scenario/index.ts';

/** Milliseconds, as seconds from one second up, so "31.0 s" never stands beside "3000 ms". */
export function ms(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '–';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${Math.round(v)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

export function perSec(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '–';
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)}/s`;
}

export function pct(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '–';
  if (v === 0) return '0%';
  if (v < 0.001) return '<0.1%';
  return `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
}

/** A plain number: integers grouped (`2,990`), others with two decimals. */
function plain(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}

/** How the lab writes each unit of the runner's metric vocabulary. */
const LAB_UNIT_FORMATS: UnitFormats = {
  ms,
  fraction: pct,
  perSec,
  ratio: (v) => `${v.toFixed(2)}×`,
  count: (v) => Math.round(v).toLocaleString('en-US'),
  perRequest: (v) => `${Number.isInteger(v) ? v : v.toFixed(2).replace(/\.?0+$/, '')}/req`,
  number: plain,
};

/** Formats an SLO's measured value by what its metric measures (the unit comes from the vocabulary). */
export function sloValue(metric: string, threshold: string, v: number | null): string {
  return formatSloValue(metric, threshold, v, LAB_UNIT_FORMATS);
}

/** How a threshold's comparison reads in a sentence. */
const OPERATOR_WORDS: Record<string, string> = {
  '<': 'under',
  '<=': 'at most',
  '>': 'over',
  '>=': 'at least',
  '==': 'exactly',
  '!=': 'not',
};

/** How an aggregation is named before its value; the others (`rate`, `value`) need no name. */
function aggregationWords(aggregation: string): string {
  const percentile = /^p\((.+)\)$/.exec(aggregation);
  if (percentile) return `p${percentile[1]} `;
  return { avg: 'average ', min: 'minimum ', max: 'maximum ', med: 'median ', count: 'total ' }[aggregation] ?? '';
}

/** A number written for a target: no trailing zeros (`3 s`, `1%`, `1.3×`). */
function trimZeros(text: string): string {
  return text.replace(/(\d)\.(\d*?)0+(?!\d)/, (_, whole: string, rest: string) => (rest ? `${whole}.${rest}` : whole));
}

/**
 * An SLO's target in words, with the metric's unit: `p(99)<25` on a latency reads "p99 under
 * 25 ms", `rate<0.01` on failures "under 1%", `value<5000` on a recovery time "under 5 s".
 * A threshold that does not read as `aggregation operator number` is shown as written.
 */
export function sloTarget(metric: string, threshold: string): string {
  const m = /^\s*(p\s*\([^)]*\)|[a-z]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/.exec(threshold);
  const target = m ? Number(m[3]) : Number.NaN;
  if (!m || !Number.isFinite(target)) return threshold;
  const aggregation = m[1].replace(/\s+/g, '');
  const value = trimZeros(sloValue(metric, threshold, target));
  return `${aggregationWords(aggregation)}${OPERATOR_WORDS[m[2]]} ${value}`;
}
