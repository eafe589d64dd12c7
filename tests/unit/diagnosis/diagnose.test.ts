/**
 * The run's diagnosis (runner/diagnosis): each rule on a summary built for it, then on the
 * scenarios themselves: each starter's main mechanism is found with its evidence, the
 * tempting wrong fixes that keep the mechanism still show it, and the solution and every
 * alternative fix are free of findings.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, type DiagnosisSignals, LOOP_STALL_MS, statementShape, UNBOUNDED_WAIT_MS } from '../../../runner/diagnosis/diagnose.ts';
import { loadScenarioFolder, type ScenarioFolder } from '../../../runner/host-node/scenario-folder.ts';
import { runScenario } from '../../../runner/run.ts';
import { nodeHost } from '../../../runner/host-node/node-host.ts';
import type { Finding, RequestTrace, RunSummary, SeriesBucket, TraceSpan } from '../../../runner/summary-schema.ts';
import { bucket, fakeSummary } from '../../web/run/fakeSummary.ts';

const NO_SIGNALS: DiagnosisSignals = {
  statementsByRoute: new Map(),
  statementLines: () => [],
  retryLines: [],
  heavyLines: [],
  leakLines: [],
  mainThreadBusyMs: [0],
  unboundedCalls: [],
  downstreams: [],
};

/** Ten seconds in which `fields` hold from second `from` on. */
function series(fields: Partial<SeriesBucket>, from = 0): SeriesBucket[] {
  return Array.from({ length: 10 }, (_, i) => bucket((i + 1) * 1000, i >= from ? fields : {}));
}

const latencySlo = {
  label: 'p99 under 100 ms',
  metric: 'http_req_duration{route:GET /a}',
  threshold: 'p(99)<100',
  actual: 900,
  pass: false,
};
const rules = (f: Finding[]): string[] => f.map((x) => x.rule);

