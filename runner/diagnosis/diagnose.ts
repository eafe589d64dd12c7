/**
 * A diagnosis of the run, in the spirit of Clinic.js Doctor but tied to this platform: rules
 * that read what the run measured (the per-second series, per-route statements, where clients
 * were taken and never given back, the downstreams' own counts) and name a mechanism, with
 * its evidence: the chart and the seconds where it shows, the service's line, the statement.
 * Each finding says which failed SLOs it explains, so the lab and the CLI can put it beside
 * them. A finding describes what happened, never the code that would fix it.
 *
 * The thresholds are properties of the mechanisms, not of the scenarios: a loop stalled for
 * 10 ms or more is stalled (libuv's own timers are that coarse), a statement sent five or
 * more times by one request is sent per item, a second in which requests waited for a pool
 * client is a saturated pool, and a call that became two or more attempts is amplified.
 */
import type { Finding, FindingEvidence, RequestTrace, RunSummary, SeriesBucket, SloResult, TraceSpan } from '../summary-schema.ts';

/** What the run saw besides its summary (collected in run.ts). */
export interface DiagnosisSignals {
  /** Per route: statements sent, by SQL text, over the run. */
  statementsByRoute: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Per host, the service's lines that sent a request's second and later attempts. */
  retryLines: ReadonlyArray<{ host: string; lines: readonly number[] }>;
  /** The service's lines that asked for these statement texts on `route` (first few found). */
  statementLines(route: string, texts: readonly string[]): number[];
  /** The service's lines that made heavy platform calls on a main thread (pbkdf2Sync, say). */
  heavyLines: ReadonlyArray<{ line: number; ms: number; calls: number }>;
  /** Where each client that was never given back was taken (undefined: the line is unknown). */
  leakLines: ReadonlyArray<number | undefined>;
  /** Busy time of each instance's main thread, ms. */
  mainThreadBusyMs: readonly number[];
  /**
   * Per host, the downstream calls sent with nothing to cut them short (no signal): how many
   * settled, the slowest of those, the age of those still waiting at the end, and the
   * service's lines that made them.
   */
  unboundedCalls: ReadonlyArray<{
    host: string;
    settled: number;
    slowestMs: number;
    pendingAgesMs: readonly number[];
    lines: readonly number[];
  }>;
  /** The downstream services, as they counted what reached them. */
  downstreams: ReadonlyArray<{ host: string; received: number; rejected: number; refused: number; faultErrors: number }>;
}

/** A stall of the event loop this long or longer is one (libuv's timers are this coarse). */
export const LOOP_STALL_MS = 10;
/** A statement sent this many times per request, on average, is sent once per item. */
export const STATEMENT_REPEATS_PER_REQUEST = 5;
/** Attempts per logical downstream call from which the calls are amplified. */
export const RETRY_AMPLIFICATION = 2;
/** Seconds a condition must hold to be more than a blip (or all of a shorter run). */
export const SUSTAINED_SECONDS = 3;
/**
 * A downstream call with no timeout that waited this long has shown the timeout is missing: no
 * caller of an API waits a second for one dependency, and every request behind it waits too.
 */
export const UNBOUNDED_WAIT_MS = 1000;

export function diagnose(summary: RunSummary, signals: DiagnosisSignals): Finding[] {
  const failed = summary.slos.filter((s) => !s.pass);
  const findings: Array<Finding | undefined> = [
    // Causes first, then what they lead to (a saturated pool, a downstream turning work away).
    loopBlocked(summary, signals, failed),
    ...nPlusOne(summary, signals, failed),
    clientsLeaked(summary, signals, failed),
    ...missingTimeout(summary, signals, failed),
    retryAmplification(summary, signals, failed),
    connectionsRefused(summary, failed),
    poolSaturated(summary, failed),
    ...downstreamQueueFull(summary, signals, failed),
  ];
  return findings.filter((f): f is Finding => f !== undefined);
}

