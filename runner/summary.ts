/**
 * Turns a finished run's measurements into the versioned summary: totals, per-route stats,
 * the metric values SLOs are judged on, SLO and check results, errors, console and series.
 */
import type { CheckResult, EarlyStop, RecoveryMeasure, RunProvenance, RunStatus, RunSummary } from './summary-schema.ts';
import type { ScenarioDefinition } from './scenario/types.ts';
import type { Collector } from './metrics/collector.ts';
import type { CounterReadings } from './metrics/fleet-counters.ts';
import type { ErrorLog } from './world.ts';
import type { Trend } from './metrics/trend.ts';
import { round3, roundStats } from './metrics/collector.ts';
import { evaluateSlos, type MetricLookup } from './slo/verdict.ts';
import { parseMetricKey } from './slo/metric-key.ts';
import { aggregationPercentile } from './slo/threshold.ts';
import { measureRecovery } from './slo/recovery.ts';
import type { MetricName } from './metrics/vocabulary.ts';
import { runTimeline } from './load/timeline.ts';

export interface DownstreamTally {
  host: string;
  attempts: number;
  calls: number;
}

/** Calls and attempts per downstream host, summed over several tallies (threads, instances). */
export function sumDownstreamTallies(lists: DownstreamTally[][]): DownstreamTally[] {
  if (lists.length === 1) return lists[0];
  const byHost = new Map<string, DownstreamTally>();
  for (const t of lists.flat()) {
    const sum = byHost.get(t.host);
    if (sum) {
      sum.attempts += t.attempts;
      sum.calls += t.calls;
    } else {
      byHost.set(t.host, { ...t });
    }
  }
  return [...byHost.values()];
}

export interface SummaryInput {
  def: ScenarioDefinition;
  provenance: RunProvenance;
  seed: number;
  loadScale: number;
  status: RunStatus;
  statusReason?: string;
  windowMs: number;
  collector: Collector;
  counters: CounterReadings;
  errors: ErrorLog;
  console: string[];
  checks: CheckResult[];
  leakedClients: number;
  downstreams: () => DownstreamTally[];
  /** Set when the run ended as soon as its verdict was settled. */
  earlyStop?: EarlyStop;
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { def, collector: c, windowMs } = input;
  const windowSec = windowMs / 1000;
  const metrics: Record<string, number> = {};
  const lookup = metricLookup(input);
  const known = { routes: def.load.mix.map((m) => m.route), hosts: (def.platform.downstreams ?? []).map((d) => d.host) };
  // Every value an SLO is judged on is also recorded, so a reader sees what was measured.
  const measureAndRecord: MetricLookup = (key, agg) => {
    const v = lookup(key, agg);
    if (v !== null && Number.isFinite(v)) metrics[`${key}:${agg}`] = round3(v);
    return v;
  };
  const slos = evaluateSlos(def.slos, measureAndRecord, known, input.loadScale);
  // The settled SLO fails whatever was measured by the stop: that is what the stop proved.
  const early = input.earlyStop;
  if (early) for (const s of slos) if (s.label === early.slo.label && s.metric === early.slo.metric) s.pass = false;
  const passed = input.status === 'completed' && !early && slos.every((s) => s.pass) && input.checks.every((k) => k.pass);
  const recoveryMeasure = recovery(input);
  return {
    version: 1,
    provenance: input.provenance,
    scenarioId: def.id,
    seed: input.seed,
    loadScale: input.loadScale,
    status: input.status,
    ...(input.statusReason ? { statusReason: input.statusReason } : {}),
    durationMs: def.load.durationMs,
    windowMs: round3(windowMs),
    requests: {
      arrivals: c.arrivals,
      completed: c.completed,
      errors: c.errors,
      timeouts: c.timeouts,
      arrivalRatePerSec: round3(c.arrivals / windowSec),
      throughputPerSec: round3((c.completed - c.errors - c.timeouts) / windowSec),
      latencyMeanMs: round3(c.overall.count ? c.overall.mean : 0),
      // Six decimals: a fast service at low load has well under 0.05 requests in flight, and
      // three would leave Little's law (L = λW) off by more than the rounding of λ and W.
      inFlightMean: Math.round(c.inFlight.mean(windowMs) * 1e6) / 1e6,
      latency: roundStats(c.overall.stats()),
    },
    routes: c.routeStats(windowMs),
    metrics,
    slos,
    checks: input.checks,
    passed,
    ...(early ? { earlyStop: early } : {}),
    ...(recoveryMeasure ? { recovery: recoveryMeasure } : {}),
    // Filled in by the run's diagnosis (runner/diagnosis), which reads this summary.
    findings: [],
    errors: input.errors.errors,
    console: input.console,
    series: c.series,
    timeline: runTimeline(def.load.arrivals, def.load.durationMs, input.loadScale, def.platform.downstreams),
  };
}

