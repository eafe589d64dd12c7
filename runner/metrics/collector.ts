/**
 * Collects a run's measurements: per-route and overall latency trends, outcome counts,
 * requests in flight integrated over time (for Little's law), event-loop delay samples, and
 * one SeriesBucket per virtual second built from the platform's counters.
 */
import type { LatencyStats, RouteSecond, RouteStats, SeriesBucket } from '../summary-schema.ts';
import type { CounterReadings } from './fleet-counters.ts';
import { TimeWeighted } from './time-weighted.ts';
import { Trend } from './trend.ts';
import { OutcomeTimeline } from './outcome-timeline.ts';

export type Outcome = 'ok' | 'error' | 'timeout';

class RouteTally {
  readonly latency = new Trend();
  /** Latency of the requests answered as expected or given up on at timeout: what latency SLOs read. */
  readonly answered = new Trend();
  requests = 0;
  ok = 0;
  errors = 0;
  timeouts = 0;
  dbQueries = 0;
  /** This second's answered latencies (not failures, as the latency SLOs), reset as each bucket closes. */
  readonly second = new Trend();
  secondCompleted = 0;
  secondErrors = 0;
  secondTimeouts = 0;
  secondDbQueries = 0;
  constructor(readonly route: string) {}

  /** Closes this route's share of the current second. */
  closeSecond(): RouteSecond {
    const b = this.second;
    const has = b.count > 0;
    const out: RouteSecond = {
      route: this.route,
      completed: this.secondCompleted,
      errors: this.secondErrors,
      timeouts: this.secondTimeouts,
      latencyP50Ms: has ? round3(b.percentile(50)) : 0,
      latencyP95Ms: has ? round3(b.percentile(95)) : 0,
      latencyP99Ms: has ? round3(b.percentile(99)) : 0,
      dbQueries: this.secondDbQueries,
    };
    b.reset();
    this.secondCompleted = this.secondErrors = this.secondTimeouts = this.secondDbQueries = 0;
    return out;
  }
}

export class Collector {
  readonly overall = new Trend();
  /** `overall` without the requests that failed (an unexpected status, a failed connection). */
  readonly overallAnswered = new Trend();
  readonly eventLoopDelay = new Trend();
  readonly inFlight = new TimeWeighted();
  readonly routes = new Map<string, RouteTally>();
  readonly series: SeriesBucket[] = [];
  /** Completions and failures per 100 ms, for recovery after a fault. */
  readonly outcomes = new OutcomeTimeline();
  arrivals = 0;
  completed = 0;
  errors = 0;
  timeouts = 0;
  lastCompletionMs = 0;
  private bucket = new Trend();
  /** Where the open bucket starts: the end of the last one closed. */
  bucketStartMs = 0;
  private bucketArrivals = 0;
  private bucketCompleted = 0;
  private bucketErrors = 0;
  private bucketTimeouts = 0;
  private bucketLoopDelayMaxMs = 0;
  private inFlightNow = 0;
  private bucketInFlightMax = 0;
  private lastQueries = 0;
  private lastCalls = 0;
  private lastAttempts = 0;

  constructor(
    private readonly counters: CounterReadings,
    routes: string[],
  ) {
    for (const r of routes) this.routes.set(r, new RouteTally(r));
  }

  arrive(route: string, atMs: number): void {
    this.arrivals++;
    this.bucketArrivals++;
    this.tally(route).requests++;
    this.inFlight.add(atMs, 1);
    if (++this.inFlightNow > this.bucketInFlightMax) this.bucketInFlightMax = this.inFlightNow;
  }