/** The seconds of the run where `pick` is at least `min`: their span, count and peak. */
function seconds(series: readonly SeriesBucket[], pick: (b: SeriesBucket) => number, min: number) {
  let fromMs = Infinity;
  let toMs = -Infinity;
  let count = 0;
  let peak = 0;
  for (const b of series) {
    const v = pick(b);
    if (v > peak) peak = v;
    if (!(v >= min)) continue;
    count++;
    if (b.tMs < fromMs) fromMs = b.tMs;
    if (b.tMs + 1000 > toMs) toMs = b.tMs + 1000;
  }
  return { count, peak, fromMs, toMs };
}

/** Whether a condition held long enough: SUSTAINED_SECONDS, or every second of a shorter run. */
const sustained = (summary: RunSummary, w: { count: number }): boolean =>
  w.count > 0 && w.count >= Math.min(SUSTAINED_SECONDS, Math.ceil(summary.windowMs / 1000));

const chart = (series: string, w: { fromMs: number; toMs: number; peak: number }, note: string): FindingEvidence => ({
  kind: 'chart',
  series,
  fromMs: w.fromMs,
  toMs: w.toMs,
  peak: round(w.peak),
  note,
});

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The kept trace that shows a mechanism best: the one with the highest `score` (how much of
 * it the request went through), the first kept on a tie; none when no trace shows it at all.
 * `note` says, in words, what to look at in it.
 */
function traceShowing(
  summary: RunSummary,
  score: (t: RequestTrace) => number,
  note: (score: number, t: RequestTrace) => string,
  route?: string,
): FindingEvidence[] {
  let best: RequestTrace | undefined;
  let bestScore = 0;
  for (const t of summary.traces ?? []) {
    if (route !== undefined && t.route !== route) continue;
    const s = score(t);
    if (s > bestScore) {
      best = t;
      bestScore = s;
    }
  }
  return best ? [{ kind: 'trace', traceId: best.traceId, route: best.route, note: note(tenths(bestScore), best) }] : [];
}

/** Total time of a trace's spans of `kind` (and whose name has `name` in it, if given). */
const timeIn =
  (kind: TraceSpan['kind'], name?: string) =>
  (t: RequestTrace): number => {
    let ms = 0;
    for (const s of t.spans) if (s.kind === kind && (name === undefined || s.name.includes(name))) ms += s.durationMs;
    return ms;
  };

/** How many of a trace's spans are of `kind` (with `name` in it, and `test` true, if given). */
const countOf =
  (kind: TraceSpan['kind'], name?: string, test?: (s: TraceSpan) => boolean) =>
  (t: RequestTrace): number => {
    let n = 0;
    for (const s of t.spans) if (s.kind === kind && (name === undefined || s.name.includes(name)) && (!test || test(s))) n++;
    return n;
  };

/** The longest of a trace's spans of `kind` with `name` in it. */
const longestOf =
  (kind: TraceSpan['kind'], name: string) =>
  (t: RequestTrace): number => {
    let ms = 0;
    for (const s of t.spans) if (s.kind === kind && s.name.includes(name) && s.durationMs > ms) ms = s.durationMs;
    return ms;
  };

const took = (t: RequestTrace): string => `a ${t.route} request that took ${tenths(t.durationMs)} ms`;
const tenths = (x: number): number => Math.round(x * 10) / 10;

/** Failed SLOs whose metric is one of `families` (and, if given, of `route` or of no route). */
function explained(failed: readonly SloResult[], families: readonly string[], route?: string): string[] {
  return failed
    .filter((s) => families.some((f) => s.metric === f || s.metric.startsWith(`${f}{`)))
    .filter((s) => !route || !s.metric.includes('route:') || s.metric.includes(`route:${route}}`))
    .map((s) => s.label);
}

const LATENCY = ['http_req_duration'];
const FAILURES = ['http_req_failed', 'recovery_time'];
const THROUGHPUT = ['http_reqs'];
const LOOP = ['eventloop_delay'];

