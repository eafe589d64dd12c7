/**
 * The run's charts as the learner reads them: each route's latency with its SLO as a line,
 * values in the legend without hovering, no drop to zero at the end of a run, no starter line
 * on the starter's own run, and a text alternative for every chart. The plots themselves are
 * canvases (drawn in the browser, see tests/e2e); what they draw is the panels' data.
 */
import { describe, expect, it } from 'vitest';
import { createActor, type EventObject, fromCallback } from 'xstate';
import type { RouteSecond, RunSummary, SeriesBucket, SloSpec } from '../../../runner/index.ts';
import type { LabClient } from '../../../web/lab/LabClient.ts';
import type { RunRequest } from '../../../web/lab/protocol.ts';
import { RunCharts, type RunChartsProps } from '../../../web/run/charts/RunCharts.tsx';
import { buildCharts, type ChartPanel } from '../../../web/run/charts/panels.ts';
import { marksOf } from '../../../web/run/charts/timelineMarks.ts';
import { RunPanel } from '../../../web/run/RunPanel.tsx';
import { type RunEvent, runMachine } from '../../../web/run/runMachine.ts';
import { renderHtml, rowsOf, textOf } from '../renderText.ts';
import { bucket, fakeSummary } from './fakeSummary.ts';

const A = 'GET /api/products/:id';
const B = 'POST /api/login';
const SLOS: SloSpec[] = [
  { metric: `http_req_duration{route:${A}}`, threshold: 'p(99)<25', label: 'Product lookups: p99 under 25 ms' },
  { metric: `http_req_duration{route:${B}}`, threshold: 'p(99)<120', label: 'Logins: p99 under 120 ms' },
  { metric: 'http_req_failed', threshold: 'rate<0.01', label: 'Under 1% of requests fail' },
];

function route(name: string, p99: number, fields: Partial<RouteSecond> = {}): RouteSecond {
  return {
    route: name,
    completed: 50,
    errors: 0,
    timeouts: 0,
    latencyP50Ms: p99 / 3,
    latencyP95Ms: p99 / 2,
    latencyP99Ms: p99,
    dbQueries: 0,
    ...fields,
  };
}

/** Ten seconds: route A's p99 climbs 10, 20, … 100 ms; route B's stays at 300 ms. */
function tenSeconds(): SeriesBucket[] {
  return Array.from({ length: 10 }, (_, i) => bucket(i * 1000, { routes: [route(A, 10 * (i + 1)), route(B, 300)] }));
}

function panel(panels: ChartPanel[], id: string): ChartPanel {
  const p = panels.find((x) => x.id === id);
  if (!p) throw new Error(`no panel ${id} among ${panels.map((x) => x.id).join(', ')}`);
  return p;
}

const line = (p: ChartPanel, label: string) => p.lines.find((l) => l.label === label)!;
const charts = (props: Partial<RunChartsProps>) =>
  renderHtml(RunCharts, { buckets: tenSeconds(), baseline: [], durationMs: 10_000, slos: SLOS, routes: [A, B], ...props });

