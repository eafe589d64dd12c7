import { describe, expect, it } from 'vitest';
import { renderSummaryText } from '../../../runner/report/text.ts';
import type { LatencyStats, RunSummary } from '../../../runner/summary-schema.ts';

const latency = (p50Ms: number, p99Ms: number): LatencyStats => ({
  count: 100,
  meanMs: p50Ms * 1.2,
  p50Ms,
  p95Ms: (p50Ms + p99Ms) / 2,
  p99Ms,
  maxMs: p99Ms * 1.5,
});

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    version: 1,
    provenance: { engine: 'tailspin 0.1.0', codeSha256: 'ab'.repeat(32), scenarioSha256: null },
    scenarioId: 'n-plus-one',
    seed: 42,
    loadScale: 1.5,
    status: 'completed',
    findings: [],
    durationMs: 60_000,
    windowMs: 65_000,
    requests: {
      arrivals: 3000,
      completed: 2990,
      errors: 7,
      timeouts: 3,
      arrivalRatePerSec: 46.16,
      throughputPerSec: 46,
      latencyMeanMs: 123.45,
      inFlightMean: 5.678,
      latency: { count: 2990, meanMs: 123.45, p50Ms: 80.04, p95Ms: 301.26, p99Ms: 512.34, maxMs: 900 },
    },
    routes: [
      {
        route: 'GET /posts/:id',
        requests: 2000,
        ok: 1995,
        errors: 5,
        timeouts: 0,
        throughputPerSec: 30,
        latency: latency(40, 90),
        dbQueriesPerRequest: 21,
      },
      {
        route: 'GET /timeline',
        requests: 1000,
        ok: 995,
        errors: 2,
        timeouts: 3,
        throughputPerSec: 15,
        latency: latency(150, 600),
        dbQueriesPerRequest: 1.5,
      },
    ],
    metrics: {},
    slos: [
      {
        label: 'p99 of GET /posts/:id under 150 ms',
        metric: 'http_req_duration{route:GET /posts/:id}',
        threshold: 'p(99)<150',
        actual: 512.34,
        pass: false,
      },
      { label: 'errors under 1%', metric: 'http_req_failed', threshold: 'rate<0.01', actual: 0.00333, pass: true },
      { label: 'at least 2000 requests served', metric: 'http_req_duration', threshold: 'count>2000', actual: 2990, pass: true },
      {
        label: 'timeline p95 under 1 s',
        metric: 'http_req_duration{route:GET /timeline}',
        threshold: 'p(95)<1000',
        actual: null,
        pass: false,
      },
    ],
    checks: [{ name: 'post has its comments', checked: 200, failed: 0, problems: [], pass: true }],
    passed: false,
    errors: [
      { message: "TypeError: Cannot read properties of undefined (reading 'id')", route: 'GET /posts/:id', line: 12, column: 5, count: 5 },
    ],
    console: [],
    series: [],
    ...overrides,
  };
}

/** The table row whose first cell is `label`, split into its cells (columns are 2+ spaces apart). */
function rowOf(text: string, label: string): string[] {
  const rows = text.split('\n').map((line) => line.trim().split(/ {2,}/));
  const row = rows.find((cells) => cells[0] === label);
  if (row === undefined) throw new Error(`no row starts with ${label}\n${text}`);
  return row;
}

