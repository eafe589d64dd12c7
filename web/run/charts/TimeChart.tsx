/**
 * One panel over virtual seconds, drawn by uPlot: its lines (a right-hand axis for those of
 * another scale), its SLO thresholds as dashed red lines, and the scenario's load phases and
 * fault windows as shaded bands. The legend is the page's own, so every value shows without
 * hovering (the last second's, or the hovered second's), and a table of each line's minimum,
 * maximum and last value is the chart's text alternative. The plot is created once per layout
 * and fed new data as buckets arrive, so a live run costs one `setData` per update.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartLine, ChartPanel } from './panels.ts';
import type { ChartMark } from './timelineMarks.ts';
import { ChartLegend, ChartTable, describeChart } from './ChartText.tsx';

export interface TimeChartProps {
  panel: ChartPanel;
  /** x of every value, in virtual seconds (the end of each bucket). */
  x: number[];
  /** Length of the run in virtual seconds: the x axis spans it from the start. */
  durationSec: number;
  marks: ChartMark[];
}

const HEIGHT_PX = 190;
const THRESHOLD_COLOR = '#dc2626';
const BAND_COLORS = { load: 'rgba(59, 130, 246, 0.10)', fault: 'rgba(217, 119, 6, 0.16)', after: 'rgba(107, 114, 128, 0.10)' };
const BAND_TEXT = { load: '#1e40af', fault: '#92400e', after: '#4b5563' };

