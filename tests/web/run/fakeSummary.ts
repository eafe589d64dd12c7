/**
 * Run summaries for tests of the lab's rendering: every field the page reads, with plain
 * defaults a test overrides where it matters.
 */
import type { RunSummary, SeriesBucket } from '../../../runner/index.ts';

type Requests = Partial<RunSummary['requests']>;

export interface FakeSummary extends Partial<Omit<RunSummary, 'requests'>> {
  requests?: Requests;
}

export function bucket(tMs: number, fields: Partial<SeriesBucket> = {}): SeriesBucket {
  return {
    tMs,
    requests: 100,
    completed: 100,
    errors: 0,
    timeouts: 0,
    latencyP50Ms: 5,
    latencyP95Ms: 9,
    latencyP99Ms: 12,
    eventLoopDelayMaxMs: 1,
    poolInUseMax: 0,
    poolWaitingMax: 0,
    threadPoolQueueMax: 0,
    dbQueries: 0,
    downstreamCalls: 0,
    downstreamAttempts: 0,
    inFlightMax: 1,
    ...fields,
  };
}

export function fakeSummary(over: FakeSummary = {}): RunSummary {
  const { requests, findings = [], ...rest } = over;
  return {
    version: 1,
    provenance: { engine: 'tailspin test', codeSha256: '0', scenarioSha256: null },
    scenarioId: 'demo',
    seed: 1,
    loadScale: 1,
    status: 'completed',
    durationMs: 10_000,
    windowMs: 10_000,
    requests: {
      arrivals: 1000,
      completed: 1000,
      errors: 0,
      timeouts: 0,
      arrivalRatePerSec: 100,
      throughputPerSec: 100,
      latencyMeanMs: 6,
      inFlightMean: 0.6,
      latency: { count: 1000, meanMs: 6, p50Ms: 5, p95Ms: 9, p99Ms: 12, maxMs: 30 },
      ...requests,
    },
    routes: [],
    metrics: {},
    slos: [],
    checks: [],
    passed: true,
    errors: [],
    findings,
    console: [],
    series: Array.from({ length: 10 }, (_, i) => bucket((i + 1) * 1000)),
    ...rest,
  };
}
