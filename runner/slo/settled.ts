/**
 * When a run's verdict is settled before the run ends: an SLO that can no longer be met,
 * whatever the rest of the run does. A main thread saturated by the service's own
 * JavaScript can never simulate faster than real time (that JavaScript really runs), so
 * such a run ends as soon as its failure is certain instead of at the wall-clock limit; the
 * verdict is the one the full run would give, and the stop depends on nothing but the code,
 * the scenario and the seed.
 *
 * Only upper bounds (`<`, `<=`) can settle, on what is only ever added to:
 * - a trend's `p(N)` (and `med`, `max` = p(100)): the run records at most `nMax` samples of
 *   the metric. If `k` samples so far fail the threshold (are at or above it), the final
 *   sorted samples have at most `n - k` below it, and p(N) interpolates from index
 *   floor(N/100·(n-1)); once `nMax - k <= floor(N/100·(nMax-1))`, that index holds a failing
 *   sample for every final count n ≤ nMax (the left side grows by 1 per sample, the right
 *   by at most 1), so p(N) fails too.
 * - a trend's `avg`: samples are durations, never negative, so the final mean is at least
 *   the sum so far over `nMax`.
 * - `rate` of http_req_failed: failures only add up, so the final rate is at least the
 *   failures so far over the most requests that can finish, `nMax`.
 * Each bound is a value the final measure cannot go below, and an upper-bound threshold that
 * fails at a value fails at every larger one. Lower bounds (a throughput `rate>X`) are never
 * settled early: the value they are shown with at the stop could still pass.
 */
import type { SloSpec } from '../scenario/types.ts';
import type { Collector } from '../metrics/collector.ts';
import type { Trend } from '../metrics/trend.ts';
import { parseMetricKey } from './metric-key.ts';
import { aggregationPercentile, evaluate, parseThreshold, type Threshold } from './threshold.ts';
import { formatMetricValue, type UnitFormats } from '../metrics/vocabulary-format.ts';

/** What bounds the rest of the run: fixed by the scenario and the seed, never by the service. */
export interface RunBounds {
  /** Logical requests the whole run sends (open loop: the schedule is fixed by the seed). */
  arrivalsTotal: () => number;
  /** The most event-loop delay samples the run can still record from `nowMs` on. */
  loopDelaySamplesLeftMax: (nowMs: number) => number;
}

/** An SLO that can no longer be met, and the numbers that show it. */
export interface SettledMiss {
  slo: SloSpec;
  /** Samples (or failed requests) so far that fail the threshold, or the sum of samples for `avg`. */
  observed: number;
  /** The most samples (or finished requests) the whole run can have. */
  countMax: number;
  /** The value the final measure cannot go below, which already fails the threshold. */
  valueMin: number;
  /** The evidence in words. */
  reason: string;
}

type Measure = (bounds: RunBounds, nowMs: number) => { trend: Trend; countMax: number } | undefined;

interface Settleable {
  slo: SloSpec;
  threshold: Threshold;
  check: (nowMs: number) => SettledMiss | undefined;
}

/** The scenario's SLOs that can settle, checked against one run's collector. */
export class VerdictSettler {
  readonly #settleable: Settleable[];

  constructor(slos: readonly SloSpec[], collector: Collector, bounds: RunBounds) {
    this.#settleable = slos.flatMap((slo) => {
      const s = settleable(slo, collector, bounds);
      return s ? [s] : [];
    });
  }

  /** Whether any SLO of the scenario can settle before the end. */
  get canSettle(): boolean {
    return this.#settleable.length > 0;
  }

  /** The first SLO, in the scenario's order, that can no longer be met at `nowMs`. */
  check(nowMs: number): SettledMiss | undefined {
    for (const s of this.#settleable) {
      const miss = s.check(nowMs);
      if (miss) return miss;
    }
    return undefined;
  }
}