describe('each rule, on a summary made for it', () => {
  it('a loop stalled for seconds is blocked, and the line behind most of the busy time is named', () => {
    const summary = fakeSummary({ series: series({ eventLoopDelayMaxMs: 180 }, 5), slos: [latencySlo] });
    const f = diagnose(summary, { ...NO_SIGNALS, mainThreadBusyMs: [9000], heavyLines: [{ line: 26, ms: 8500, calls: 100 }] });
    expect(rules(f)).toEqual(['event-loop-blocked']);
    expect(f[0].explains).toEqual(['p99 under 100 ms']);
    expect(f[0].evidence).toContainEqual({ kind: 'line', line: 26, note: expect.stringContaining('100 calls of 85 ms') });
    expect(f[0].evidence[0]).toMatchObject({ kind: 'chart', series: 'eventLoopDelayMaxMs', fromMs: 6000, toMs: 11000, peak: 180 });
  });

  it('cites the kept trace that waited longest for the loop, the first of equals, and none when no trace waited', () => {
    const span = (kind: TraceSpan['kind'], durationMs: number): TraceSpan => ({ spanId: 'b', kind, name: kind, startMs: 0, durationMs });
    const trace = (traceId: string, spans: TraceSpan[]): RequestTrace => ({
      traceId,
      route: 'GET /a',
      seq: 0,
      sampledAs: ['sample'],
      outcome: 'ok',
      status: 200,
      startMs: 0,
      durationMs: 100,
      spans: [span('request', 100), ...spans],
      droppedSpans: 0,
    });
    const cited = (traces: RequestTrace[]) =>
      diagnose(fakeSummary({ series: series({ eventLoopDelayMaxMs: 180 }, 5), slos: [latencySlo], traces }), NO_SIGNALS)[0].evidence.filter(
        (e) => e.kind === 'trace',
      );
    const traces = [
      trace('a', [span('cpu', 90)]),
      trace('b', [span('loop.wait', 30), span('loop.wait', 40)]),
      trace('c', [span('loop.wait', 70)]),
    ];
    expect(cited(traces)).toEqual([
      { kind: 'trace', traceId: 'b', route: 'GET /a', note: 'a GET /a request that took 100 ms, 70 ms of it waiting for the event loop' },
    ]);
    expect(cited([traces[0]])).toEqual([]);
  });

  it('a stall shorter than the threshold, or in fewer than three seconds, is not a blocked loop', () => {
    expect(diagnose(fakeSummary({ series: series({ eventLoopDelayMaxMs: LOOP_STALL_MS - 1 }) }), NO_SIGNALS)).toEqual([]);
    expect(diagnose(fakeSummary({ series: series({ eventLoopDelayMaxMs: 500 }, 8) }), NO_SIGNALS)).toEqual([]);
  });

  it('a run cut short counts every one of its seconds', () => {
    const summary = fakeSummary({
      windowMs: 1300,
      series: [bucket(1000, { eventLoopDelayMaxMs: 270 }), bucket(2000, { eventLoopDelayMaxMs: 270 })],
    });
    expect(rules(diagnose(summary, NO_SIGNALS))).toEqual(['event-loop-blocked']);
  });

  it('one statement sent per item is an N+1, whatever its values; a few statements per request are not', () => {
    const route = { route: 'GET /a', requests: 100, dbQueriesPerRequest: 51 } as RunSummary['routes'][number];
    const perItem = new Map([
      ['SELECT * FROM pages LIMIT 50', 100],
      ...Array.from({ length: 50 }, (_, i): [string, number] => [`SELECT * FROM tags WHERE event_id = ${i + 1}`, 100]),
    ]);
    const perRequest = {
      label: 'under 5 per request',
      metric: 'db_queries_per_request{route:GET /a}',
      threshold: 'avg<5',
      actual: 51,
      pass: false,
    };
    const other = { ...latencySlo, label: 'other route', metric: 'http_req_duration{route:GET /b}' };
    const f = diagnose(fakeSummary({ routes: [route], slos: [latencySlo, perRequest, other] }), {
      ...NO_SIGNALS,
      statementsByRoute: new Map([['GET /a', perItem]]),
      statementLines: (r, texts) => (r === 'GET /a' && texts.every((t) => t.includes('FROM tags')) ? [40] : []),
    });
    expect(rules(f)).toEqual(['n-plus-one']);
    expect(f[0].evidence[0]).toEqual({ kind: 'statement', route: 'GET /a', sql: 'SELECT * FROM tags WHERE event_id = ?', perRequest: 50 });
    expect(f[0].evidence[1]).toEqual({ kind: 'line', line: 40, note: 'sends it, 50 times per request' });
    expect(f[0].explains).toEqual(['p99 under 100 ms', 'under 5 per request']);
    const few = new Map([
      ['SELECT 1', 300],
      ['SELECT 2', 100],
    ]);
    expect(diagnose(fakeSummary({ routes: [route] }), { ...NO_SIGNALS, statementsByRoute: new Map([['GET /a', few]]) })).toEqual([]);
  });

  it('a statement shape keeps its structure and drops its literals', () => {
    expect(statementShape("SELECT a FROM t WHERE id = 42 AND name = 'O''Brien'")).toBe('SELECT a FROM t WHERE id = ? AND name = ?');
    expect(statementShape('SELECT a FROM t WHERE id = $1')).toBe('SELECT a FROM t WHERE id = $1');
  });

  it('requests queued for a client for seconds: the pool is saturated', () => {
    const f = diagnose(fakeSummary({ series: series({ poolWaitingMax: 12, poolInUseMax: 10 }, 2) }), NO_SIGNALS);
    expect(rules(f)).toEqual(['pool-saturated']);
    expect(f[0].detail).toContain('up to 12 waiting, 10 in use');
  });

  it('leaked clients are reported with the lines that took them', () => {
    const f = diagnose(fakeSummary(), { ...NO_SIGNALS, leakLines: [36, 36, 36, undefined] });
    expect(rules(f)).toEqual(['clients-leaked']);
    expect(f[0].evidence[0]).toEqual({ kind: 'line', line: 36, note: '3 clients taken here and never released' });
  });

  it('calls that became two or more attempts for seconds are amplified, with what failed them', () => {
    const summary = fakeSummary({ series: series({ downstreamCalls: 100, downstreamAttempts: 350 }, 3) });
    const f = diagnose(summary, {
      ...NO_SIGNALS,
      downstreams: [{ host: 'pricing.internal', received: 9000, rejected: 4000, refused: 0, faultErrors: 10 }],
    });
    expect(rules(f)).toEqual(['retry-amplification', 'downstream-queue-full']);
    expect(f[0].detail).toContain('pricing.internal answered 4000 with 503');
    const once = fakeSummary({ series: series({ downstreamCalls: 100, downstreamAttempts: 150 }) });
    expect(diagnose(once, NO_SIGNALS)).toEqual([]);
  });

  it('a call with no timeout that waited a second or more is a missing timeout, with its line', () => {
    const unbounded = { host: 'payments.internal', settled: 500, slowestMs: 200, pendingAgesMs: [UNBOUNDED_WAIT_MS + 1, 10], lines: [61] };
    const f = diagnose(fakeSummary(), { ...NO_SIGNALS, unboundedCalls: [unbounded] });
    expect(rules(f)).toEqual(['missing-timeout']);
    expect(f[0].detail).toContain('1 was still waiting');
    expect(f[0].evidence).toEqual([{ kind: 'line', line: 61, note: 'a call to payments.internal with no timeout' }]);
    const quick = { ...unbounded, pendingAgesMs: [], slowestMs: UNBOUNDED_WAIT_MS - 1 };
    expect(diagnose(fakeSummary(), { ...NO_SIGNALS, unboundedCalls: [quick] })).toEqual([]);
  });

  it('connections the database refused are reported with its limit', () => {
    const summary = fakeSummary({ databaseConnections: { maxConnections: 50, peak: 50, refused: 7 }, replicas: [] });
    expect(diagnose(summary, NO_SIGNALS)[0]).toMatchObject({
      rule: 'db-connections-refused',
      detail: expect.stringContaining('7 more were refused'),
    });
  });

  it('a healthy run has no findings', () => {
    expect(diagnose(fakeSummary(), NO_SIGNALS)).toEqual([]);
  });
});

