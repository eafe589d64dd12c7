/**
 * The run's charts: latency per route with its SLO, requests served, failures, then the gauges
 * of the mechanisms a scenario exercises, all marked with the scenario's load phases and fault
 * windows. The starter's run for the same seed is drawn dashed behind the learner's.
 */
import { useMemo } from 'react';
import type { RunTimeline, SeriesBucket, SloSpec } from '../../../runner/index.ts';
import { buildCharts } from './panels.ts';
import { TimeChart } from './TimeChart.tsx';
import { marksOf } from './timelineMarks.ts';

export interface RunChartsProps {
  buckets: SeriesBucket[];
  /** The starter's run for the same seed; leave empty on the starter's own run. */
  baseline: SeriesBucket[];
  durationMs: number;
  slos?: readonly SloSpec[];
  routes?: readonly string[];
  timeline?: RunTimeline;
  /** Said under the charts instead of a starter line: this run is the starter's. */
  ownStarterRun?: boolean;
}

export function RunCharts({ buckets, baseline, durationMs, slos = [], routes = [], timeline, ownStarterRun = false }: RunChartsProps) {
  const durationSec = Math.ceil(durationMs / 1000);
  const charts = useMemo(() => buildCharts({ buckets, baseline, slos, routes }), [buckets, baseline, slos, routes]);
  const seriesEndSec = charts.x.length ? charts.x[charts.x.length - 1] : 0;
  const { marks, sentences } = useMemo(() => marksOf(timeline, durationMs, seriesEndSec), [timeline, durationMs, seriesEndSec]);
  const after = marks.find((m) => m.kind === 'after');

  return (
    <div className="charts" data-testid="charts">
      {(sentences.length > 0 || after || ownStarterRun) && (
        <p className="chart-notes muted small" data-testid="chart-notes">
          {sentences.join(' ')}
          {marks.some((m) => m.kind !== 'after') ? ' Shaded on the charts.' : ''}
          {after ? ` After ${after.fromSec} s (grey) no request arrives: those in flight finish or time out.` : ''}
          {ownStarterRun ? ' This run is of the starter code, so there is no dashed starter line to compare with.' : ''}
        </p>
      )}
      <div className="chart-grid">
        {charts.panels.map((p) => (
          <TimeChart key={p.id} panel={p} x={charts.x} durationSec={durationSec} marks={marks} />
        ))}
      </div>
      {buckets.length > 0 && charts.idle.length > 0 && (
        <p className="muted small">Not used in this run: {charts.idle.map((t) => t.split(',')[0].toLowerCase()).join(', ')}.</p>
      )}
    </div>
  );
}