function loopBlocked(summary: RunSummary, signals: DiagnosisSignals, failed: readonly SloResult[]): Finding | undefined {
  const w = seconds(summary.series, (b) => b.eventLoopDelayMaxMs, LOOP_STALL_MS);
  if (!sustained(summary, w)) return undefined;
  const busy = signals.mainThreadBusyMs.length ? Math.max(...signals.mainThreadBusyMs) / summary.windowMs : 0;
  const evidence: FindingEvidence[] = [chart('eventLoopDelayMaxMs', w, `the longest stall in each second, up to ${round(w.peak)} ms`)];
  let detail =
    `The event loop stalled for ${LOOP_STALL_MS} ms or more in ${w.count} seconds of the run (up to ${round(w.peak)} ms at once), ` +
    `and the main thread was busy ${Math.round(busy * 100)}% of the time: while one callback runs, every other request waits.`;
  const top = [...signals.heavyLines].sort((a, b) => b.ms - a.ms)[0];
  if (top && top.ms >= 0.25 * busy * summary.windowMs) {
    detail += ` Most of that time went into one synchronous call on line ${top.line}: ${top.calls} calls, ${round(top.ms / top.calls)} ms each.`;
    evidence.push({ kind: 'line', line: top.line, note: `${top.calls} calls of ${round(top.ms / top.calls)} ms on the main thread` });
  }
  evidence.push(...traceShowing(summary, timeIn('loop.wait'), (ms, t) => `${took(t)}, ${ms} ms of it waiting for the event loop`));
  return {
    rule: 'event-loop-blocked',
    title: 'The event loop is blocked',
    detail,
    explains: explained(failed, [...LOOP, ...LATENCY, ...THROUGHPUT, ...FAILURES]),
    evidence,
  };
}

/** SQL with its literals taken out, so `WHERE id = 7` and `WHERE id = 8` are one statement. */
export function statementShape(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/(?<![$\w])\d+(?:\.\d+)?\b/g, '?') // numbers, not $1 placeholders
    .replace(/\s+/g, ' ')
    .trim();
}

function nPlusOne(summary: RunSummary, signals: DiagnosisSignals, failed: readonly SloResult[]): Finding[] {
  const out: Finding[] = [];
  for (const r of summary.routes) {
    const texts = signals.statementsByRoute.get(r.route);
    if (!texts || r.requests === 0) continue;
    const shapes = new Map<string, { n: number; texts: string[] }>();
    for (const [sql, n] of texts) {
      const shape = statementShape(sql);
      const s = shapes.get(shape);
      if (s) {
        s.n += n;
        if (s.texts.length < 16) s.texts.push(sql);
      } else shapes.set(shape, { n, texts: [sql] });
    }
    let worst: [string, { n: number; texts: string[] }] | undefined;
    for (const entry of shapes) if (!worst || entry[1].n > worst[1].n) worst = entry;
    if (!worst) continue;
    const perRequest = worst[1].n / r.requests;
    if (perRequest < STATEMENT_REPEATS_PER_REQUEST) continue;
    const lines = signals.statementLines(r.route, worst[1].texts);
    const sql = worst[0].length > 160 ? `${worst[0].slice(0, 157)}…` : worst[0];
    const w = seconds(summary.series, (b) => b.dbQueries, 1);
    out.push({
      rule: 'n-plus-one',
      title: `${r.route} sends one statement per item (N+1)`,
      detail:
        `Each ${r.route} request sent the same statement ${round(perRequest)} times on average, with different values: ` +
        `${round(r.dbQueriesPerRequest)} statements per request in all. Every one is a round trip and a turn on the database's cores.`,
      explains: explained(failed, ['db_queries_per_request', ...LATENCY, ...THROUGHPUT, ...FAILURES], r.route),
      evidence: [
        { kind: 'statement', route: r.route, sql, perRequest: round(perRequest) },
        ...lines.map((line): FindingEvidence => ({ kind: 'line', line, note: `sends it, ${round(perRequest)} times per request` })),
        chart('dbQueries', w, `statements per second, up to ${round(w.peak)}`),
        ...traceShowing(summary, countOf('db.query'), (n, t) => `${took(t)}: ${n} statements, one after another`, r.route),
      ],
    });
  }
  return out;
}

