/**
 * k6-style threshold expressions (`p(99)<150`, `rate<0.01`, `value==0`) and the metric keys
 * they apply to (`http_req_duration{route:GET /posts/:id}`).
 *
 * Grammar, whitespace allowed between parts:
 *   threshold   = aggregation operator number
 *   aggregation = "p(" number ")" | "avg" | "min" | "max" | "med" | "count" | "rate" | "value"
 *   operator    = "<" | "<=" | ">" | ">=" | "==" | "!="
 * Numbers are unitless decimals (durations are milliseconds), optionally signed, with an
 * optional exponent.
 */
// Metric keys live in their own file; re-exported because thresholds and keys travel together.
export { metricKey, parseMetricKey } from './metric-key.ts';
export type { MetricKey } from './metric-key.ts';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Threshold {
  ok: true;
  /** Canonical aggregation: `p(99.9)` (number re-printed, no spaces), `avg`, `rate`, … */
  aggregation: string;
  op: ThresholdOp;
  target: number;
}

export type ThresholdParse = Threshold | { ok: false; message: string };

const AGGREGATIONS = ['avg', 'min', 'max', 'med', 'count', 'rate', 'value'];
const OPERATORS: readonly string[] = ['<', '<=', '>', '>=', '==', '!='];
const AGGREGATIONS_EXPECTED = 'p(N), avg, min, max, med, count, rate or value';
const OPERATORS_EXPECTED = '<, <=, >, >=, == or !=';
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const PERCENTILE = /^p\s*\(\s*([^)]*?)\s*\)$/;
/** Relative tolerance under which a measured value counts as equal to its target. */
const EQUAL_TOLERANCE_RELATIVE = 1e-9;

/** Parses a threshold expression; on failure the message names the part that is wrong. */
export function parseThreshold(expr: string): ThresholdParse {
  const fail = (why: string): ThresholdParse => ({ ok: false, message: `threshold "${expr}": ${why}` });
  const text = expr.trim();
  if (text === '') return fail('empty expression (expected e.g. p(99)<150)');

  const opStart = text.search(/[<>=!]/);
  const aggregationText = (opStart < 0 ? text : text.slice(0, opStart)).trim();
  const aggregation = parseAggregation(aggregationText);
  if (typeof aggregation !== 'string') return fail(aggregation.message);
  if (opStart < 0) return fail(`missing operator after "${aggregationText}" (expected ${OPERATORS_EXPECTED})`);

  const opText = /^[<>=!]+/.exec(text.slice(opStart))![0];
  if (!OPERATORS.includes(opText)) {
    const hint = opText === '=' ? '; did you mean "=="?' : '';
    return fail(`unknown operator "${opText}" (expected ${OPERATORS_EXPECTED})${hint}`);
  }
  const op = opText as ThresholdOp;

  const targetText = text.slice(opStart + opText.length).trim();
  if (targetText === '') return fail(`missing number after "${op}"`);
  if (!NUMBER.test(targetText)) {
    return fail(`"${targetText}" is not a number (thresholds are unitless; durations are in ms)`);
  }
  return { ok: true, aggregation, op, target: Number(targetText) };
}

/** Parses `p(N)` or a named aggregation into its canonical text, or explains what is wrong. */
function parseAggregation(text: string): string | { message: string } {
  if (text === '') return { message: `missing aggregation (expected ${AGGREGATIONS_EXPECTED})` };
  if (AGGREGATIONS.includes(text)) return text;
  const percentile = PERCENTILE.exec(text);
  if (percentile) {
    const n = percentile[1];
    if (!NUMBER.test(n) || !(Number(n) >= 0 && Number(n) <= 100)) {
      return { message: `percentile "${n}" in "${text}" must be a number from 0 to 100` };
    }
    return `p(${Number(n)})`;
  }
  // `p99` and `p95` are the usual slip (other tools spell percentiles that way).
  const hint = /^p\d+(\.\d+)?$/.test(text) ? `; did you mean "p(${text.slice(1)})"?` : '';
  return { message: `unknown aggregation "${text}" (expected ${AGGREGATIONS_EXPECTED})${hint}` };
}

/** The percentile of a canonical `p(N)` aggregation, or null for the named aggregations. */
export function aggregationPercentile(aggregation: string): number | null {
  const match = /^p\((.*)\)$/.exec(aggregation);
  return match ? Number(match[1]) : null;
}

/**
 * Applies a parsed threshold to a measured value. No data (null or NaN) fails, whatever the
 * operator: an SLO nobody measured is not met. Values within a relative 1e-9 of the target
 * count as equal for every operator alike (so `rate==0.3` holds for 0.1 + 0.2, and `rate<0.3`
 * does not), because measured values come out of float arithmetic; zero compares exactly.
 */
export function evaluate(parsed: Threshold, actual: number | null): boolean {
  if (actual === null || Number.isNaN(actual)) return false;
  const order = compareWithTolerance(actual, parsed.target);
  switch (parsed.op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
  }
}

function compareWithTolerance(actual: number, target: number): -1 | 0 | 1 {
  if (actual === target) return 0;
  // Without this an infinite value would be "within tolerance" of anything (inf <= 1e-9 * inf).
  if (!Number.isFinite(actual) || !Number.isFinite(target)) return actual < target ? -1 : 1;
  const scale = Math.max(Math.abs(actual), Math.abs(target));
  if (Math.abs(actual - target) <= EQUAL_TOLERANCE_RELATIVE * scale) return 0;
  return actual < target ? -1 : 1;
}
