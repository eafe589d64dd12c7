/**
 * The run's request traces: every attempt gets a trace log as it is sent, each finished
 * request is offered to the sampler, and the few it keeps become the summary's `traces`.
 * A dropped request's logs are detached at once, so the platform stops recording for it
 * (the server may keep working on an abandoned attempt long after).
 *
 * Ids are W3C trace-context ids derived from the seed and the request's sequence number, so
 * the same run names its traces the same, and an export to OpenTelemetry is a mapping.
 */
import type { LogicalRequest } from '../load/load-client.ts';
import type { RequestContext } from '../runtime/platform.ts';
import type { ServerReply } from '../runtime/process/http-server.ts';
import type { RequestTrace, TraceSampledAs, TraceSpan } from '../summary-schema.ts';
import type { Outcome } from './collector.ts';
import { createPrng } from '../sim/prng.ts';
import { TraceLog } from '../runtime/trace-log.ts';
import { TraceSampler } from './trace-sampler.ts';
import { round3 } from './collector.ts';

/** SQL and other names longer than this are cut, with an ellipsis. */
const SPAN_NAME_CHARS_MAX = 240;
/** Spans one trace keeps (its root and first attempts count); more are counted in `droppedSpans`. */
export const SPANS_PER_TRACE_MAX = 400;

interface Finished {
  l: LogicalRequest;
  endMs: number;
  status: number | null;
}

export class RequestTracer {
  private readonly sampler: TraceSampler<Finished>;

  constructor(private readonly seed: number) {
    this.sampler = new TraceSampler<Finished>(createPrng(seed, 'traces'), (c) => {
      for (const context of c.payload.l.contexts) context.trace = undefined;
    });
  }

  /** An attempt is sent: record it while it may be kept. */
  send(_l: LogicalRequest, context: RequestContext, atMs: number): void {
    context.trace = new TraceLog(atMs);
  }

  /** A request ended, for its client: offer it to the sampler. */
  finish(l: LogicalRequest, endMs: number, outcome: Outcome, reply: ServerReply | undefined): void {
    this.sampler.offer({
      route: l.route,
      seq: l.seq,
      latencyMs: endMs - l.scheduledMs,
      outcome,
      payload: { l, endMs, status: outcome === 'timeout' || !reply ? null : reply.status },
    });
  }

  /**
   * The kept traces. A span still open when the run ended (a wait for a pool client that
   * never came) is marked unfinished and drawn up to the client's end, or to `windowMs` if it
   * began after the client gave up.
   */
  traces(routeOrder: readonly string[], windowMs: number): RequestTrace[] {
    return this.sampler.kept(routeOrder).map((k) => this.trace(k.candidate.payload, k.candidate.outcome, k.sampledAs, windowMs));
  }

  private trace(f: Finished, outcome: Outcome, sampledAs: TraceSampledAs[], windowMs: number): RequestTrace {
    const { l, endMs } = f;
    const ids = new SpanIds(this.seed, l.seq);
    const rootId = ids.next();
    const spans: TraceSpan[] = [
      {
        spanId: rootId,
        kind: 'request',
        name: l.route,
        startMs: round3(l.scheduledMs),
        durationMs: round3(endMs - l.scheduledMs),
        attributes: { outcome, attempts: l.contexts.length, ...(f.status === null ? {} : { status: f.status }) },
      },
    ];
    let dropped = 0;
    l.contexts.forEach((context, i) => {
      const log = context.trace;
      if (!log) return;
      dropped += log.dropped;
      const attemptId = ids.next();
      const nextMs = i + 1 < l.contexts.length ? (l.contexts[i + 1].trace?.arrivedMs ?? endMs) : endMs;
      spans.push({
        spanId: attemptId,
        parentId: rootId,
        kind: 'attempt',
        name: `attempt ${i + 1}`,
        startMs: round3(log.arrivedMs),
        durationMs: round3(nextMs - log.arrivedMs),
        ...(context.answered ? {} : { attributes: { answered: false } }),
      });
      const children = log.spans.map((s, order) => ({ s, order })).sort((a, b) => a.s.startMs - b.s.startMs || a.order - b.order);
      const room = Math.max(0, SPANS_PER_TRACE_MAX - spans.length);
      if (children.length > room) dropped += children.length - room;
      for (const { s } of children.slice(0, room)) {
        const open = Number.isNaN(s.endMs);
        const end = open ? (s.startMs < endMs ? endMs : Math.max(windowMs, s.startMs)) : s.endMs;
        const attributes = roundAttributes(s.attributes, open);
        spans.push({
          spanId: ids.next(),
          parentId: attemptId,
          kind: s.kind,
          name: tidy(s.name),
          startMs: round3(s.startMs),
          durationMs: round3(end - s.startMs),
          ...(attributes ? { attributes } : {}),
        });
      }
    });
    return {
      traceId: ids.traceId,
      route: l.route,
      seq: l.seq,
      sampledAs,
      outcome,
      status: f.status,
      startMs: round3(l.scheduledMs),
      durationMs: round3(endMs - l.scheduledMs),
      spans,
      droppedSpans: dropped,
    };
  }
}

function roundAttributes(
  attributes: Record<string, string | number | boolean> | undefined,
  open: boolean,
): Record<string, string | number | boolean> | undefined {
  if (!attributes && !open) return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) out[key] = typeof value === 'number' ? round3(value) : value;
  if (open) out.unfinished = true;
  return out;
}

/** One line, whitespace collapsed, at most SPAN_NAME_CHARS_MAX characters. */
function tidy(name: string): string {
  const line = name.replace(/\s+/g, ' ').trim();
  return line.length > SPAN_NAME_CHARS_MAX ? `${line.slice(0, SPAN_NAME_CHARS_MAX - 1)}…` : line;
}

/**
 * W3C trace-context ids: a 128-bit trace id from (seed, seq) and 64-bit span ids numbered
 * within it, each word from a 32-bit finaliser (MurmurHash3's fmix32); never all zeros,
 * which trace-context reserves for "invalid".
 */
export class SpanIds {
  readonly traceId: string;
  private readonly base: number;
  private n = 0;

  constructor(seed: number, seq: number) {
    const a = fmix32((seed >>> 0) ^ 0x5bd1e995);
    const b = fmix32(a ^ (seq >>> 0));
    const words = [b, fmix32(b ^ 0x9e3779b9), fmix32(b ^ 0x85ebca6b), fmix32(b ^ 0xc2b2ae35)];
    this.traceId = nonZero(words.map(hex8).join(''));
    this.base = words[3];
  }

  next(): string {
    const i = ++this.n;
    const hi = fmix32(this.base ^ Math.imul(i, 0x9e3779b9));
    const lo = fmix32(hi ^ i);
    return nonZero(hex8(hi) + hex8(lo));
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function nonZero(hex: string): string {
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}