function poolSaturated(summary: RunSummary, failed: readonly SloResult[]): Finding | undefined {
  const w = seconds(summary.series, (b) => b.poolWaitingMax, 1);
  if (!sustained(summary, w)) return undefined;
  const inUse = seconds(summary.series, (b) => b.poolInUseMax, 1);
  return {
    rule: 'pool-saturated',
    title: 'Requests wait for a database client',
    detail:
      `In ${w.count} seconds of the run every pooled client was taken and requests queued for one (up to ${w.peak} waiting, ` +
      `${inUse.peak} in use). Time spent waiting for a client is part of each request's latency.`,
    explains: explained(failed, [...LATENCY, ...FAILURES, ...THROUGHPUT]),
    evidence: [
      chart('poolWaitingMax', w, `requests waiting for a client, up to ${w.peak}`),
      chart('poolInUseMax', inUse, `clients in use, up to ${inUse.peak}`),
      ...traceShowing(summary, timeIn('pg.pool.wait'), (ms, t) => `${took(t)}, ${ms} ms of it waiting for a client`),
    ],
  };
}

function clientsLeaked(summary: RunSummary, signals: DiagnosisSignals, failed: readonly SloResult[]): Finding | undefined {
  if (signals.leakLines.length === 0) return undefined;
  const byLine = new Map<number | undefined, number>();
  for (const line of signals.leakLines) byLine.set(line, (byLine.get(line) ?? 0) + 1);
  const lines = [...byLine].sort((a, b) => b[1] - a[1]);
  const known = lines.filter(([line]) => line !== undefined) as Array<[number, number]>;
  const where = known.length ? ` They were taken on line${known.length > 1 ? 's' : ''} ${known.map(([l]) => l).join(', ')}.` : '';
  const inUse = seconds(summary.series, (b) => b.poolInUseMax, 1);
  return {
    rule: 'clients-leaked',
    title: 'Database clients are never given back',
    detail:
      `${signals.leakLines.length} pooled client${signals.leakLines.length > 1 ? 's were' : ' was'} still checked out at the end, held by requests ` +
      `that had already been answered: nothing will release them, and the pool has that many fewer to lend.${where}`,
    explains: [...explained(failed, [...LATENCY, ...FAILURES, ...THROUGHPUT]), ...explained(failed, ['pg_pool_clients_leaked'])],
    evidence: [
      ...known.map(
        ([line, n]): FindingEvidence => ({ kind: 'line', line, note: `${n} client${n > 1 ? 's' : ''} taken here and never released` }),
      ),
      chart('poolInUseMax', inUse, `clients in use, up to ${inUse.peak}`),
      ...traceShowing(summary, timeIn('pg.pool.wait'), (ms, t) => `${took(t)}, ${ms} ms of it waiting for a client`),
    ],
  };
}

function retryAmplification(summary: RunSummary, signals: DiagnosisSignals, failed: readonly SloResult[]): Finding | undefined {
  const ratio = (b: SeriesBucket): number => (b.downstreamCalls >= 5 ? b.downstreamAttempts / b.downstreamCalls : 0);
  const w = seconds(summary.series, ratio, RETRY_AMPLIFICATION);
  if (!sustained(summary, w)) return undefined;
  // The cause, as the downstreams saw it: turned away at the door, or failing once in.
  const causes = signals.downstreams
    .filter((d) => d.rejected + d.faultErrors > 0)
    .map((d) => `${d.host} answered ${d.rejected} with 503 because its queue was full and failed ${d.faultErrors} itself`);
  return {
    rule: 'retry-amplification',
    title: 'Retries multiply the load on a downstream',
    detail:
      `In ${w.count} seconds of the run each call to a downstream became ${RETRY_AMPLIFICATION} or more attempts (up to ${round(w.peak)}): ` +
      'every failed attempt was sent again, so a struggling service received more work exactly when it could do least.' +
      (causes.length ? ` What failed them: ${causes.join('; ')}.` : ''),
    explains: explained(failed, [...FAILURES, ...LATENCY, ...THROUGHPUT, 'downstream_retry_amplification']),
    evidence: [
      chart('downstreamAttempts', w, `attempts per logical call, up to ${round(w.peak)}`),
      ...signals.retryLines.flatMap((r) =>
        r.lines.map((line): FindingEvidence => ({ kind: 'line', line, note: `sends a request's call to ${r.host} again` })),
      ),
      ...traceShowing(summary, countOf('fetch'), (n, t) => `${took(t)}: ${n} attempts at its downstream calls`),
    ],
  };
}

