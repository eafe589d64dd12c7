/**
 * What the charts share: colours, how values are written, and how a line's value is read from
 * a second of the run (a route's share, served requests, the failed share, retry amplification).
 */
import type { RouteSecond, SeriesBucket } from '../../../runner/index.ts';
import { pct } from '../format.ts';
import type { Pick } from './timeGrid.ts';

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
export const ROUTE_COLORS = [COLORS.ok, COLORS.teal, COLORS.purple, '#b45309', '#be185d'];

export const perSec = (v: number) => `${v >= 100 ? Math.round(v).toLocaleString('en-US') : +v.toFixed(1)}/s`;
export const count = (v: number) => String(Math.round(v));
export const ratio = (v: number) => `${v.toFixed(2)}×`;
export const perReq = (v: number) => `${+v.toFixed(1)}/req`;

export const routeOf = (b: SeriesBucket, route: string): RouteSecond | undefined => b.routes?.find((r) => r.route === route);
export const okOf = (c: { completed: number; errors: number; timeouts: number }) => Math.max(0, c.completed - c.errors - c.timeouts);

/** A latency of a second that answered nothing is not zero, it is unknown. */
export const latency =
  (key: 'latencyP50Ms' | 'latencyP95Ms' | 'latencyP99Ms', route?: string): Pick =>
  (b) => {
    const r = route === undefined ? b : routeOf(b, route);
    return r && r.completed > 0 && r[key] > 0 ? r[key] : null;
  };

/** Requests of `route` answered well, per second; the whole run's without a route. */
export const servedOf =
  (route?: string): Pick =>
  (b, k) => {
    const s = route === undefined ? b : routeOf(b, route);
    return s ? okOf(s) * k : null;
  };

export const failedShare: Pick = (b) => (b.completed > 0 ? (100 * (b.errors + b.timeouts)) / b.completed : null);

export const pctOf100 = (v: number) => pct(v / 100);
export const amplification: Pick = (b) => (b.downstreamCalls > 0 ? b.downstreamAttempts / b.downstreamCalls : null);