function settleable(slo: SloSpec, collector: Collector, bounds: RunBounds): Settleable | undefined {
  const threshold = parseThreshold(slo.threshold);
  if (!threshold.ok || (threshold.op !== '<' && threshold.op !== '<=')) return undefined;
  let name: string;
  let tags: Record<string, string>;
  try {
    ({ name, tags } = parseMetricKey(slo.metric));
  } catch {
    return undefined; // the verdict reports a malformed key; nothing to settle here
  }
  const route = tags.route;
  const routeCountMax = (): number | undefined => {
    const tally = route === undefined ? undefined : collector.routes.get(route);
    if (route !== undefined && !tally) return undefined;
    // Every request still to arrive may be this route's.
    const left = bounds.arrivalsTotal() - collector.arrivals;
    return (tally ? tally.requests : collector.arrivals) + left;
  };
  const failsAt = (value: number): boolean => !evaluate(threshold, value);
  if (name === 'http_req_failed' && threshold.aggregation === 'rate') {
    return {
      slo,
      threshold,
      check: () => {
        const countMax = routeCountMax();
        if (countMax === undefined || countMax === 0) return undefined;
        const tally = route === undefined ? undefined : collector.routes.get(route);
        const failed = tally ? tally.errors + tally.timeouts : collector.errors + collector.timeouts;
        const valueMin = failed / countMax;
        if (!failsAt(valueMin)) return undefined;
        return {
          slo,
          observed: failed,
          countMax,
          valueMin,
          reason: `${failed} requests have failed and the run can finish at most ${countMax}, so at least ${percent(valueMin)} of them fail`,
        };
      },
    };
  }
  let measure: Measure | undefined;
  if (name === 'http_req_duration') {
    measure = () => {
      const countMax = routeCountMax();
      if (countMax === undefined) return undefined;
      const trend = route === undefined ? collector.overallAnswered : collector.routes.get(route)!.answered;
      return { trend, countMax };
    };
  } else if (name === 'eventloop_delay') {
    measure = (b, nowMs) => ({
      trend: collector.eventLoopDelay,
      countMax: collector.eventLoopDelay.count + b.loopDelaySamplesLeftMax(nowMs),
    });
  }
  if (!measure) return undefined;
  const what = name === 'eventloop_delay' ? 'event-loop delay samples' : 'requests';
  const agg = threshold.aggregation;
  const target = formatMetricValue(slo.metric, agg, threshold.target, EVIDENCE_FORMATS);
  const p = agg === 'max' ? 100 : agg === 'med' ? 50 : aggregationPercentile(agg);
  if (p !== null) {
    return {
      slo,
      threshold,
      check: (nowMs) => {
        const m = measure(bounds, nowMs);
        if (!m || m.trend.count === 0) return undefined;
        const failing = m.trend.countWhere(failsAt);
        // The index p(N) interpolates from, were the run to record its most samples.
        const rankIndex = Math.floor((p * (m.countMax - 1)) / 100);
        if (failing === 0 || m.countMax - failing > rankIndex) return undefined;
        return {
          slo,
          observed: failing,
          countMax: m.countMax,
          valueMin: threshold.target,
          reason:
            `${failing} ${what} so far took ${target} or more, and the run can record at most ${m.countMax}: ` +
            `with more than ${percent(1 - p / 100)} of them at ${target} or more, ${agg} cannot end under ${target}`,
        };
      },
    };
  }
  if (agg === 'avg') {
    return {
      slo,
      threshold,
      check: (nowMs) => {
        const m = measure(bounds, nowMs);
        if (!m || m.trend.count === 0) return undefined;
        const sum = m.trend.mean * m.trend.count;
        const valueMin = sum / m.countMax;
        if (!failsAt(valueMin)) return undefined;
        return {
          slo,
          observed: sum,
          countMax: m.countMax,
          valueMin,
          reason:
            `the ${what} so far add up to ${formatMetricValue(slo.metric, agg, sum, EVIDENCE_FORMATS)} and the run can record ` +
            `at most ${m.countMax}, so the mean is at least ${formatMetricValue(slo.metric, agg, valueMin, EVIDENCE_FORMATS)}`,
        };
      },
    };
  }
  return undefined;
}

/** How the evidence writes values: at most three decimals, in the metric's unit. */
const EVIDENCE_FORMATS: UnitFormats = {
  ms: (v) => `${round(v)} ms`,
  fraction: (v) => percent(v),
  perSec: (v) => `${round(v)}/s`,
  ratio: (v) => String(round(v)),
  count: (v) => String(round(v)),
  perRequest: (v) => String(round(v)),
  number: (v) => String(round(v)),
};

function percent(x: number): string {
  return `${round(x * 100)}%`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
