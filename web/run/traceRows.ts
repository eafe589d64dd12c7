/**
 * What the waterfall draws of a trace, without React: one row per span with its depth and its
 * place on the trace's time axis (fractions of the request's duration), plus the words the
 * picker and the summary line use. Kept apart so the arithmetic is tested without a page.
 */
import type { RequestTrace, TraceSpan, TraceSpanKind } from '../../runner/index.ts';

export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** Where the bar starts and how wide it is, as fractions of the axis. */
  left: number;
  width: number;
}

/** The words for each kind of span, in the legend and the table. */
export const SPAN_KIND_LABELS: Record<TraceSpanKind, string> = {
  request: 'request',
  attempt: 'attempt',
  'loop.wait': 'event-loop wait',
  cpu: 'handler CPU',
  'pg.pool.wait': 'pool wait',
  'db.query': 'query',
  fetch: 'downstream call',
  timer: 'timer (sleep)',
  threadpool: 'thread pool',
  cache: 'cache',
  'worker.wait': 'worker wait',
  worker: 'worker thread CPU',
};

export function waterfallRows(trace: RequestTrace): { rows: WaterfallRow[]; axisMs: number } {
  const startMs = trace.startMs;
  const endMs = trace.spans.reduce((m, s) => Math.max(m, s.startMs + s.durationMs), startMs + trace.durationMs);
  const axisMs = Math.max(endMs - startMs, 0.001);
  const depthOf = new Map<string, number>();
  const rows = trace.spans.map((span) => {
    const depth = span.parentId === undefined ? 0 : (depthOf.get(span.parentId) ?? 0) + 1;
    depthOf.set(span.spanId, depth);
    const left = (span.startMs - startMs) / axisMs;
    return { span, depth, left: clamp01(left), width: Math.min(1 - clamp01(left), Math.max(0, span.durationMs / axisMs)) };
  });
  return { rows, axisMs };
}

/** "51 queries, 51 pool waits, 3 downstream calls": what the trace is made of, biggest first. */
export function spanCounts(trace: RequestTrace): string {
  const counts = new Map<TraceSpanKind, number>();
  for (const s of trace.spans) if (s.kind !== 'request' && s.kind !== 'attempt') counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n} × ${SPAN_KIND_LABELS[kind]}`)
    .join(', ');
}

/** The picker's words for a trace: route, latency, why it was kept, how it ended. */
export function traceLabel(t: RequestTrace): string {
  const end = t.outcome === 'ok' ? String(t.status ?? '') : t.outcome === 'timeout' ? 'timed out' : `error ${t.status ?? ''}`.trim();
  return `${t.route} · ${formatMs(t.durationMs)} · ${t.sampledAs.join(', ')} · ${end} · request #${t.seq}`;
}

/** The trace shown first: the slowest of the run. */
export function defaultTrace(traces: RequestTrace[]): number {
  let best = 0;
  for (let i = 1; i < traces.length; i++) if (traces[i].durationMs > traces[best].durationMs) best = i;
  return best;
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** A span's attributes in words: "50 rows, 0.1 ms DB queue, 0.3 ms executing", "status 503", "timed out". */
export function spanDetail(span: TraceSpan): string {
  const a = span.attributes ?? {};
  const out: string[] = [];
  if (typeof a.rows === 'number') out.push(`${a.rows} row${a.rows === 1 ? '' : 's'}`);
  if (typeof a.dbQueueMs === 'number') out.push(`${formatMs(a.dbQueueMs)} waiting for a DB core`);
  if (typeof a.dbExecMs === 'number') out.push(`${formatMs(a.dbExecMs)} executing`);
  if (typeof a.poolWaitMs === 'number') out.push(`${formatMs(a.poolWaitMs)} waiting for a thread`);
  if (typeof a.workMs === 'number') out.push(`${formatMs(a.workMs)} working`);
  if (typeof a.downstreamQueueMs === 'number' && a.downstreamQueueMs > 0)
    out.push(`${formatMs(a.downstreamQueueMs)} in the downstream's queue`);
  if (a.status !== undefined && span.kind !== 'request') out.push(`status ${a.status}`);
  if (a.timeout === true) out.push('timed out');
  else if (a.aborted === true) out.push('aborted');
  if (a.refused === true) out.push('refused (queue full)');
  if (a.newConnection === true) out.push('new connection');
  if (typeof a.error === 'string') out.push(a.error);
  else if (a.error === true) out.push('failed');
  if (a.answered === false) out.push('never answered');
  if (a.unfinished === true) out.push('never ended in the run');
  return out.join(', ');
}
