/**
 * The run's request traces as a waterfall: pick a sampled request, see its spans as bars on
 * its own time axis (an N+1 is a staircase of fifty-one query bars; a retry storm shows each
 * attempt, its timeout and the sleep after it). The bars are drawn for the eye; the same
 * spans are in a table below for screen readers and for copying SQL.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { RequestTrace } from '../../runner/index.ts';
import { defaultTrace, formatMs, SPAN_KIND_LABELS, spanCounts, spanDetail, traceLabel, waterfallRows } from './traceRows.ts';

const AXIS_TICKS = [0, 0.25, 0.5, 0.75, 1];

/**
 * `show` is a trace a finding pointed at (its id, and a count that changes at each click): it
 * is picked and brought into view, and the learner can pick another after.
 */
export function TraceWaterfall({ traces, show }: { traces: RequestTrace[]; show?: { traceId: string; click: number } }) {
  const [picked, setPicked] = useState<number | null>(null);
  const selectId = useId();
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!show) return;
    const i = traces.findIndex((t) => t.traceId === show.traceId);
    if (i < 0) return;
    setPicked(i);
    section.current?.scrollIntoView({ block: 'start' });
    section.current?.focus({ preventScroll: true });
  }, [show, traces]);
  if (traces.length === 0) return null;
  const index = picked !== null && picked < traces.length ? picked : defaultTrace(traces);
  const trace = traces[index];
  const { rows, axisMs } = waterfallRows(trace);
  const kinds = [...new Set(rows.map((r) => r.span.kind))];
  return (
    <section ref={section} tabIndex={-1} className="panel traces" data-testid="trace-waterfall" aria-labelledby={`${selectId}-title`}>
      <h3 id={`${selectId}-title`}>Request traces</h3>
      <p className="muted small">
        A few requests of each route, kept whatever the code: the slowest, some that failed, and a sample of the rest. Each bar is time the
        request spent on something.
      </p>
      <label className="trace-picker" htmlFor={selectId}>
        Trace{' '}
        <select id={selectId} value={index} onChange={(e) => setPicked(Number(e.target.value))} data-testid="trace-select">
          {traces.map((t, i) => (
            <option key={t.traceId} value={i}>
              {traceLabel(t)}
            </option>
          ))}
        </select>
      </label>
      <p className="small" data-testid="trace-summary">
        <strong>{formatMs(trace.durationMs)}</strong> from arrival to answer; {spanCounts(trace) || 'no spans inside'}.
        {trace.droppedSpans > 0 && ` ${trace.droppedSpans} more spans not kept.`} <span className="muted mono">trace {trace.traceId}</span>
      </p>
      <ul className="trace-legend small" aria-hidden="true">
        {kinds.map((k) => (
          <li key={k}>
            <span className={`span-swatch span-${k.replace(/\./g, '-')}`} /> {SPAN_KIND_LABELS[k]}
          </li>
        ))}
      </ul>
      <div className="waterfall" aria-hidden="true">
        <div className="waterfall-axis">
          {AXIS_TICKS.map((f) => (
            <span key={f} style={{ left: `${f * 100}%` }}>
              {formatMs(f * axisMs)}
            </span>
          ))}
        </div>
        <ol className="waterfall-rows">
          {rows.map(({ span, depth, left, width }) => (
            <li key={span.spanId} className="waterfall-row" title={`${span.name} — ${formatMs(span.durationMs)} ${spanDetail(span)}`}>
              <span className="waterfall-name" style={{ paddingLeft: `${depth * 0.8}rem` }}>
                {span.name}
              </span>
              <span className="waterfall-track">
                <span
                  className={`waterfall-bar span-${span.kind.replace(/\./g, '-')}`}
                  data-testid="waterfall-bar"
                  data-kind={span.kind}
                  style={{ left: `${left * 100}%`, width: `max(1px, ${width * 100}%)` }}
                />
              </span>
            </li>
          ))}
        </ol>
      </div>
      <details className="trace-table-details">
        <summary>The spans as a table</summary>
        <div className="table-scroll">
          <table className="slo-table trace-table" data-testid="trace-table">
            <caption className="muted small">
              {trace.route}, request #{trace.seq}: every span, times from the request's arrival
            </caption>
            <thead>
              <tr>
                <th scope="col">Span</th>
                <th scope="col">Kind</th>
                <th scope="col">Starts at</th>
                <th scope="col">Takes</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ span, depth }) => (
                <tr key={span.spanId}>
                  <td className="mono" style={{ paddingLeft: `${0.7 + depth * 0.8}rem` }}>
                    {span.name}
                  </td>
                  <td>{SPAN_KIND_LABELS[span.kind]}</td>
                  <td className="num">{formatMs(span.startMs - trace.startMs)}</td>
                  <td className="num">{formatMs(span.durationMs)}</td>
                  <td>{spanDetail(span)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
