/**
 * The run's charts as data, Grafana style: one latency panel per route (the SLOs are per
 * route) with its SLO as a line, served requests, failures with their rate on an axis of
 * their own, then the panels of the mechanisms the scenario exercises. Series of different
 * scale (pool clients in use vs callers waiting) get separate axes. The starter's run for the
 * same seed is drawn dashed behind the learner's, except on the starter's own run.
 */
import type { RouteSecond, SeriesBucket, SloSpec } from '../../../runner/index.ts';
import { ms, pct } from '../format.ts';
import { linesFor, type SloLine, sloLines } from './sloLines.ts';
import { gridOf, type Pick, type Point, pointsOf, valuesOn } from './timeGrid.ts';

export interface ChartLine {
  label: string;
  color: string;
  /** The starter's run: dashed and thinner. */
  dashed?: boolean;
  /** Drawn against the right-hand axis (a different scale from the left's). */
  right?: boolean;
  values: (number | null)[];
  format: (v: number) => string;
}

export interface ChartThreshold {
  value: number;
  /** "SLO p99 under 25 ms" */
  label: string;
  right?: boolean;
}

export interface ChartPanel {
  id: string;
  title: string;
  unit: string;
  rightUnit?: string;
  log?: boolean;
  lines: ChartLine[];
  thresholds: ChartThreshold[];
}

export interface ChartsInput {
  buckets: readonly SeriesBucket[];
  /** The starter's run for the same seed; empty when there is none or this run is the starter's. */
  baseline: readonly SeriesBucket[];
  slos: readonly SloSpec[];
  /** The routes of the load mix, in its order. */
  routes: readonly string[];
}

export interface Charts {
  x: number[];
  panels: ChartPanel[];
  /** Titles of the mechanism panels this run (and the starter's) never used. */
  idle: string[];
}

export const COLORS = {
  p50: '#93c5fd',
  p95: '#3b82f6',
  p99: '#1e3a8a',
  ok: '#15803d',
  bad: '#dc2626',
  warn: '#d97706',
  base: '#6b7280',
  purple: '#7c3aed',
  teal: '#0e7490',
};
const ROUTE_COLORS = [COLORS.ok, COLORS.teal, COLORS.purple, '#b45309', '#be185d'];

const perSec = (v: number) => `${v >= 100 ? Math.round(v).toLocaleString('en-US') : +v.toFixed(1)}/s`;
const count = (v: number) => String(Math.round(v));
const ratio = (v: number) => `${v.toFixed(2)}×`;
const perReq = (v: number) => `${+v.toFixed(1)}/req`;

const routeOf = (b: SeriesBucket, route: string): RouteSecond | undefined => b.routes?.find((r) => r.route === route);
const okOf = (c: { completed: number; errors: number; timeouts: number }) => Math.max(0, c.completed - c.errors - c.timeouts);

/** A latency of a second that answered nothing is not zero, it is unknown. */
const latency =
  (key: 'latencyP50Ms' | 'latencyP95Ms' | 'latencyP99Ms', route?: string): Pick =>
  (b) => {
    const r = route === undefined ? b : routeOf(b, route);
    return r && r.completed > 0 && r[key] > 0 ? r[key] : null;
  };

const failedShare: Pick = (b) => (b.completed > 0 ? (100 * (b.errors + b.timeouts)) / b.completed : null);

