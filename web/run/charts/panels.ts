/**
 * The run's charts as data, Grafana style: one latency panel per route (the SLOs are per
 * route) with its SLO as a line, served requests, failures with their rate on an axis of
 * their own, then the panels of the mechanisms the scenario exercises. Series of different
 * scale (pool clients in use vs callers waiting) get separate axes. The starter's run for the
 * same seed is drawn dashed behind the learner's, except on the starter's own run.
 */
import type { SeriesBucket, SloSpec } from '../../../runner/index.ts';
import { ms } from '../format.ts';
import { COLORS, failedShare, latency, pctOf100, perSec, ROUTE_COLORS, servedOf } from './chartParts.ts';
import { mechanismPanels } from './mechanismPanels.ts';
import { linesFor, type SloLine, sloLines } from './sloLines.ts';
import { gridOf, type Pick, pointsOf, valuesOn } from './timeGrid.ts';

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
      ? routes.map((r, i) => line(r, ROUTE_COLORS[i % ROUTE_COLORS.length], servedOf(r), perSec))
      : [line('served', COLORS.ok, servedOf(), perSec)];
  // The starter's served requests, like the learner's: per route (those with a rate SLO, or all).
  const rateRoutes = linesFor(slo, 'http_reqs').flatMap((l) => (l.route && routes.includes(l.route) ? [l.route] : []));
  const starterServed =
    routes.length > 1
      ? (rateRoutes.length ? rateRoutes : routes).flatMap((r) => starter(r, servedOf(r), perSec))
      : starter('served', servedOf(), perSec);
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

const routeSuffix = (l: SloLine, routes: readonly string[]) => (l.route && routes.length > 1 ? ` ${l.route}` : '');

/** A test id from a route: `GET /api/products/:id` → `get-api-products-id`. */
export function slug(route: string): string {
  return route
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
