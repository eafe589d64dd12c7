/**
 * A uPlot time-series chart over virtual seconds. The plot is created once per series layout
 * and fed new data as buckets arrive, so a live run costs one `setData` per update.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** Baseline (starter) series are dashed and thinner. */
  dashed?: boolean;
  values: (number | null)[];
}

export interface TimeChartProps {
  title: string;
  unit: string;
  /** Length of the run in virtual seconds: the x axis spans it from the start. */
  durationSec: number;
  series: ChartSeries[];
  log?: boolean;
  testId?: string;
}

const HEIGHT_PX = 170;

export function TimeChart({ title, unit, durationSec, series, log = false, testId }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const duration = useRef(durationSec);
  duration.current = durationSec;
  const layout = series.map((s) => `${s.label}:${s.color}:${s.dashed ?? false}`).join('|') + `:${log}`;
  const data = toAligned(series);

  useEffect(() => {
    const el = box.current!;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT_PX,
      legend: { live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: false, range: (_u, min, max) => [0, Math.max(duration.current, max ?? 0, min ?? 0, 1)] },
        y: log
          ? { distr: 3 as uPlot.Scale.Distr, range: (_u, min, max) => [decadeBelow(min ?? 1), decadeAbove(Math.max(max ?? 10, 10))] }
          : { range: (_u, _min, max) => [0, Math.max(1, (max ?? 1) * 1.1)] },
      },
      axes: [
        {
          stroke: '#4b5563',
          grid: { stroke: '#eef0f3' },
          ticks: { stroke: '#d7dbe0' },
          values: (_u, v) => v.map((x) => (x == null ? '' : `${x}s`)),
        },
        {
          stroke: '#4b5563',
          grid: { stroke: '#eef0f3' },
          ticks: { stroke: '#d7dbe0' },
          size: 56,
          values: (_u, v) => v.map((x) => (x == null ? '' : formatTick(x))),
        },
      ],
      series: [
        { label: 'virtual time', value: (_u, v) => (v == null ? '–' : `${v}s`) },
        ...series.map(
          (s): uPlot.Series => ({
            label: s.label,
            stroke: s.color,
            width: s.dashed ? 1.5 : 2,
            dash: s.dashed ? [6, 4] : undefined,
            spanGaps: false,
            points: { show: false },
            value: (_u, v) => (v == null ? '–' : `${formatValue(v)} ${unit}`),
          }),
        ),
      ],
    };
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT_PX }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when the set of series changes; data flows through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title} <span className="muted">({unit})</span>
      </figcaption>
      <div ref={box} className="chart-canvas" />
    </figure>
  );
}

function toAligned(series: ChartSeries[]): uPlot.AlignedData {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const x = Array.from({ length: n }, (_, i) => i + 1);
  return [x, ...series.map((s) => Array.from({ length: n }, (_, i) => s.values[i] ?? null))];
}

/** Log axes read best between powers of ten. */
const decadeBelow = (v: number) => 10 ** Math.floor(Math.log10(Math.max(v, 0.001)));
const decadeAbove = (v: number) => 10 ** Math.ceil(Math.log10(Math.max(v, 0.001)));

function formatTick(v: number): string {
  if (v >= 1_000_000) return `${v / 1_000_000}M`;
  if (v >= 10_000) return `${v / 1000}k`;
  if (v > 0 && v < 1) return String(+v.toPrecision(1));
  return String(+v.toPrecision(3));
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return +v.toFixed(2) + '';
}
