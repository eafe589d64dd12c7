/**
 * A chart in words: its legend with a value beside every line (no hovering needed), and its
 * text alternative, a table of each line's minimum, maximum and last value with the SLO
 * target, for a screen reader and for anyone who wants the numbers.
 */
import type { ChartLine, ChartPanel } from './panels.ts';

interface Extremes {
  min: number;
  max: number;
  last: number;
}

export function extremesOf(values: readonly (number | null)[]): Extremes | null {
  let min = Infinity;
  let max = -Infinity;
  let last: number | null = null;
  for (const v of values) {
    if (v === null) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    last = v;
  }
  return last === null ? null : { min, max, last };
}

/** The value a legend shows: the hovered second's, else the last second that has one. */
function shown(line: ChartLine, hoverIdx: number | null): string {
  if (hoverIdx !== null) {
    const v = line.values[hoverIdx];
    return v == null ? '–' : line.format(v);
  }
  const e = extremesOf(line.values);
  return e ? line.format(e.last) : '–';
}

export function ChartLegend({ panel, hoverIdx }: { panel: ChartPanel; hoverIdx: number | null }) {
  return (
    <ul className="chart-legend" data-testid="chart-legend" aria-hidden="true">
      {panel.lines.map((l) => (
        <li key={l.label} className={l.dashed ? 'legend-starter' : undefined}>
          <span className={`legend-swatch${l.dashed ? ' legend-swatch-dashed' : ''}`} style={{ borderColor: l.color }} />
          {l.label}
          {l.right ? ' (right)' : ''} <span className="legend-value">{shown(l, hoverIdx)}</span>
        </li>
      ))}
      {panel.thresholds.map((t) => (
        <li key={t.label} className="legend-threshold" data-testid="legend-threshold">
          <span className="legend-swatch legend-swatch-dashed legend-swatch-slo" />
          {t.label}
        </li>
      ))}
    </ul>
  );
}

export function ChartTable({ panel }: { panel: ChartPanel }) {
  return (
    <details className="chart-table">
      <summary>Numbers</summary>
      <table>
        <caption className="visually-hidden">{panel.title}: each line's minimum, maximum and last value</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col" className="num">
              Min
            </th>
            <th scope="col" className="num">
              Max
            </th>
            <th scope="col" className="num">
              Last
            </th>
          </tr>
        </thead>
        <tbody>
          {panel.lines.map((l) => {
            const e = extremesOf(l.values);
            return (
              <tr key={l.label}>
                <th scope="row">{l.label}</th>
                <td className="num">{e ? l.format(e.min) : '–'}</td>
                <td className="num">{e ? l.format(e.max) : '–'}</td>
                <td className="num">{e ? l.format(e.last) : '–'}</td>
              </tr>
            );
          })}
          {panel.thresholds.map((t) => (
            <tr key={t.label}>
              <th scope="row" colSpan={4}>
                {t.label}
              </th>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** One sentence per chart for its image role: what each line did, and the target. */
export function describeChart(panel: ChartPanel): string {
  const parts = panel.lines.map((l) => {
    const e = extremesOf(l.values);
    return e ? `${l.label} from ${l.format(e.min)} to ${l.format(e.max)}, last ${l.format(e.last)}` : `${l.label}: no data yet`;
  });
  const slo = panel.thresholds.map((t) => t.label);
  return `${panel.title}, per second. ${[...parts, ...slo].join('; ')}.`;
}