/** Measures one metric, given its validated tags and aggregation; null when there is no such data. */
type Measure = (input: SummaryInput, tags: Record<string, string>, aggregation: string) => number | null;

/**
 * How each metric of the vocabulary is measured. Keyed by MetricName, so a metric added to the
 * vocabulary without a measure here (or a measure for a name outside it) does not compile.
 * A route tag narrows to that route's tally.
 */
const MEASURES: Record<MetricName, Measure> = {
  http_req_duration: (input, tags, aggregation) =>
    trendValue(routeTally(input, tags)?.answered ?? input.collector.overallAnswered, aggregation),
  http_req_failed: (input, tags) => {
    const c = input.collector;
    const route = routeTally(input, tags);
    const total = route ? route.ok + route.errors + route.timeouts : c.completed;
    const failed = route ? route.errors + route.timeouts : c.errors + c.timeouts;
    return total ? failed / total : null;
  },
  http_reqs: (input, tags, aggregation) => {
    const c = input.collector;
    const route = routeTally(input, tags);
    const n = route ? route.ok : c.completed - c.errors - c.timeouts;
    return aggregation === 'count' ? n : n / (input.windowMs / 1000);
  },
  checks: (input) => {
    const checked = input.checks.reduce((s, k) => s + k.checked, 0);
    return checked ? 1 - input.checks.reduce((s, k) => s + k.failed, 0) / checked : null;
  },
  eventloop_delay: (input, _tags, aggregation) => trendValue(input.collector.eventLoopDelay, aggregation),
  db_queries_per_request: (input, tags) => {
    const route = routeTally(input, tags);
    if (!route) return input.collector.arrivals ? input.counters.dbQueries / input.collector.arrivals : null;
    if (!route.requests) return null;
    // Queries sent outside any request (startup, timers, a queue the handlers only wake)
    // served the requests all the same: each route takes its share by requests, so moving a
    // route's queries out of its requests does not take them out of its count.
    let attributed = 0;
    for (const t of input.collector.routes.values()) attributed += t.dbQueries;
    const outside = Math.max(0, input.counters.dbQueries - attributed);
    return (route.dbQueries + (outside * route.requests) / input.collector.arrivals) / route.requests;
  },
  pg_pool_clients_leaked: (input) => input.leakedClients,
  downstream_retry_amplification: (input, tags) => {
    const all = input.downstreams().filter((d) => !tags.host || d.host === tags.host);
    const calls = all.reduce((s, d) => s + d.calls, 0);
    return calls ? all.reduce((s, d) => s + d.attempts, 0) / calls : null;
  },
  recovery_time: (input) => {
    const r = recovery(input);
    return r ? r.recoveredAtMs - r.faultEndMs : null;
  },
};

/** Resolves `metric{tags}` + aggregation to a number, or null when there is no such data. */
function metricLookup(input: SummaryInput): MetricLookup {
  return (key, aggregation) => {
    const { name, tags } = parseMetricKey(key);
    // The collector keeps a tally for every route of the load mix; any other route has no data.
    if (tags.route && !input.collector.routes.has(tags.route)) return null;
    // The verdict has checked the key against the vocabulary; an unknown name cannot get here.
    return MEASURES[name as MetricName](input, tags, aggregation);
  };
}

/** The tally of the route the tags name, if they name one. */
function routeTally(input: SummaryInput, tags: Record<string, string>) {
  return tags.route ? input.collector.routes.get(tags.route) : undefined;
}

function trendValue(t: Trend, aggregation: string): number | null {
  if (t.count === 0) return aggregation === 'count' ? 0 : null;
  const p = aggregationPercentile(aggregation);
  if (p !== null) return t.percentile(p);
  switch (aggregation) {
    case 'avg':
      return t.mean;
    case 'med':
      return t.percentile(50);
    case 'min':
      return t.min;
    case 'max':
      return t.max;
    case 'count':
      return t.count;
    default:
      return null;
  }
}

function recovery(input: SummaryInput): RecoveryMeasure | null {
  const faultEndMs = lastFaultEndMs(input.def);
  return faultEndMs === null ? null : measureRecovery(input.collector.outcomes, faultEndMs, input.windowMs);
}

/** The end of the last scripted downstream fault, if the scenario has any. */
function lastFaultEndMs(def: ScenarioDefinition): number | null {
  const ends = (def.platform.downstreams ?? []).flatMap((d) => (d.faults ?? []).map((f) => f.toMs));
  return ends.length ? Math.max(...ends) : null;
}
