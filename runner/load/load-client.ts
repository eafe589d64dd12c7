/**
 * The open-loop load generator and its clients. Each logical request is scheduled on the
 * profile, sent to the service, and measured from its scheduled arrival (no coordinated
 * omission). A client that times out gives up, and may retry, but the server keeps the work
 * of the abandoned attempt, as real servers do.
 */
import type { Kernel } from '../sim/kernel.ts';
import type { Prng } from '../sim/prng.ts';
import type { LoadRequest, LoadSpec, RequestMixEntry } from '../scenario/types.ts';
import type { Outcome } from '../metrics/collector.ts';
import type { ServerReply } from '../runtime/process/http-server.ts';
import type { RequestHandler } from './balancer.ts';
import type { RequestContext } from '../runtime/platform.ts';
import { arrivalSchedule } from './arrivals.ts';

export interface LogicalRequest {
  seq: number;
  route: string;
  request: LoadRequest;
  scheduledMs: number;
  attempt: number;
  done: boolean;
  contexts: RequestContext[];
}

export interface LoadClientEvents {
  arrive(l: LogicalRequest): void;
  /** An attempt of `l` is sent at `atMs` with `context` as its async context. */
  send?(l: LogicalRequest, context: RequestContext, atMs: number): void;
  finish(l: LogicalRequest, endMs: number, outcome: Outcome, reply: ServerReply | undefined): void;
}

export class LoadClient {
  private readonly open = new Set<LogicalRequest>();
  arrivalsDone = false;
  private seq = 0;
  private readonly next: (afterMs: number) => number;
  private readonly totalWeight: number;
  private readonly expectedByRoute = new Map<string, number[]>();
  private arrivalsTotalCounted: number | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly spec: LoadSpec,
    private readonly scale: number,
    private readonly rng: Prng,
    private readonly server: RequestHandler,
    private readonly events: LoadClientEvents,
  ) {
    this.next = arrivalSchedule(spec.arrivals, spec.process ?? 'poisson', spec.durationMs, scale, rng.fork('arrivals'));
    this.totalWeight = spec.mix.reduce((s, m) => s + m.weight, 0);
    for (const m of spec.mix) if (m.expectedStatuses) this.expectedByRoute.set(m.route, m.expectedStatuses);
  }

  /**
   * Logical requests the whole run sends: the arrival schedule replayed on a stream of its
   * own (a fork is independent of its parent's position), so the count is exact and the
   * run's own arrivals are untouched. Open loop: nothing the service does changes it.
   */
  arrivalsTotal(): number {
    if (this.arrivalsTotalCounted === undefined) {
      const spec = this.spec;
      const next = arrivalSchedule(spec.arrivals, spec.process ?? 'poisson', spec.durationMs, this.scale, this.rng.fork('arrivals'));
      let n = 0;
      for (let t = next(0); t !== Infinity; t = next(t)) n++;
      this.arrivalsTotalCounted = n;
    }
    return this.arrivalsTotalCounted;
  }

  /** Logical requests not yet finished. */
  get inFlight(): number {
    return this.open.size;
  }

  start(): void {
    this.scheduleAfter(0);
  }

  /**
   * Ends every request still open as a timeout at `atMs`: the run's time limit came first
   * (only possible when clients never time out on their own).
   */
  abandonAll(atMs: number): void {
    for (const l of [...this.open]) this.end(l, atMs, 'timeout', undefined);
  }

  private scheduleAfter(afterMs: number): void {
    const t = this.next(afterMs);
    if (t === Infinity) {
      this.arrivalsDone = true;
      return;
    }
    this.kernel.at(t, this.arriveAndScheduleNext, t);
  }

  /** One arrival's event: no closure per arrival, the instant is the event's argument. */
  private readonly arriveAndScheduleNext = (t: number): void => {
    this.arrive(t);
    this.scheduleAfter(t);
  };

  private pick(): RequestMixEntry {
    const mix = this.spec.mix;
    if (mix.length === 1) return mix[0];
    let x = this.rng.next() * this.totalWeight;
    for (const m of mix) {
      x -= m.weight;
      if (x < 0) return m;
    }
    return mix[mix.length - 1];
  }

  private arrive(t: number): void {
    const entry = this.pick();
    const seq = this.seq++;
    const l: LogicalRequest = {
      seq,
      route: entry.route,
      request: entry.build(this.rng, seq),
      scheduledMs: t,
      attempt: 0,
      done: false,
      contexts: [],
    };
    this.open.add(l);
    this.events.arrive(l);
    this.send(l, t);
  }

  private send(l: LogicalRequest, atMs: number): void {
    const attempt = ++l.attempt;
    const context: RequestContext = { route: l.route, seq: l.seq, dbQueries: 0, calledHosts: undefined, trace: undefined };
    l.contexts.push(context);
    this.events.send?.(l, context, atMs);
    this.server.handle(l.request, atMs, context, (reply, replyMs) => {
      context.answered = true;
      this.kernel.at(replyMs, () => this.onReply(l, attempt, reply, replyMs));
    });
    const timeoutMs = this.spec.clientTimeoutMs;
    if (timeoutMs > 0) this.kernel.at(atMs + timeoutMs, () => this.onTimeout(l, attempt, atMs + timeoutMs));
  }

  private onReply(l: LogicalRequest, attempt: number, reply: ServerReply, atMs: number): void {
    if (l.done || attempt !== l.attempt) return; // the client already gave up on this attempt
    const retryable = reply.status >= 500 || reply.status === 429;
    if (retryable && this.retriesLeft(l)) {
      this.send(l, atMs);
      return;
    }
    this.end(l, atMs, this.expected(l, reply.status) ? 'ok' : 'error', reply);
  }

  private onTimeout(l: LogicalRequest, attempt: number, atMs: number): void {
    if (l.done || attempt !== l.attempt) return;
    if (this.retriesLeft(l)) {
      this.send(l, atMs);
      return;
    }
    this.end(l, atMs, 'timeout', undefined);
  }

  private expected(l: LogicalRequest, status: number): boolean {
    const statuses = this.expectedByRoute.get(l.route);
    // k6 counts 200–399 as expected because it follows redirects; this client follows none, so
    // a 3xx is the whole answer, and a service could skip a route's work with a bodiless 304.
    return statuses ? statuses.includes(status) : status >= 200 && status < 300;
  }

  private retriesLeft(l: LogicalRequest): boolean {
    return l.attempt <= (this.spec.clientRetries ?? 0);
  }

  private end(l: LogicalRequest, atMs: number, outcome: Outcome, reply: ServerReply | undefined): void {
    l.done = true;
    this.open.delete(l);
    this.events.finish(l, atMs, outcome, reply);
  }
}