export function buildCharts(input: ChartsInput): Charts {
  const run = pointsOf(input.buckets);
  const base = pointsOf(input.baseline);
  const x = gridOf(run, base);
  const slo = sloLines(input.slos);
  const line = (label: string, color: string, pick: Pick, format: ChartLine['format'], right = false): ChartLine => ({
    label,
    color,
    right,
    values: valuesOn(x, run, pick),
    format,
  });
  const starter = (label: string, pick: Pick, format: ChartLine['format'], right = false): ChartLine[] =>
    base.length ? [{ label: `starter ${label}`, color: COLORS.base, dashed: true, right, values: valuesOn(x, base, pick), format }] : [];

  // Saved runs from before per-route seconds have none: their latency is the overall one.
  const withRoutes = run.concat(base).find((p) => p.bucket.routes?.length)?.bucket.routes;
  const routes = withRoutes ? (input.routes.length ? input.routes : withRoutes.map((r) => r.route)) : [];
  const panels: ChartPanel[] = [];

  // Latency: one panel per route, each with that route's SLO.
  const latencyPanel = (route: string | undefined): ChartPanel => ({
    id: route === undefined ? 'latency' : `latency-${slug(route)}`,
    title: route === undefined ? 'Latency' : `Latency: ${route}`,
    unit: 'ms',
    log: true,
    lines: [
      ...starter('p99', latency('latencyP99Ms', route), ms),
      line('p50', COLORS.p50, latency('latencyP50Ms', route), ms),
      line('p95', COLORS.p95, latency('latencyP95Ms', route), ms),
      line('p99', COLORS.p99, latency('latencyP99Ms', route), ms),
    ],
    thresholds: linesFor(slo, 'http_req_duration', route).map((l) => ({ value: l.target, label: `SLO ${l.words}` })),
  });
  if (routes.length) for (const r of routes) panels.push(latencyPanel(r));
  else panels.push(latencyPanel(undefined));

  // Served requests, per route when there are several (a rate SLO is per route).
  const served: ChartLine[] =
    routes.length > 1
      ? routes.map((r, i) =>
          line(
            r,
            ROUTE_COLORS[i % ROUTE_COLORS.length],
            (b, k) => {
              const s = routeOf(b, r);
              return s ? okOf(s) * k : null;
            },
            perSec,
          ),
        )
      : [line('served', COLORS.ok, (b, k) => okOf(b) * k, perSec)];
  // The starter's served requests, like the learner's: per route (those with a rate SLO, or all).
  const rateRoutes = linesFor(slo, 'http_reqs').flatMap((l) => (l.route && routes.includes(l.route) ? [l.route] : []));
  const starterServed =
    routes.length > 1
      ? (rateRoutes.length ? rateRoutes : routes).flatMap((r) =>
          starter(
            r,
            (b, k) => {
              const s = routeOf(b, r);
              return s ? okOf(s) * k : null;
            },
            perSec,
          ),
        )
      : starter('served', (b, k) => okOf(b) * k, perSec);
  panels.push({
    id: 'throughput',
    title: 'Requests served',
    unit: 'req/s',
    lines: [...starterServed, ...served],
    thresholds: linesFor(slo, 'http_reqs').map((l) => ({ value: l.target, label: `SLO${routeSuffix(l, routes)} ${l.words}` })),
  });

  panels.push({
    id: 'errors',
    title: 'Failures',
    unit: 'req/s',
    rightUnit: '% failed',
    lines: [
      line('errors', COLORS.bad, (b, k) => b.errors * k, perSec),
      line('timeouts', COLORS.warn, (b, k) => b.timeouts * k, perSec),
      ...starter('% failed', failedShare, pctOf100, true),
      line('% failed', '#7f1d1d', failedShare, pctOf100, true),
    ],
    thresholds: linesFor(slo, 'http_req_failed').map((l) => ({
      value: l.target * 100,
      label: `SLO${routeSuffix(l, routes)} ${l.words} (right axis)`,
      right: true,
    })),
  });

  const mechanisms = mechanismPanels(run, base, slo, routes, line, starter);
  const active = mechanisms.filter((m) => m.active);
  return { x, panels: panels.concat(active.map((m) => m.panel)), idle: mechanisms.filter((m) => !m.active).map((m) => m.panel.title) };
}

type LineOf = (label: string, color: string, pick: Pick, format: ChartLine['format'], right?: boolean) => ChartLine;
type StarterOf = (label: string, pick: Pick, format: ChartLine['format'], right?: boolean) => ChartLine[];