/** The line of `starter` holding `text` (1-based). */
function lineOf(code: string, text: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no line with ${text}`);
  return i + 1;
}

/** The starter's query inside its loop over items: the second query of the file. */
function perItemQueryLine(code: string): number {
  const lines = code.split('\n');
  const queries = lines.map((l, i) => (/\bpool\.query\b/.test(l) ? i + 1 : 0)).filter(Boolean);
  return queries[1];
}

/** What each scenario's starter must show, and the wrong fixes that keep that mechanism. */
const MECHANISMS: Record<
  string,
  { rule: string; line?: (starter: string) => number; trace: (t: RequestTrace) => boolean; wrong: string[] }
> = {
  'blocking-event-loop': {
    rule: 'event-loop-blocked',
    line: (s) => lineOf(s, 'pbkdf2Sync(password'),
    trace: (t) => spent(t, 'loop.wait') >= 10,
    wrong: [
      'wrong-promise-wrap.ts',
      'wrong-set-immediate.ts',
      'wrong-async-function.ts',
      'wrong-bigger-pool.ts',
      'wrong-pure-js-pbkdf2.ts',
    ],
  },
  'n-plus-one': {
    rule: 'n-plus-one',
    line: (s) => perItemQueryLine(s),
    trace: (t) => t.spans.filter((x) => x.kind === 'db.query').length >= 5,
    wrong: ['wrong-promise-all.ts', 'wrong-bigger-pool.ts'],
  },
  'pool-exhaustion': {
    rule: 'clients-leaked',
    line: (s) => lineOf(s, 'await pool.connect()'),
    trace: (t) => spent(t, 'pg.pool.wait') >= 100,
    wrong: ['wrong-bigger-pool.ts', 'wrong-connection-timeout.ts'],
  },
  'retry-storm': {
    rule: 'retry-amplification',
    line: (s) => lineOf(s, 'await fetch('),
    trace: (t) => t.spans.filter((x) => x.kind === 'fetch').length >= 2,
    wrong: ['wrong-more-retries.ts', 'wrong-longer-timeout.ts', 'wrong-backoff-no-jitter.ts'],
  },
};

/** Time a trace spent in spans of `kind`, ms. */
function spent(t: RequestTrace, kind: string): number {
  return t.spans.filter((x) => x.kind === kind).reduce((ms, x) => ms + x.durationMs, 0);
}

async function run(folder: ScenarioFolder, code: string): Promise<RunSummary> {
  return runScenario(folder.definition, { ...nodeHost(), code, seed: 1 });
}

for (const [id, m] of Object.entries(MECHANISMS)) {
  describe(`scenario ${id}`, async () => {
    const folder = await loadScenarioFolder(id);

    it(`the starter shows ${m.rule}, explaining a failed SLO${m.line ? ', at its line' : ''}`, async () => {
      const s = await run(folder, folder.starter);
      const f = s.findings.find((x) => x.rule === m.rule);
      expect(f, JSON.stringify(s.findings.map((x) => x.rule))).toBeDefined();
      expect(f!.explains.length).toBeGreaterThan(0);
      for (const label of f!.explains) expect(s.slos.find((x) => x.label === label)?.pass).toBe(false);
      if (m.line) expect(f!.evidence).toContainEqual(expect.objectContaining({ kind: 'line', line: m.line(folder.starter) }));
      // It cites a kept trace of a request that went through the mechanism.
      const cited = f!.evidence.find((e) => e.kind === 'trace');
      expect(cited, JSON.stringify(f!.evidence)).toBeDefined();
      const trace = s.traces?.find((t) => cited?.kind === 'trace' && t.traceId === cited.traceId);
      expect(trace).toBeDefined();
      expect(m.trace(trace!)).toBe(true);
      // A finding says what happened, never the code of the fix.
      expect(`${f!.title} ${f!.detail}`).not.toMatch(/\bawait\b|=>|\.release\(|pbkdf2\(|Promise\.all|finally/);
    });

    it('the solution and every alternative fix have no findings', async () => {
      for (const fix of [{ name: 'solution.ts', code: folder.solution ?? '' }, ...folder.fixes.filter((x) => x.kind === 'alt')]) {
        const s = await run(folder, fix.code);
        expect(
          s.findings.map((x) => x.rule),
          fix.name,
        ).toEqual([]);
      }
    });

    for (const name of m.wrong) {
      it(`${name} still shows ${m.rule}`, async () => {
        const fix = folder.fixes.find((x) => x.name === name);
        expect(fix, name).toBeDefined();
        const s = await run(folder, fix!.code);
        expect(s.findings.map((x) => x.rule)).toContain(m.rule);
      });
    }
  });
}