  /** A logical request finished: answered, failed, or abandoned by its client at timeout. */
  finish(route: string, startMs: number, endMs: number, outcome: Outcome, dbQueries: number): void {
    const latencyMs = endMs - startMs;
    const t = this.tally(route);
    this.inFlight.add(endMs, -1);
    this.inFlightNow--;
    this.overall.add(latencyMs);
    t.latency.add(latencyMs);
    t.dbQueries += dbQueries;
    t.secondCompleted++;
    t.secondDbQueries += dbQueries;
    this.bucket.add(latencyMs);
    this.bucketCompleted++;
    this.completed++;
    if (endMs > this.lastCompletionMs) this.lastCompletionMs = endMs;
    this.outcomes.add(endMs, outcome !== 'ok');
    // A failure answered at once is not a fast answer: latency SLOs leave it out (the error
    // rate counts it), so failing fast cannot make a route look quick. A timeout stays in, at
    // the time the client waited.
    if (outcome !== 'error') {
      this.overallAnswered.add(latencyMs);
      t.answered.add(latencyMs);
      t.second.add(latencyMs);
    }
    if (outcome === 'ok') t.ok++;
    else if (outcome === 'error') {
      t.errors++;
      t.secondErrors++;
      this.errors++;
      this.bucketErrors++;
    } else {
      t.timeouts++;
      t.secondTimeouts++;
      this.timeouts++;
      this.bucketTimeouts++;
    }
  }

  loopDelay(delayMs: number): void {
    this.eventLoopDelay.add(delayMs);
    if (delayMs > this.bucketLoopDelayMaxMs) this.bucketLoopDelayMaxMs = delayMs;
  }

  /**
   * Closes the current bucket at `endMs` and returns it. Buckets are a second long except the
   * last, closed where the run's window ends, which says how long it is (`spanMs`).
   */
  closeBucket(endMs: number): SeriesBucket {
    const c = this.counters;
    const b = this.bucket;
    const has = b.count > 0;
    const bucket: SeriesBucket = {
      tMs: this.bucketStartMs,
      requests: this.bucketArrivals,
      completed: this.bucketCompleted,
      errors: this.bucketErrors,
      timeouts: this.bucketTimeouts,
      latencyP50Ms: has ? round3(b.percentile(50)) : 0,
      latencyP95Ms: has ? round3(b.percentile(95)) : 0,
      latencyP99Ms: has ? round3(b.percentile(99)) : 0,
      eventLoopDelayMaxMs: round3(this.bucketLoopDelayMaxMs),
      poolInUseMax: c.poolInUseMax,
      poolWaitingMax: c.poolWaitingMax,
      threadPoolQueueMax: c.threadPoolQueueMax,
      dbQueries: c.dbQueries - this.lastQueries,
      downstreamCalls: c.downstreamCalls - this.lastCalls,
      downstreamAttempts: c.downstreamAttempts - this.lastAttempts,
      inFlightMax: this.bucketInFlightMax,
      ...(endMs - this.bucketStartMs < 1000 ? { spanMs: round3(endMs - this.bucketStartMs) } : {}),
      routes: [...this.routes.values()].map((t) => t.closeSecond()),
    };
    this.series.push(bucket);
    this.lastQueries = c.dbQueries;
    this.lastCalls = c.downstreamCalls;
    this.lastAttempts = c.downstreamAttempts;
    c.resetMaxima();
    b.reset();
    this.bucketStartMs = endMs;
    this.bucketArrivals = this.bucketCompleted = this.bucketErrors = this.bucketTimeouts = 0;
    this.bucketLoopDelayMaxMs = 0;
    this.bucketInFlightMax = this.inFlightNow;
    return bucket;
  }

  routeStats(windowMs: number): RouteStats[] {
    return [...this.routes.values()].map((t) => ({
      route: t.route,
      requests: t.requests,
      ok: t.ok,
      errors: t.errors,
      timeouts: t.timeouts,
      throughputPerSec: round3((t.ok / windowMs) * 1000),
      latency: roundStats(t.latency.stats()),
      dbQueriesPerRequest: t.requests ? round3(t.dbQueries / t.requests) : 0,
    }));
  }

  tally(route: string): RouteTally {
    let t = this.routes.get(route);
    if (!t) this.routes.set(route, (t = new RouteTally(route)));
    return t;
  }
}

/** Summary numbers are rounded to the microsecond so they read well and compare exactly. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function roundStats(s: LatencyStats): LatencyStats {
  return {
    count: s.count,
    meanMs: round3(s.meanMs),
    p50Ms: round3(s.p50Ms),
    p95Ms: round3(s.p95Ms),
    p99Ms: round3(s.p99Ms),
    maxMs: round3(s.maxMs),
  };
}
