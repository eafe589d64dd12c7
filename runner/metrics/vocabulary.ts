/**
 * The metric vocabulary: every metric the runner measures, written once. The summary answers
 * SLOs from these names, the verdict and the scenario loader reject keys outside it, the CLI
 * and the lab format values by its units, and the authoring guide prints it. A misspelt metric
 * or tag used to read as "no data" and fail the learner; checked against this table it is the
 * scenario author's error, reported when the scenario loads.
 *
 * A light module (no simulator imports), so the page and the build may import it.
 */
import { parseMetricKey } from '../slo/metric-key.ts';
import { RECOVERY_FAILURE_RATE_MAX, RECOVERY_SUSTAIN_MS } from '../slo/recovery.ts';

/** k6's metric types: a distribution, a share of events, a running total, a single reading. */
export type MetricKind = 'trend' | 'rate' | 'counter' | 'gauge';

/** What a metric's values count: `fraction` is a share from 0 to 1, `ratio` is x times. */
export type MetricUnit = 'ms' | 'fraction' | 'perSec' | 'ratio' | 'count' | 'perRequest';

/** Tags a metric key may carry, and what each one names. */
export const METRIC_TAGS = {
  route: 'a route the load sends, as the service registers it: `GET /api/products/:id`',
  host: 'a downstream service, by its `host`: `pricing.internal`',
} as const;

export type MetricTag = keyof typeof METRIC_TAGS;

/** Stands for any percentile `p(N)`, 0 <= N <= 100, in a metric's list of aggregations. */
export const PERCENTILE_AGGREGATION = 'p(N)';

/** One metric of the vocabulary. */
export interface MetricDefinition {
  name: string;
  kind: MetricKind;
  /** Unit of its values; the `count` aggregation always counts, whatever the unit. */
  unit: MetricUnit;
  tags: readonly MetricTag[];
  /** Aggregations a threshold may apply, in the threshold parser's spelling. */
  aggregations: readonly string[];
  /** How the runner measures it, one line for the authoring guide. */
  measured: string;
}

const TREND_AGGREGATIONS = [PERCENTILE_AGGREGATION, 'avg', 'med', 'min', 'max', 'count'] as const;

/** Every metric the runner measures, in the order the guide lists them. */
export const METRICS = [
  {
    name: 'http_req_duration',
    kind: 'trend',
    unit: 'ms',
    tags: ['route'],
    aggregations: TREND_AGGREGATIONS,
    measured:
      'from the scheduled arrival (no coordinated omission) to the response, or to the client giving up; ' +
      'responses with an unexpected status and failed connections are left out (http_req_failed counts them), ' +
      'so failing fast cannot make a route look quick, and a route that never answered has no data',
  },
  {
    name: 'http_req_failed',
    kind: 'rate',
    unit: 'fraction',
    tags: ['route'],
    aggregations: ['rate'],
    measured: 'share of finished requests that got an unexpected status, failed, or timed out at the client',
  },
  {
    name: 'http_reqs',
    kind: 'counter',
    unit: 'perSec',
    tags: ['route'],
    aggregations: ['rate', 'count'],
    measured:
      "requests answered successfully; `rate` per second of the observed window (run plus drain), `count` in all; a threshold on it is written for load ×1 and scales with the run's load (`rate>15` is `rate>7.5` at ×0.5)",
  },
  {
    name: 'checks',
    kind: 'rate',
    unit: 'fraction',
    tags: [],
    aggregations: ['rate'],
    measured: 'share of functional checks (every response of a checked route, and each audit) that passed',
  },
  {
    name: 'eventloop_delay',
    kind: 'trend',
    unit: 'ms',
    tags: [],
    aggregations: TREND_AGGREGATIONS,
    measured: "lateness of a 10 ms repeating timer on each instance, as Node's monitorEventLoopDelay; a stall is one long sample",
  },
  {
    name: 'db_queries_per_request',
    kind: 'gauge',
    unit: 'perRequest',
    tags: ['route'],
    aggregations: ['avg'],
    measured:
      "database queries divided by requests that arrived (with a route: that route's queries and requests, plus its share, by requests, of the queries sent outside any request)",
  },
  {
    name: 'pg_pool_clients_leaked',
    kind: 'gauge',
    unit: 'count',
    tags: [],
    aggregations: ['value'],
    measured: 'pool clients still checked out at the end, held by no request at work (summed over instances)',
  },
  {
    name: 'downstream_retry_amplification',
    kind: 'gauge',
    unit: 'ratio',
    tags: ['host'],
    aggregations: ['value'],
    measured: 'attempts sent to downstream services per logical call (one per host per incoming request)',
  },
  {
    name: 'recovery_time',
    kind: 'gauge',
    unit: 'ms',
    tags: [],
    aggregations: ['value'],
    measured:
      `from the end of the last downstream fault until failures stay at or under ${RECOVERY_FAILURE_RATE_MAX * 100}% in every ` +
      `${RECOVERY_SUSTAIN_MS / 1000} s window (only in scenarios with faults)`,
  },
] as const satisfies readonly MetricDefinition[];