/** The gauges of what a scenario exercises; a panel nothing in either run touched is left out. */
function mechanismPanels(
  run: Point[],
  base: Point[],
  slo: SloLine[],
  routes: readonly string[],
  line: LineOf,
  starter: StarterOf,
): { panel: ChartPanel; active: boolean }[] {
  const used = (pick: (b: SeriesBucket) => number) => run.concat(base).some((p) => pick(p.bucket) > 0);
  const perRequest =
    (route: string): Pick =>
    (b) => {
      const r = routeOf(b, route);
      return r && r.completed > 0 ? r.dbQueries / r.completed : null;
    };
  const sloRoutes = [...new Set(linesFor(slo, 'db_queries_per_request').map((l) => l.route))];
  const perRequestRoutes = sloRoutes.filter((r): r is string => r !== undefined && routes.includes(r));
  return [
    {
      active: used((b) => b.eventLoopDelayMaxMs),
      panel: {
        id: 'event-loop',
        title: 'Event-loop delay, worst in each second',
        unit: 'ms',
        lines: [...starter('delay', (b) => b.eventLoopDelayMaxMs, ms), line('delay', COLORS.warn, (b) => b.eventLoopDelayMaxMs, ms)],
        thresholds: linesFor(slo, 'eventloop_delay').map((l) => ({ value: l.target, label: `SLO ${l.words} (over the run)` })),
      },
    },
    {
      active: used((b) => b.dbQueries),
      panel: {
        id: 'db',
        title: 'Database statements',
        unit: 'statements/s',
        rightUnit: perRequestRoutes.length ? 'per request' : undefined,
        lines: [
          ...starter('statements', (b, k) => b.dbQueries * k, perSec),
          line('statements', COLORS.p95, (b, k) => b.dbQueries * k, perSec),
          ...perRequestRoutes.map((r, i) =>
            line(`per request, ${r}`, ROUTE_COLORS[(i + 2) % ROUTE_COLORS.length], perRequest(r), perReq, true),
          ),
        ],
        thresholds: linesFor(slo, 'db_queries_per_request')
          .filter((l) => l.route && perRequestRoutes.includes(l.route))
          .map((l) => ({ value: l.target, label: `SLO ${l.route} ${l.words} (right axis)`, right: true })),
      },
    },
    {
      active: used((b) => b.poolInUseMax + b.poolWaitingMax),
      panel: {
        id: 'pool',
        title: 'Database pool',
        unit: 'clients in use',
        rightUnit: 'callers waiting',
        lines: [
          line('in use', COLORS.p95, (b) => b.poolInUseMax, count),
          ...starter('waiting', (b) => b.poolWaitingMax, count, true),
          line('waiting', COLORS.bad, (b) => b.poolWaitingMax, count, true),
        ],
        thresholds: [],
      },
    },
    {
      active: used((b) => b.threadPoolQueueMax),
      panel: {
        id: 'thread-pool',
        title: 'Thread-pool queue',
        unit: 'tasks',
        lines: [
          ...starter('queued', (b) => b.threadPoolQueueMax, count),
          line('queued', COLORS.purple, (b) => b.threadPoolQueueMax, count),
        ],
        thresholds: [],
      },
    },
    {
      active: used((b) => b.downstreamAttempts),
      panel: {
        id: 'downstream',
        title: 'Downstream calls and attempts',
        unit: 'per second',
        rightUnit: 'attempts per call',
        lines: [
          line('calls', COLORS.ok, (b, k) => b.downstreamCalls * k, perSec),
          line('attempts', COLORS.bad, (b, k) => b.downstreamAttempts * k, perSec),
          ...starter('attempts per call', amplification, ratio, true),
          line('attempts per call', '#7f1d1d', amplification, ratio, true),
        ],
        thresholds: linesFor(slo, 'downstream_retry_amplification').map((l) => ({
          value: l.target,
          label: `SLO ${l.host ? `${l.host} ` : ''}${l.words} (right axis)`,
          right: true,
        })),
      },
    },
  ];
}

const amplification: Pick = (b) => (b.downstreamCalls > 0 ? b.downstreamAttempts / b.downstreamCalls : null);
const pctOf100 = (v: number) => pct(v / 100);
const routeSuffix = (l: SloLine, routes: readonly string[]) => (l.route && routes.length > 1 ? ` ${l.route}` : '');

/** A test id from a route: `GET /api/products/:id` → `get-api-products-id`. */
export function slug(route: string): string {
  return route
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