describe('the run charts', () => {
  it("draw each route's latency SLO as a line on that route's chart, named in its legend", () => {
    const { panels } = buildCharts({ buckets: tenSeconds(), baseline: [], slos: SLOS, routes: [A, B] });
    expect(panel(panels, 'latency-get-api-products-id').thresholds).toEqual([{ value: 25, label: 'SLO p99 under 25 ms' }]);
    expect(panel(panels, 'latency-post-api-login').thresholds).toEqual([{ value: 120, label: 'SLO p99 under 120 ms' }]);
    // The failure rate is a share, on the failures chart's right-hand axis, in percent.
    expect(panel(panels, 'errors').thresholds).toEqual([{ value: 1, label: 'SLO under 1% (right axis)', right: true }]);

    const html = charts({});
    const latencyA = html.slice(html.indexOf('data-testid="chart-latency-get-api-products-id"'));
    expect(latencyA).toMatch(/^data-testid="chart-latency-get-api-products-id" data-thresholds="25"/);
    expect(textOf(latencyA.slice(0, latencyA.indexOf('</ul>')))).toContain('SLO p99 under 25 ms');
  });

  it('give every route of the mix its own latency chart, from its own seconds', () => {
    const { panels } = buildCharts({ buckets: tenSeconds(), baseline: [], slos: SLOS, routes: [A, B] });
    expect(panels.filter((p) => p.id.startsWith('latency')).map((p) => p.title)).toEqual([`Latency: ${A}`, `Latency: ${B}`]);
    expect(line(panel(panels, 'latency-get-api-products-id'), 'p99').values).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(line(panel(panels, 'latency-post-api-login'), 'p99').values).toEqual(Array(10).fill(300));
    // Requests served, per route: a rate SLO is about one route.
    expect(panel(panels, 'throughput').lines.map((l) => l.label)).toEqual([A, B]);
    // The starter's, beside them, for the route whose rate has an SLO.
    const served: SloSpec = { metric: `http_reqs{route:${A}}`, threshold: 'rate>140', label: 'Served' };
    const withStarter = buildCharts({ buckets: tenSeconds(), baseline: tenSeconds(), slos: [...SLOS, served], routes: [A, B] });
    expect(panel(withStarter.panels, 'throughput').lines.map((l) => l.label)).toEqual([`starter ${A}`, A, B]);
    expect(panel(withStarter.panels, 'throughput').thresholds).toEqual([{ value: 140, label: `SLO ${A} over 140/s` }]);
  });

  it('show the overall latency of a saved run from before there were per-route seconds', () => {
    const { panels } = buildCharts({ buckets: [bucket(0), bucket(1000)], baseline: [], slos: SLOS, routes: [A, B] });
    expect(panels.filter((p) => p.id.startsWith('latency')).map((p) => p.id)).toEqual(['latency']);
  });

  it('scale a shorter last second to a rate, and leave out one too short to mean anything: no drop to zero', () => {
    // 100 requests a second; the run's window ends 600 ms into the eleventh second, then a
    // run ends 2 ms into the next one.
    const whole = tenSeconds();
    const partial = bucket(10_000, {
      requests: 60,
      completed: 60,
      spanMs: 600,
      routes: [route(A, 100, { completed: 30 }), route(B, 300, { completed: 30 })],
    });
    const { x, panels } = buildCharts({ buckets: [...whole, partial], baseline: [], slos: SLOS, routes: [A, B] });
    expect(x[x.length - 1]).toBe(10.6);
    const served = panel(panels, 'throughput').lines.map((l) => l.values[l.values.length - 1]);
    expect(served).toEqual([50, 50]);

    const sliver = bucket(10_000, {
      requests: 0,
      completed: 1,
      spanMs: 2,
      routes: [route(A, 100, { completed: 1 }), route(B, 0, { completed: 0 })],
    });
    const cut = buildCharts({ buckets: [...whole, sliver], baseline: [], slos: SLOS, routes: [A, B] });
    expect(cut.x[cut.x.length - 1]).toBe(10);
    for (const l of panel(cut.panels, 'throughput').lines) expect(l.values[l.values.length - 1]).toBe(50);
  });

  it('give a stopped run rates up to its stop, not a zero at its last point', () => {
    const stopped = [0, 1000, 2000].map((t) => bucket(t)).concat(bucket(3000, { requests: 40, completed: 40, spanMs: 400 }));
    const { x, panels } = buildCharts({ buckets: stopped, baseline: [], slos: [], routes: [] });
    expect(x).toEqual([1, 2, 3, 3.4]);
    expect(line(panel(panels, 'throughput'), 'served').values).toEqual([100, 100, 100, 100]);
  });

  it('show each line’s value in the legend without hovering: the last second’s', () => {
    const text = textOf(charts({}));
    expect(text).toContain('p99 100 ms');
    expect(text).toContain('p99 300 ms');
    expect(text).toContain('last values');
  });

  it('give every chart a text alternative: min, max and last of each line, and its SLO', () => {
    const html = charts({});
    const figures = html.split('<figure').slice(1);
    expect(figures.length).toBeGreaterThanOrEqual(4);
    for (const f of figures) {
      expect(f).toContain('<details class="chart-table">');
      expect(f).toMatch(/role="img" aria-label="[^"]+per second\./);
    }
    const rows = rowsOf(figures[0]).map((r) => [...r.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => textOf(cell[1])));
    expect(rows).toEqual([
      ['Line', 'Min', 'Max', 'Last'],
      ['p50', '3.33 ms', '33.3 ms', '33.3 ms'],
      ['p95', '5.00 ms', '50.0 ms', '50.0 ms'],
      ['p99', '10.0 ms', '100 ms', '100 ms'],
      ['SLO p99 under 25 ms'],
    ]);
    expect(figures[0]).toContain('aria-label="Latency: GET /api/products/:id, per second. p50 from 3.33 ms to 33.3 ms, last 33.3 ms;');
  });

  it('mark load phases and fault windows, and say them in words', () => {
    const timeline = {
      load: [
        { fromMs: 0, toMs: 3000, ratePerSecFrom: 6, ratePerSecTo: 6 },
        { fromMs: 3000, toMs: 5000, ratePerSecFrom: 380, ratePerSecTo: 380 },
        { fromMs: 5000, toMs: 10_000, ratePerSecFrom: 6, ratePerSecTo: 6 },
      ],
      faults: [{ host: 'pricing.internal', kind: 'slowdown' as const, fromMs: 2000, toMs: 4000, factor: 3 }],
    };
    const text = textOf(charts({ timeline }));
    expect(text).toContain('Load: 6/s, then 380/s from 3 s, then 6/s from 5 s.');
    expect(text).toContain('Fault: pricing.internal 3× slower from 2 s to 4 s.');
    // Bands for the spike and the fault; and, past the planned end, one saying why rates fall.
    expect(marksOf(timeline, 10_000, 11).marks).toEqual([
      { kind: 'load', fromSec: 3, toSec: 5, label: 'load 380/s' },
      { kind: 'fault', fromSec: 2, toSec: 4, label: 'pricing.internal 3× slower' },
      { kind: 'after', fromSec: 10, toSec: 11, label: 'load ended' },
    ]);
  });
});

