/**
 * The panels of the mechanisms a scenario exercises: event-loop delay, database statements
 * (per second, and per request against its SLO), the pool (clients in use and callers waiting,
 * each on its own axis), the thread-pool queue, downstream calls against attempts.
 */
import type { SeriesBucket } from '../../../runner/index.ts';
import { ms } from '../format.ts';
import { amplification, COLORS, count, perReq, perSec, ratio, ROUTE_COLORS, routeOf } from './chartParts.ts';
import type { ChartLine, ChartPanel } from './panels.ts';
import { linesFor, type SloLine } from './sloLines.ts';
import type { Pick, Point } from './timeGrid.ts';

export type LineOf = (label: string, color: string, pick: Pick, format: ChartLine['format'], right?: boolean) => ChartLine;
export type StarterOf = (label: string, pick: Pick, format: ChartLine['format'], right?: boolean) => ChartLine[];

/** The gauges of what a scenario exercises; a panel nothing in either run touched is left out. */
export function mechanismPanels(
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
