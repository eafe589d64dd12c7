/** Number formatting for tables: units in the text, no false precision. */
// The metric vocabulary is a light runner module (no simulator), so the page may import it.
import { formatSloValue, type UnitFormats } from '../../runner/scenario/index.ts';

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
