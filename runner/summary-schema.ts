/**
 * The run summary: versioned data that the CLI, the lab and reviewers read; rendering lives
 * elsewhere. Virtual time is always a number of milliseconds since the start of the run.
 */
export interface LatencyStats {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface RouteStats {
  route: string;
  requests: number;
  ok: number;
  errors: number;
  timeouts: number;
  throughputPerSec: number;
  latency: LatencyStats;
  dbQueriesPerRequest: number;
}

/**
 * One route's share of a virtual second: what its SLOs are judged on, second by second. The
 * latencies are those of answered requests (failures left out, as the latency SLOs do), 0 when
 * the route answered none in that second.
 */
export interface RouteSecond {
  route: string;
  /** Requests that ended in this second: answered, failed, or given up on by their client. */
  completed: number;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  /** Database statements of the requests that completed in this second. */
  dbQueries: number;
}

/** One virtual second of the run. */
export interface SeriesBucket {
  tMs: number;
  requests: number;
  completed: number;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  eventLoopDelayMaxMs: number;
  poolInUseMax: number;
  poolWaitingMax: number;
  threadPoolQueueMax: number;
  dbQueries: number;
  downstreamCalls: number;
  downstreamAttempts: number;
  inFlightMax: number;
  /**
   * Present only on a last bucket shorter than a second (the run's window ended inside it):
   * the virtual milliseconds it covers, so its counts are not read as a whole second's.
   */
  spanMs?: number;
  /** Per route of the load mix, in the mix's order. Added within version 1: older summaries lack it. */
  routes?: RouteSecond[];
}

/** A stretch of the load profile at one arrival rate, or ramping linearly between two. */
export interface LoadPhase {
  fromMs: number;
  toMs: number;
  /** Arrivals per second at `fromMs` and just before `toMs`, load scale applied; equal unless the phase ramps. */
  ratePerSecFrom: number;
  ratePerSecTo: number;
}

/** A scripted fault of a downstream service, active in [fromMs, toMs). */
export interface FaultPeriod {
  host: string;
  kind: 'slowdown' | 'errors' | 'outage';
  fromMs: number;
  toMs: number;
  /** `slowdown`: how many times slower the downstream serves. */
  factor?: number;
  /** `errors`: the fraction of requests answered with an error, and its status. */
  rate?: number;
  status?: number;
}

/** What the scenario scripted over time, for charts to mark: load phases and downstream faults. */
export interface RunTimeline {
  load: LoadPhase[];
  faults: FaultPeriod[];
}

export interface SloResult {
  label: string;
  metric: string;
  threshold: string;
  /** The measured value the threshold was applied to; null when there was no data. */
  actual: number | null;
  pass: boolean;
}

export interface CheckResult {
  name: string;
  checked: number;
  failed: number;
  /** First few problems, in order of occurrence. */
  problems: string[];
  pass: boolean;
}

export interface ReportedError {
  message: string;
  route?: string;
  line?: number;
  column?: number;
  count: number;
}

export type RunStatus = 'completed' | 'aborted' | 'limit';

/** What a summary was produced from (see runner/provenance.ts). */
export interface RunProvenance {
  /** The engine's name and version. */
  engine: string;
  /** SHA-256 of the service's TypeScript source, hex. */
  codeSha256: string;
  /** SHA-256 of the scenario's scenario.ts, hex; null when the host did not supply it. */
  scenarioSha256: string | null;
}

/** How `recovery_time` was measured (see runner/slo/recovery.ts). */
export interface RecoveryMeasure {
  /** End of the last downstream fault, virtual ms. */
  faultEndMs: number;
  /** From here on, every window of `sustainMs` had at most `failureRateMax` of its requests fail. */
  recoveredAtMs: number;
  sustainMs: number;
  failureRateMax: number;
  resolutionMs: number;
}

/**
 * A run that ended as soon as its verdict was settled (runner/slo/settled.ts): one SLO could
 * no longer be met whatever the rest of the run did. Only a run whose service spends more
 * than `serviceCpuMsBudget` of CPU in its own JavaScript may end so (such a run cannot
 * simulate faster than real time); every other run goes to its end. The verdict is the
 * full run's; measurements, rates and charts cover the run up to `atMs` only.
 */
export interface EarlyStop {
  /** Virtual time of the stop. */
  atMs: number;
  /** The SLO that could no longer be met, as the scenario states it. */
  slo: { label: string; metric: string; threshold: string };
  /** Samples (or failed requests) so far that fail the threshold; for `avg`, the sum of the samples. */
  observed: number;
  /** The most samples (or finished requests) the whole run could have had. */
  countMax: number;
  /** The value the SLO's measure could no longer go below, which fails the threshold. */
  valueMin: number;
  /** The evidence in words. */
  reason: string;
  /** Requests still in flight at the stop; they end there, counted as timeouts. */
  inFlight: number;
  /** CPU the service's own JavaScript had used by the stop, virtual ms. */
  serviceCpuMs: number;
  /** Past this much CPU in its own JavaScript, a run may end once settled. */
  serviceCpuMsBudget: number;
}

/**
 * What a finding points at: a chart and the seconds where it shows, a line, a statement, or
 * one of the run's request traces (`traceId` of one in `traces`) where the mechanism is seen.
 */
export type FindingEvidence =
  | { kind: 'chart'; series: string; fromMs: number; toMs: number; peak: number; note: string }
  | { kind: 'line'; line: number; note: string }
  | { kind: 'statement'; route: string; sql: string; perRequest: number }
  | { kind: 'trace'; traceId: string; route: string; note: string };

/**
 * A mechanism the run's diagnosis found (runner/diagnosis/diagnose.ts), with its evidence and
 * the failed SLOs it explains. It says what happened, never the code of a fix.
 */
export interface Finding {
  /** The rule: event-loop-blocked, n-plus-one, pool-saturated, clients-leaked, retry-amplification, downstream-queue-full. */
  rule: string;
  title: string;
  detail: string;
  /** Labels of the failed SLOs this finding explains (empty when all were met). */
  explains: string[];
  evidence: FindingEvidence[];
}

/** One instance of the service over the run. */
export interface ReplicaStats {
  /** 1-based, as the console prefixes say. */
  replica: number;
  /** Requests the balancer gave it. */
  requests: number;
  eventLoopDelayMaxMs: number;
  /** The most pooled database clients it had checked out at once. */
  poolInUseMax: number;
  leakedClients: number;
}

/** The database's connection slots, shared by every instance: what max_connections limits. */
export interface DatabaseConnectionStats {
  maxConnections: number;
  /** The most connections open at once, from all instances together. */
  peak: number;
  /** Connections refused with "sorry, too many clients already". */
  refused: number;
}

/** One line of the service in a CPU profile. */
export interface ProfileLine {
  /** 1-based line of the learner's TypeScript. */
  line: number;
  /** The line's text, trimmed (at most 120 characters). */
  text: string;
  /** The function the line is in, as the profile names it. */
  functionName: string;
  /** CPU the line used itself (its JavaScript and the platform calls it made), ms. */
  selfMs: number;
  /** Of which: its own JavaScript, metered. */
  javascriptMs: number;
  /**
   * Of which: platform work it called (pbkdf2Sync, JSON by size, console.log, reply.send's
   * serialisation), sampled once per millisecond of each kind of work (sandbox/cpu-profile.ts).
   */
  platformMs: number;
}

/** One function of the service in a CPU profile. */
export interface ProfileFunction {
  name: string;
  /** The line the function starts on. */
  line: number;
  /** CPU of the function's own lines (not of the functions it calls), ms. */
  selfMs: number;
}

/** Main-thread work that is not one of the service's lines. */
export interface ProfileBucket {
  /**
   * What it is, in parentheses: `(platform: HTTP parsing)`, `(platform: crypto)` (called from
   * no line of the service), `(platform: promise jobs)`, `(library dataloader)`, `(compiled
   * async/await helpers)`, `(code made with new Function)`. Idle time is not CPU, so not here.
   */
  label: string;
  ms: number;
}

/**
 * Where the main thread's CPU went (runner/sandbox/profile-summary.ts): by the service's
 * lines and functions, and the platform's own work in buckets. With several instances, their
 * main threads together; worker threads are not included. All lines and buckets add up to
 * `busyMs`; the summary keeps the top 20 lines and top 10 functions. Deterministic: the same
 * code and seed give the same bytes.
 */
export interface CpuProfile {
  version: 1;
  /** CPU the main thread used over the run, ms. */
  busyMs: number;
  /** The lines that used the most CPU, most first. */
  lines: ProfileLine[];
  /** The functions that used the most CPU themselves, most first. */
  functions: ProfileFunction[];
  /** The rest, most first. */
  platform: ProfileBucket[];
}

/** What a span of a request trace measures. */
export type TraceSpanKind =
  /** The whole request as its client saw it, from the scheduled arrival: the root span. */
  | 'request'
  /** One attempt of the client (a client that retries sends several). */
  | 'attempt'
  /** Ready to run on the main thread, waiting behind other tasks (the event-loop delay it felt). */
  | 'loop.wait'
  /** The service's code and the platform's own work for this request on the main thread. */
  | 'cpu'
  /** `pool.connect()` (or `pool.query`) waiting for a pooled client; includes the handshake of a new connection. */
  | 'pg.pool.wait'
  /** One query: sent, waiting for a database core (`dbQueueMs`), executing (`dbExecMs`), answer back. */
  | 'db.query'
  /** One fetch attempt: sent until its answer is back (`status`), aborted (`timeout`) or refused. */
  | 'fetch'
  /** A timer of the request that fired: a backoff sleep, a poll. */
  | 'timer'
  /** Work on libuv's thread pool (async crypto): waiting for a thread (`poolWaitMs`) and working (`workMs`). */
  | 'threadpool'
  /** One cache command's round trip. */
  | 'cache'
  /** Waiting for a worker thread: in piscina's queue, or behind other tasks on the worker's loop (`thread`). */
  | 'worker.wait'
  /** CPU on a worker thread (`thread`) for this request: work moved off the main thread. */
  | 'worker';

/**
 * One span. Ids follow W3C trace-context (a parent-id is 16 lowercase hex digits), so an
 * export to OpenTelemetry is a mapping: spanId, parentSpanId, name, start and end, attributes.
 */
export interface TraceSpan {
  spanId: string;
  /** The enclosing span; absent on the root. */
  parentId?: string;
  kind: TraceSpanKind;
  /** What it was: the route, `attempt 2`, the SQL text, `GET pricing.internal/v2/prices`. */
  name: string;
  /** Virtual ms since the start of the run. */
  startMs: number;
  durationMs: number;
  /**
   * Numbers and flags of the span: rows, dbQueueMs, status, timeout, newConnection… `unfinished`
   * marks a span that never ended within the run, drawn up to the client's end.
   */
  attributes?: Record<string, string | number | boolean>;
}

/** Why a trace was kept: among its route's slowest, a failure of that kind, or the seeded sample. */
export type TraceSampledAs = 'slowest' | 'error' | 'timeout' | 'sample';

/**
 * One sampled request, end to end: the client's view (root span), each attempt it sent and,
 * inside each attempt, what the service did for it. Which requests are kept is deterministic
 * (runner/metrics/trace-sampler.ts): per route the 3 slowest, 2 of each failure kind (5xx or
 * other error, client timeout) and a seeded sample of 2 of the rest; at most 30 traces a run
 * (shared equally by the routes), 250 spans per attempt and 400 per trace besides its root and attempts (more are counted
 * in `droppedSpans`), span names at most 240 characters.
 */
export interface RequestTrace {
  /** 32 lowercase hex digits (W3C trace-context trace-id), from the seed and `seq`. */
  traceId: string;
  route: string;
  /** The request's sequence number in the run (0-based, in order of arrival). */
  seq: number;
  sampledAs: TraceSampledAs[];
  outcome: 'ok' | 'error' | 'timeout';
  /** The status of the answer the client took; null when it timed out. */
  status: number | null;
  /** Scheduled arrival, virtual ms since the start of the run. */
  startMs: number;
  /** Client-observed latency (what the SLOs measure). */
  durationMs: number;
  /** The root first, then every other span in order of start. */
  spans: TraceSpan[];
  /** Spans beyond the limit per attempt, counted and not kept. */
  droppedSpans: number;
}

export interface RunSummary {
  version: 1;
  provenance: RunProvenance;
  scenarioId: string;
  seed: number;
  loadScale: number;
  status: RunStatus;
  /** Why the run stopped early, when status is not `completed`. */
  statusReason?: string;
  durationMs: number;
  /** Virtual end of observation (after the drain), the window for rates below. */
  windowMs: number;
  requests: {
    arrivals: number;
    completed: number;
    errors: number;
    timeouts: number;
    /** Arrivals per second over the window. */
    arrivalRatePerSec: number;
    throughputPerSec: number;
    /** Mean client-observed time in system (timeouts count as the timeout). */
    latencyMeanMs: number;
    /** Time-average of requests in flight, integrated over the window. */
    inFlightMean: number;
    latency: LatencyStats;
  };
  routes: RouteStats[];
  /** Flat metric values the SLOs are evaluated on, e.g. `http_req_duration{route:GET /a}:p(99)`. */
  metrics: Record<string, number>;
  slos: SloResult[];
  checks: CheckResult[];
  passed: boolean;
  /** Present when the run ended early because its verdict was settled. */
  earlyStop?: EarlyStop;
  /** Mechanisms the diagnosis found, in the order of its rules. */
  findings: Finding[];
  /** Present when the scenario scripts downstream faults: how recovery from them was judged. */
  recovery?: RecoveryMeasure;
  /** Present when the service runs as several instances: each one's share and gauges. */
  replicas?: ReplicaStats[];
  /** With several instances: the connections they opened to the one database. */
  databaseConnections?: DatabaseConnectionStats;
  errors: ReportedError[];
  console: string[];
  series: SeriesBucket[];
  /** The load phases and downstream faults the scenario scripts. Added within version 1: older summaries lack it. */
  timeline?: RunTimeline;
  /** Where the main thread's CPU went, by line and function of the service. */
  profile?: CpuProfile;
  /** Sampled request traces, by route (in the load mix's order), slowest first. */
  traces?: RequestTrace[];
}