export function TimeChart({ panel, x, durationSec, marks }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const duration = useRef(durationSec);
  duration.current = durationSec;
  const [hoverIdx, setHoverIdx] = useState<number | null>(null);
  const hasRight = panel.lines.some((l) => l.right);
  const layout = JSON.stringify([panel.lines.map((l) => [l.label, l.color, l.dashed, l.right]), panel.thresholds, marks, panel.log]);
  const data: uPlot.AlignedData = [x, ...panel.lines.map((l) => l.values)];

  useEffect(() => {
    const el = box.current!;
    const left = panel.thresholds.filter((t) => !t.right).map((t) => t.value);
    const right = panel.thresholds.filter((t) => t.right).map((t) => t.value);
    const axisStyle = { stroke: '#4b5563', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d7dbe0' } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT_PX,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: false, range: (_u, min, max) => [0, Math.max(duration.current, max ?? 0, min ?? 0, 1)] },
        y: panel.log ? { distr: 3 as uPlot.Scale.Distr, range: logRange(left) } : { range: linearRange(left) },
        ...(hasRight ? { y2: { range: linearRange(right) } } : {}),
      },
      axes: [
        { ...axisStyle, values: (_u, v) => v.map((s) => (s == null ? '' : `${s}s`)) },
        {
          ...axisStyle,
          size: 52,
          // A log axis gridded at powers of ten only: uPlot's default adds 2…9 of each decade.
          ...(panel.log ? { splits: (_u: uPlot, _i: number, min: number, max: number) => decadesBetween(min, max) } : {}),
          values: (_u, v) => v.map((s) => (s == null ? '' : formatTick(s))),
        },
        ...(hasRight
          ? [
              {
                ...axisStyle,
                scale: 'y2',
                side: 1 as uPlot.Axis.Side,
                grid: { show: false },
                size: 46,
                values: (_u: uPlot, v: number[]) => v.map((s) => (s == null ? '' : formatTick(s))),
              },
            ]
          : []),
      ],
      series: [
        {},
        ...panel.lines.map(
          (l): uPlot.Series => ({
            label: l.label,
            stroke: l.color,
            width: l.dashed ? 1.5 : 2,
            dash: l.dashed ? [6, 4] : undefined,
            scale: l.right ? 'y2' : 'y',
            spanGaps: false,
            // A second with data between two without is a dot: no line would show it.
            points: { show: true, size: 5, fill: l.color, filter: (u, i) => isolatedPoints(u.data[i]) },
          }),
        ),
      ],
      hooks: {
        drawClear: [(u) => drawMarks(u, marks)],
        draw: [(u) => drawThresholds(u, panel)],
        setCursor: [(u) => setHoverIdx(u.cursor.idx ?? null)],
      },
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
    // The plot is rebuilt only when its layout changes; data flows through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const thresholdIds = panel.thresholds.map((t) => t.value).join(' ');
  return (
    <figure className="chart" data-testid={`chart-${panel.id}`} data-thresholds={thresholdIds || undefined}>
      <figcaption>
        <span>
          {panel.title}{' '}
          <span className="muted">
            ({panel.unit}
            {panel.rightUnit ? `; right axis: ${panel.rightUnit}` : ''})
          </span>
        </span>
        <span className="legend-at muted">
          {hoverIdx !== null && x[hoverIdx] !== undefined ? `values at ${x[hoverIdx]} s` : 'last values'}
        </span>
      </figcaption>
      <ChartLegend panel={panel} hoverIdx={hoverIdx} />
      <div ref={box} className="chart-canvas" role="img" aria-label={describeChart(panel)} />
      <ChartTable panel={panel} />
    </figure>
  );
}

/** A linear axis from zero that always reaches its thresholds, with a little headroom. */
function linearRange(thresholds: number[]): uPlot.Range.Function {
  return (_u, _min, max) => [0, Math.max(1, ...thresholds.map((t) => t * 1.15), (max ?? 1) * 1.1)];
}

/** A log axis between powers of ten that always shows its thresholds. */
function logRange(thresholds: number[]): uPlot.Range.Function {
  return (_u, min, max) => [
    decadeBelow(Math.min(min ?? 1, ...thresholds)),
    decadeAbove(Math.max(max ?? 10, 10, ...thresholds.map((t) => t * 1.5))),
  ];
}

function drawThresholds(u: uPlot, panel: ChartPanel): void {
  const { ctx, bbox } = u;
  const px = devicePixelRatio;
  ctx.save();
  ctx.strokeStyle = THRESHOLD_COLOR;
  ctx.fillStyle = THRESHOLD_COLOR;
  ctx.lineWidth = 1.5 * px;
  ctx.setLineDash([6 * px, 4 * px]);
  ctx.font = `${11 * px}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  for (const t of panel.thresholds) {
    const y = Math.round(u.valToPos(t.value, t.right ? 'y2' : 'y', true));
    if (y < bbox.top || y > bbox.top + bbox.height) continue;
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    // The label on a light box, so a line running along the threshold does not cross it out.
    const textRight = bbox.left + bbox.width - 4 * px;
    const textWidth = ctx.measureText(t.label).width;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(textRight - textWidth - 3 * px, y - 15 * px, textWidth + 6 * px, 13 * px);
    ctx.fillStyle = THRESHOLD_COLOR;
    ctx.fillText(t.label, textRight, y - 2 * px);
  }
  ctx.restore();
}

function drawMarks(u: uPlot, marks: ChartMark[]): void {
  const { ctx, bbox } = u;
  const px = devicePixelRatio;
  ctx.save();
  ctx.font = `${10.5 * px}px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  marks.forEach((m, i) => {
    const from = Math.max(bbox.left, u.valToPos(m.fromSec, 'x', true));
    const to = Math.min(bbox.left + bbox.width, u.valToPos(m.toSec, 'x', true));
    if (!(to > from)) return;
    ctx.fillStyle = BAND_COLORS[m.kind];
    ctx.fillRect(from, bbox.top, Math.max(to - from, 2 * px), bbox.height);
    // A label that does not fit its band is left to the words above the charts.
    if (m.kind === 'after' && ctx.measureText(m.label).width + 6 * px > to - from) return;
    ctx.fillStyle = BAND_TEXT[m.kind];
    // Labels of several bands step down so they do not overwrite each other.
    ctx.fillText(m.label, from + 3 * px, bbox.top + (2 + 13 * (i % 3)) * px);
  });
  ctx.restore();
}

function isolatedPoints(values: uPlot.AlignedData[number]): number[] {
  const out: number[] = [];
  const has = (i: number) => values[i] != null;
  for (let i = 0; i < values.length; i++) if (has(i) && !has(i - 1) && !has(i + 1)) out.push(i);
  return out;
}

function decadesBetween(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(Math.max(min, 1e-3))); 10 ** e <= max * 1.0001; e++) if (10 ** e >= min * 0.9999) out.push(10 ** e);
  return out;
}

/** Log axes read best between powers of ten. */
const decadeBelow = (v: number) => 10 ** Math.floor(Math.log10(Math.max(v, 0.001)));
const decadeAbove = (v: number) => 10 ** Math.ceil(Math.log10(Math.max(v, 0.001)));

function formatTick(v: number): string {
  if (v >= 1_000_000) return `${v / 1_000_000}M`;
  if (v >= 10_000) return `${v / 1000}k`;
  if (v > 0 && v < 1) return String(+v.toPrecision(2));
  return String(+v.toPrecision(3));
}

export type { ChartLine };