function downstreamQueueFull(summary: RunSummary, signals: DiagnosisSignals, failed: readonly SloResult[]): Finding[] {
  return signals.downstreams
    .filter((d) => d.received > 0 && d.rejected / d.received >= 0.01)
    .map((d) => ({
      rule: 'downstream-queue-full',
      title: `${d.host} turns requests away`,
      detail:
        `${d.host} answered ${d.rejected} of the ${d.received} requests it received with 503 at once: all its workers were busy ` +
        'and its queue was full. Those answers come back fast but as failures.',
      explains: explained(failed, [...FAILURES, ...LATENCY]),
      evidence: [
        chart(
          'downstreamAttempts',
          seconds(summary.series, (b) => b.downstreamAttempts, 1),
          'attempts sent per second',
        ),
        ...traceShowing(
          summary,
          countOf('fetch', d.host, (s) => s.attributes?.status === 503),
          (n, t) => `${took(t)}: ${n} of its attempts answered 503 by ${d.host}`,
        ),
      ],
    }));
}

function missingTimeout(summary: RunSummary, signals: DiagnosisSignals, failed: readonly SloResult[]): Finding[] {
  const out: Finding[] = [];
  for (const u of signals.unboundedCalls) {
    const stuck = u.pendingAgesMs.filter((ms) => ms >= UNBOUNDED_WAIT_MS).length;
    const longestMs = Math.max(u.slowestMs, ...u.pendingAgesMs);
    if (longestMs < UNBOUNDED_WAIT_MS) continue;
    out.push({
      rule: 'missing-timeout',
      title: `Calls to ${u.host} have no timeout`,
      detail:
        `Calls to ${u.host} were sent with nothing to cut them short (no timeout, no abort signal), and one waited ` +
        `${(longestMs / 1000).toFixed(1)} s` +
        (stuck ? `; ${stuck} ${stuck === 1 ? 'was' : 'were'} still waiting when the run ended` : '') +
        '. Whatever the request holds meanwhile (a pooled client, a slot, the user) is held as long as that host takes.',
      explains: explained(failed, [...LATENCY, ...FAILURES, 'pg_pool_clients_leaked']),
      evidence: [
        ...u.lines.slice(0, 3).map((line): FindingEvidence => ({ kind: 'line', line, note: `a call to ${u.host} with no timeout` })),
        ...traceShowing(summary, longestOf('fetch', u.host), (ms, t) => `${took(t)}, one call to ${u.host} waiting ${ms} ms`),
      ],
    });
  }
  return out;
}

function connectionsRefused(summary: RunSummary, failed: readonly SloResult[]): Finding | undefined {
  const c = summary.databaseConnections;
  if (!c || c.refused === 0) return undefined;
  const instances = summary.replicas?.length ?? 1;
  return {
    rule: 'db-connections-refused',
    title: 'The database refuses connections',
    detail:
      `The database allows ${c.maxConnections} connections and the ${instances} instances opened up to ${c.peak} together; ` +
      `${c.refused} more were refused ("sorry, too many clients already"). Each instance's pool counts against the ` +
      'same limit, so the pools together must fit in it.',
    explains: explained(failed, [...FAILURES, ...LATENCY]),
    evidence: [
      chart(
        'errors',
        seconds(summary.series, (b) => b.errors, 1),
        'failed requests per second',
      ),
      ...traceShowing(
        summary,
        (t) => (t.outcome === 'error' ? 1 : 0),
        (_, t) => `${took(t)} and failed${t.status === null ? '' : ` with ${t.status}`}`,
      ),
    ],
  };
}
