/** Number formatting for tables: units in the text, no false precision. */

export function ms(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '–';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
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

/** How the runner's metric vocabulary is measured, for display. */
const METRIC_UNITS: Record<string, 'ms' | 'fraction' | 'ratio' | 'perSec'> = {
  http_req_duration: 'ms',
  eventloop_delay: 'ms',
  recovery_time: 'ms',
  http_req_failed: 'fraction',
  checks: 'fraction',
  downstream_retry_amplification: 'ratio',
  http_reqs: 'perSec',
};

/** Formats an SLO's measured value by what its metric measures. */
export function sloValue(metric: string, threshold: string, v: number | null): string {
  if (v == null) return 'no data';
  const name = metric.replace(/\{.*$/, '');
  const aggregation = threshold.replace(/\s*[<>=!].*$/, '');
  const unit = METRIC_UNITS[name];
  if (aggregation === 'count') return Math.round(v).toLocaleString('en-US');
  if (unit === 'ms') return ms(v);
  if (unit === 'fraction') return pct(v);
  if (unit === 'ratio') return `${v.toFixed(2)}×`;
  if (unit === 'perSec') return perSec(v);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}