/** The name of a metric in the vocabulary. */
export type MetricName = (typeof METRICS)[number]['name'];

const BY_NAME = new Map<string, MetricDefinition>(METRICS.map((m) => [m.name, m]));

/** The metric of that name, or undefined when the runner measures no such thing. */
export function findMetric(name: string): MetricDefinition | undefined {
  return BY_NAME.get(name);
}

/** Whether a canonical aggregation (`p(99)`, `avg`, as parseThreshold writes it) applies to the metric. */
export function metricAggregates(metric: MetricDefinition, aggregation: string): boolean {
  if (/^p\(.*\)$/.test(aggregation)) return metric.aggregations.includes(PERCENTILE_AGGREGATION);
  return metric.aggregations.includes(aggregation);
}

/** The unit of a value of one aggregation of the metric: a count is a count, whatever it counts. */
export function metricValueUnit(metric: MetricDefinition, aggregation: string): MetricUnit {
  return aggregation === 'count' ? 'count' : metric.unit;
}

/**
 * What is wrong with an SLO's metric key and aggregation, as a message for the scenario's
 * author, or undefined when the runner can measure it. Checks the name, each tag, the
 * aggregation against the metric's kind, a `route` tag against the routes the load sends and,
 * when `knownHosts` is given, a `host` tag against the scenario's downstreams. `aggregation`
 * is canonical, as parseThreshold returns it.
 */
export function metricKeyProblem(
  key: string,
  aggregation: string,
  knownRoutes: readonly string[],
  knownHosts?: readonly string[],
): string | undefined {
  let parsed: { name: string; tags: Record<string, string> };
  try {
    parsed = parseMetricKey(key);
  } catch (error) {
    return (error as Error).message;
  }
  const metric = findMetric(parsed.name);
  if (!metric) {
    const near = nearestName(parsed.name);
    const hint = near ? `did you mean "${near}"? ` : '';
    return `unknown metric "${parsed.name}" (${hint}the runner measures ${METRICS.map((m) => m.name).join(', ')})`;
  }
  for (const [tag, value] of Object.entries(parsed.tags)) {
    if (!(metric.tags as readonly string[]).includes(tag)) {
      const takes = metric.tags.length ? `its tags: ${metric.tags.join(', ')}` : 'it takes no tags';
      return `metric "${metric.name}" has no tag "${tag}" (${takes})`;
    }
    const known = tag === 'route' ? knownRoutes : knownHosts;
    if (known && !known.includes(value)) {
      const why = tag === 'route' ? 'the load never sends that route (its routes' : 'the scenario has no such downstream (its hosts';
      return `${tag} "${value}" in "${key}": ${why}: ${known.join(', ') || 'none'})`;
    }
  }
  if (!metricAggregates(metric, aggregation)) {
    return `aggregation "${aggregation}" does not apply to ${metric.name}, a ${metric.kind} (use ${metric.aggregations.join(', ')})`;
  }
  return undefined;
}

/** The known name within two edits of a misspelt one, for a "did you mean". */
function nearestName(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const m of METRICS) {
    const distance = editDistance(name, m.name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: m.name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
