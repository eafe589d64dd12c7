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

/** Formats an SLO's measured value by what its metric measures. */
export function sloValue(metric: string, threshold: string, v: number | null): string {
  if (v == null) return 'no data';
  // k6's http_reqs rate is requests per second; every other rate is a share.
  if (/^rate/.test(threshold)) return /^http_reqs\b/.test(metric) ? `${v.toFixed(1)}/s` : pct(v);
  if (/duration|latency|delay|_ms|Ms/.test(metric) && !/^count/.test(threshold)) return ms(v);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}
