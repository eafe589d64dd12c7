/**
 * The spans of one request attempt, recorded where the platform already does the work: the
 * event loop (CPU, waiting for the thread), the pg pool and the database, fetch, timers,
 * the thread pool, the cache. A log hangs off the attempt's RequestContext, so any module
 * that knows the async context can add to it without a side table.
 *
 * Every attempt gets a log while it may still be sampled (its latency is known only at the
 * end); the run's tracer drops the log (sets `trace` to undefined) of each request it does
 * not keep, so recording stops there. Recording is plain pushes of small objects: the SQL
 * text is kept by reference and tidied only for the traces that are kept.
 */
import type { RequestContext } from './platform.ts';
import type { TraceSpanKind } from '../summary-schema.ts';

/** What a span inside an attempt measures: the summary's `TraceSpan.kind` but the root and the attempt. */
export type SpanKind = Exclude<TraceSpanKind, 'request' | 'attempt'>;

export type SpanAttributes = Record<string, string | number | boolean>;

export interface SpanRecord {
  kind: SpanKind;
  name: string;
  startMs: number;
  /** NaN while the span is still open (a query in flight when the run ended). */
  endMs: number;
  attributes: SpanAttributes | undefined;
}

/** Spans kept per attempt; more are counted, not kept (an N+1 of 50 items needs about 210). */
export const SPANS_PER_ATTEMPT_MAX = 250;

/** A wait for the main thread shorter than this is not worth a bar (a task's own bookkeeping). */
const LOOP_WAIT_MS_MIN = 0.01;

export class TraceLog {
  readonly spans: SpanRecord[] = [];
  /** Spans beyond SPANS_PER_ATTEMPT_MAX, not kept. */
  dropped = 0;

  constructor(
    /** When the attempt reached the service. */
    readonly arrivedMs: number,
  ) {}

  /** Adds a finished span. */
  add(kind: SpanKind, name: string, startMs: number, endMs: number, attributes?: SpanAttributes): void {
    if (this.spans.length >= SPANS_PER_ATTEMPT_MAX) {
      this.dropped++;
      return;
    }
    this.spans.push({ kind, name, startMs, endMs, attributes });
  }

  /** Opens a span whose end comes later; undefined when the log is full. */
  open(kind: SpanKind, name: string, startMs: number, attributes?: SpanAttributes): SpanRecord | undefined {
    if (this.spans.length >= SPANS_PER_ATTEMPT_MAX) {
      this.dropped++;
      return undefined;
    }
    const span: SpanRecord = { kind, name, startMs, endMs: Number.NaN, attributes };
    this.spans.push(span);
    return span;
  }

  /** Takes back a span opened for nothing (a wait that ended where it began). */
  remove(span: SpanRecord): void {
    const i = this.spans.lastIndexOf(span);
    if (i >= 0) this.spans.splice(i, 1);
  }

  /**
   * A main-thread task of this attempt: it became ready at `readyMs`, started at `startMs`
   * and held the thread until `endMs`. The wait behind other tasks is a span of its own, so a
   * blocked loop reads as a gap that is someone else's CPU. Back-to-back CPU is one span.
   * `thread` is 0 for the main thread, else the worker thread's id: its work is the request's
   * too, but not the main thread's.
   */
  task(readyMs: number, startMs: number, endMs: number, thread: number): void {
    const cpu: SpanKind = thread === 0 ? 'cpu' : 'worker';
    if (startMs - readyMs >= LOOP_WAIT_MS_MIN) {
      if (thread === 0) this.add('loop.wait', 'waiting for the event loop', readyMs, startMs);
      else this.add('worker.wait', `waiting for worker thread ${thread}`, readyMs, startMs, { thread });
    }
    const last = this.spans.length ? this.spans[this.spans.length - 1] : undefined;
    if (last !== undefined && last.kind === cpu && last.endMs === startMs && (thread === 0 || last.attributes?.thread === thread))
      last.endMs = endMs;
    else if (thread === 0) this.add('cpu', 'handler CPU (main thread)', startMs, endMs);
    else this.add('worker', `worker thread ${thread} CPU`, startMs, endMs, { thread });
  }
}

/** The trace log of the request an async context belongs to, if it is being recorded. */
export function traceOf(context: unknown): TraceLog | undefined {
  return context === undefined || context === null ? undefined : (context as RequestContext).trace;
}