describe('renderSummaryText', () => {
  const text = renderSummaryText(summary());

  it('starts with a header naming scenario, seed, load scale, virtual duration and status', () => {
    expect(text.split('\n')[0]).toBe('Scenario n-plus-one | seed 42 | load 1.5x | virtual 60.0 s | completed');
  });

  it('lists each SLO with its label, target, actual (unit guessed) and PASS/FAIL', () => {
    expect(rowOf(text, 'SLO')).toEqual(['SLO', 'target', 'actual', 'result']);
    const row = ['p99 of GET /posts/:id under 150 ms', 'p(99)<150', '512.3 ms', 'FAIL'];
    expect(rowOf(text, 'p99 of GET /posts/:id under 150 ms')).toEqual(row);
    expect(rowOf(text, 'errors under 1%')).toEqual(['errors under 1%', 'rate<0.01', '0.33%', 'PASS']);
    expect(rowOf(text, 'at least 2000 requests served')).toEqual(['at least 2000 requests served', 'count>2000', '2990', 'PASS']);
    expect(rowOf(text, 'timeline p95 under 1 s')).toEqual(['timeline p95 under 1 s', 'p(95)<1000', 'no data', 'FAIL']);
  });

  it('aligns table columns', () => {
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('  SLO'))!;
    const first = lines.find((l) => l.startsWith('  p99 of GET'))!;
    expect(first.indexOf('p(99)<150')).toBe(header.indexOf('target'));
    expect(first.indexOf('FAIL')).toBe(header.indexOf('result'));
  });

  it('shows functional checks, key metrics, routes and errors with line numbers', () => {
    expect(rowOf(text, 'post has its comments')).toEqual(['post has its comments', '200', '0', 'PASS']);
    expect(text).toContain('arrivals        3000');
    expect(text).toContain('arrival rate    46.2/s');
    expect(text).toContain('throughput      46.0/s');
    expect(text).toContain('mean latency    123.5 ms');
    expect(text).toContain('mean in flight  5.68');
    expect(text).toContain('p50 80.0 ms | p95 301.3 ms | p99 512.3 ms | max 900.0 ms');
    expect(rowOf(text, 'GET /posts/:id')).toEqual(['GET /posts/:id', '2000', '1995', '5', '0', '40.0', '90.0', '21.00']);
    expect(rowOf(text, 'GET /timeline')).toEqual(['GET /timeline', '1000', '995', '2', '3', '150.0', '600.0', '1.50']);
    expect(rowOf(text, '5x')).toEqual(['5x', '12:5', 'GET /posts/:id', "TypeError: Cannot read properties of undefined (reading 'id')"]);
  });

  it('ends with the verdict, counting missed SLOs', () => {
    expect(text.trimEnd().split('\n').at(-1)).toBe('FAIL — 2 of 4 SLOs missed');
  });

  it('says PASS when every SLO and check passes', () => {
    const slos = summary().slos.map((slo) => ({ ...slo, pass: true }));
    const passing = renderSummaryText(summary({ slos, passed: true }));
    expect(passing.trimEnd().split('\n').at(-1)).toBe('PASS — every SLO met');
  });

  it('counts failing checks as failing the run', () => {
    const slos = summary().slos.map((slo) => ({ ...slo, pass: true }));
    const checks = [{ name: 'post has its comments', checked: 200, failed: 200, problems: ['comments: expected 3, got 0'], pass: false }];
    const failing = renderSummaryText(summary({ slos, checks, passed: false }));
    expect(rowOf(failing, 'post has its comments')).toEqual(['post has its comments', '200', '200', 'FAIL', 'comments: expected 3, got 0']);
    expect(failing.trimEnd().split('\n').at(-1)).toBe('FAIL — 1 of 1 functional checks failed');
  });

  it('fails a run that stopped early and says why in the header', () => {
    const slos = summary().slos.map((slo) => ({ ...slo, pass: true }));
    const stopped = renderSummaryText(summary({ slos, status: 'limit', statusReason: 'event limit reached', passed: false }));
    expect(stopped.split('\n')[0]).toContain('| limit (event limit reached)');
    expect(stopped.trimEnd().split('\n').at(-1)).toBe('FAIL — run stopped at a limit');
  });

  it('says when and why a settled run ended early, and fails it, within 100 columns', () => {
    const slos = summary().slos;
    const text = renderSummaryText(
      summary({
        slos: slos.map((slo, i) => ({ ...slo, pass: i !== 0 })),
        passed: false,
        earlyStop: {
          atMs: 2199.69,
          slo: { label: slos[0].label, metric: slos[0].metric, threshold: slos[0].threshold },
          observed: 109,
          countMax: 10_118,
          valueMin: 25,
          reason: '109 requests so far took 25 ms or more, and the run can record at most 10118',
          inFlight: 238,
          serviceCpuMs: 2232.785,
          serviceCpuMsBudget: 250,
        },
      }),
    );
    const section = text.split('\n\n').find((part) => part.startsWith('Early stop\n'));
    expect(section, text).toBeDefined();
    const prose = section!
      .split('\n')
      .slice(1)
      .map((line) => line.trim())
      .join(' ');
    expect(prose).toBe(
      `Stopped at 2.2 s of 60.0 s, once the verdict was settled: "${slos[0].label}" (${slos[0].threshold}) can no longer be met. ` +
        '109 requests so far took 25 ms or more, and the run can record at most 10118. ' +
        "The service's own JavaScript had used 2.2 s of CPU (past 250 ms of it, a run ends as soon as its verdict is settled: " +
        'it cannot simulate faster than real time). Numbers below cover the run until the stop; the 238 requests still in ' +
        'flight then count as timeouts.',
    );
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(text.trimEnd().split('\n').at(-1)).toBe(`FAIL — 1 of ${slos.length} SLOs missed, settled at 2.2 s`);
  });

  it('stays within 100 columns, plain ASCII apart from the verdict dash, even with long cells', () => {
    const long = 'x'.repeat(150);
    const wide = renderSummaryText(
      summary({
        slos: [{ label: `\u001b[31m${long}`, metric: 'http_req_duration', threshold: 'avg<1', actual: 2, pass: false }],
        errors: [{ message: `Error:\n${long}`, route: `GET /${long}`, count: 1 }],
      }),
    );
    const lines = wide.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^[\x20-\x7e]*$/);
    expect(wide).toContain('...');
    expect(rowOf(wide, '1x').slice(0, 2)).toEqual(['1x', '-']);
    expect(rowOf(wide, '1x')[2]).toMatch(/^GET \/x+\.\.\.$/);
    // Only the first line of a message, so its stack or a second line cannot crowd the table.
    expect(rowOf(wide, '1x')[3]).toBe('Error:');
  });

  it('shows the diagnosis beside the SLOs it explains, with its evidence, within 100 columns', () => {
    const base = summary();
    const missed = base.slos.filter((x) => !x.pass).map((x) => x.label);
    const withFindings = renderSummaryText(
      summary({
        findings: [
          {
            rule: 'n-plus-one',
            title: 'GET /posts/:id sends one statement per item (N+1)',
            detail: 'Each GET /posts/:id request sent the same statement 50 times on average, with different values.',
            explains: [missed[0]],
            evidence: [
              { kind: 'statement', route: 'GET /posts/:id', sql: `SELECT * FROM tags WHERE ${'x'.repeat(120)} = ?`, perRequest: 50 },
              { kind: 'chart', series: 'dbQueries', fromMs: 2000, toMs: 60_000, peak: 2500, note: 'statements per second, up to 2500' },
            ],
          },
          {
            rule: 'clients-leaked',
            title: 'Database clients are never given back',
            detail: 'Ten.',
            explains: [],
            evidence: [{ kind: 'line', line: 36, note: '10 clients taken here' }],
          },
        ],
      }),
    );
    expect(rowOf(withFindings, missed[0]).at(-1)).toBe('#1');
    const section = withFindings.split('\n\n').find((part) => part.startsWith('Diagnosis\n'))!;
    expect(section).toContain('#1 GET /posts/:id sends one statement per item (N+1)');
    expect(section).toContain('- GET /posts/:id, 50 per request: SELECT * FROM tags WHERE');
    expect(section).toContain('- chart dbQueries, 2.0 s to 60.0 s: statements per second, up to 2500');
    expect(section).toContain('#2 Database clients are never given back');
    expect(section).toContain('- line 36: 10 clients taken here');
    for (const line of withFindings.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    // Without findings there is no section and no column.
    expect(renderSummaryText(base)).not.toContain('Diagnosis');
  });

  it("shows where the main thread's CPU went: the hottest lines, then the platform's own work", () => {
    const text = renderSummaryText(
      summary({
        profile: {
          version: 1,
          busyMs: 40_000,
          lines: [
            {
              line: 26,
              text: `const actual = pbkdf2Sync(password, salt, 100000, 64, 'sha512'); ${'x'.repeat(80)}`,
              functionName: 'verifyPassword',
              selfMs: 36_000,
              javascriptMs: 0.5,
              platformMs: 35_999.5,
            },
          ],
          functions: [{ name: 'verifyPassword', line: 24, selfMs: 36_000 }],
          platform: [{ label: '(platform: HTTP parsing)', ms: 500 }],
        },
      }),
    );
    const section = text.split('\n\n').find((part) => part.startsWith('Where the CPU went'))!;
    expect(section).toContain('main thread busy 40.0 s');
    expect(rowOf(section, '26').slice(0, 4)).toEqual(['26', 'verifyPassword', '36.0 s', '90.00%']);
    expect(rowOf(section, '-').slice(0, 4)).toEqual(['-', '(platform: HTTP parsing)', '500 ms', '1.25%']);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(renderSummaryText(summary())).not.toContain('Where the CPU went');
  });
});