describe('the starter line', () => {
  const STARTER = 'export const starter = 1;';

  function run(code: string, summary: RunSummary, baseline: RunSummary) {
    let say: (e: RunEvent) => void = () => undefined;
    const workerRun = fromCallback<EventObject, { client: LabClient; request: RunRequest }>(({ sendBack }) => {
      say = sendBack;
    });
    const actor = createActor(runMachine.provide({ actors: { workerRun } }), {
      input: { client: {} as LabClient, starter: STARTER },
    }).start();
    actor.send({ type: 'run.start', request: { scenarioId: 'charts', code, seed: 900 + code.length, loadScale: 1 } });
    say({ type: 'compile.done', compileMs: 1 });
    say({ type: 'run.done', summary, simulateMs: 1 });
    if (code !== STARTER) say({ type: 'run.done', summary: baseline, simulateMs: 1 });
    return renderHtml(RunPanel, { snapshot: actor.getSnapshot(), durationMs: 10_000 });
  }

  it("is drawn behind a learner's run, and not on the starter's own run (it would be the same line twice)", () => {
    const learner = fakeSummary({ series: tenSeconds(), slos: [], routes: [] });
    const starter = fakeSummary({ series: tenSeconds().map((b) => ({ ...b, latencyP99Ms: 400 })), slos: [] });
    const fixed = run('export const fixed = 1;', learner, starter);
    expect(textOf(fixed)).toContain('starter p99');
    const own = run(STARTER, starter, starter);
    expect(textOf(own)).not.toMatch(/starter (p99|served|% failed|delay)/);
    expect(textOf(own)).toContain('This run is of the starter code');
  });
});
