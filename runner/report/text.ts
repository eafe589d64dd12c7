/**
 * The run summary as plain text for the CLI: what was run, which SLOs held, the functional
 * checks, the headline numbers, per-route detail, the first errors, and a one-line verdict
 * last, where a terminal leaves the eye.
 */
import type { FindingEvidence, RunSummary } from '../summary-schema.ts';
import { formatDuration, formatMs, formatNumber, formatPercent, formatPerSec, formatSloActual } from './format.ts';
import { cleanCell, renderTable, truncate } from './table.ts';

/** Widest line the report aims for, so it reads in a 100-column terminal. */
const REPORT_WIDTH_MAX = 100;
/** Lines and platform buckets of the CPU profile the report lists; the JSON has more. */
const PROFILE_LINES_SHOWN_MAX = 5;
const PROFILE_BUCKETS_SHOWN_MAX = 3;
/** Errors beyond this many kinds are counted, not listed: the first ones are what to fix. */
const ERRORS_SHOWN_MAX = 5;

export function renderSummaryText(summary: RunSummary): string {
  const sections = [
    [renderHeader(summary)],
    renderEarlyStop(summary),
    renderSlos(summary),
    renderFindings(summary),
    renderChecks(summary),
    renderKeyMetrics(summary),
    renderRoutes(summary),
    renderProfile(summary),
    renderReplicas(summary),
    renderErrors(summary),
    [renderVerdict(summary)],
  ];
  const text = sections.filter((lines) => lines.length > 0).map((lines) => lines.join('\n'));
  return `${text.join('\n\n')}\n`;
}

function renderHeader(s: RunSummary): string {
  const status = s.statusReason ? `${s.status} (${cleanCell(s.statusReason)})` : s.status;
  return [
    `Scenario ${s.scenarioId}`,
    `seed ${s.seed}`,
    `load ${formatNumber(s.loadScale)}x`,
    `virtual ${formatDuration(s.durationMs)}`,
    status,
  ].join(' | ');
}

/** Why a settled run ended before its load did, and what its numbers then cover. */
function renderEarlyStop(s: RunSummary): string[] {
  const e = s.earlyStop;
  if (!e) return [];
  const text =
    `Stopped at ${formatDuration(e.atMs)} of ${formatDuration(s.durationMs)}, once the verdict was settled: ` +
    `"${e.slo.label}" (${e.slo.threshold}) can no longer be met. ${capitalize(e.reason)}. ` +
    `The service's own JavaScript had used ${formatDuration(e.serviceCpuMs)} of CPU (past ` +
    `${formatDuration(e.serviceCpuMsBudget)} of it, a run ends as soon as its verdict is settled: it cannot simulate faster ` +
    `than real time). Numbers below cover the run until the stop` +
    (e.inFlight > 0 ? `; the ${e.inFlight} requests still in flight then count as timeouts.` : '.');
  return ['Early stop', ...wrap(text, REPORT_WIDTH_MAX - 2).map((line) => `  ${line}`)];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function renderSlos(s: RunSummary): string[] {
  if (s.slos.length === 0) return ['SLOs: none'];
  // Beside a missed SLO, the numbers of the findings below that explain it.
  const explainedBy = (label: string): string =>
    s.findings
      .map((f, i) => (f.explains.includes(label) ? `#${i + 1}` : ''))
      .filter(Boolean)
      .join(' ');
  const withFindings = s.findings.some((f) => f.explains.length > 0);
  const rows = s.slos.map((slo) => [
    slo.label,
    slo.threshold,
    formatSloActual(slo.metric, slo.threshold, slo.actual),
    slo.pass ? 'PASS' : 'FAIL',
    ...(withFindings ? [explainedBy(slo.label)] : []),
  ]);
  const columns = [
    { header: 'SLO', flex: true },
    { header: 'target', flex: true },
    { header: 'actual', align: 'right' as const },
    { header: 'result' },
    ...(withFindings ? [{ header: 'why' }] : []),
  ];
  return ['SLOs', ...renderTable(columns, rows, { widthMax: REPORT_WIDTH_MAX })];
}

/** The diagnosis: each finding, numbered as the SLO table cites it, with its evidence. */
function renderFindings(s: RunSummary): string[] {
  if (s.findings.length === 0) return [];
  const lines = ['Diagnosis'];
  // Wrapped to the report's width; a word longer than a line (a statement, say) is cut.
  const wrapped = (text: string, indent: number): string[] =>
    wrap(cleanCell(text), REPORT_WIDTH_MAX - indent).map((line) => truncate(line, REPORT_WIDTH_MAX - indent));
  s.findings.forEach((f, i) => {
    lines.push(truncate(`  #${i + 1} ${cleanCell(f.title)}`, REPORT_WIDTH_MAX));
    for (const line of wrapped(f.detail, 5)) lines.push(`     ${line}`);
    for (const e of f.evidence) {
      const [first, ...rest] = wrapped(evidenceText(e), 9);
      lines.push(`     - ${first}`, ...rest.map((line) => `       ${line}`));
    }
  });
  return lines;
}

function evidenceText(e: FindingEvidence): string {
  switch (e.kind) {
    case 'line':
      return `line ${e.line}: ${e.note}`;
    case 'statement':
      return `${e.route}, ${formatNumber(e.perRequest)} per request: ${e.sql}`;
    case 'chart':
      return `chart ${e.series}, ${formatDuration(e.fromMs)} to ${formatDuration(e.toMs)}: ${e.note}`;
    case 'trace':
      // The whole id, to find it among the traces of `tailspin run --json`.
      return `trace ${e.traceId}: ${e.note}`;
  }
}

function renderChecks(s: RunSummary): string[] {
  if (s.checks.length === 0) return ['Functional checks: none'];
  const rows = s.checks.map((check) => [
    check.name,
    String(check.checked),
    String(check.failed),
    check.pass ? 'PASS' : 'FAIL',
    check.problems[0] ?? '',
  ]);
  const columns = [
    { header: 'check', flex: true },
    { header: 'checked', align: 'right' as const },
    { header: 'failed', align: 'right' as const },
    { header: 'result' },
    { header: 'first problem', flex: true },
  ];
  return ['Functional checks', ...renderTable(columns, rows, { widthMax: REPORT_WIDTH_MAX })];
}

function renderKeyMetrics(s: RunSummary): string[] {
  const r = s.requests;
  const l = r.latency;
  const pairs: [string, string][] = [
    ['arrivals', String(r.arrivals)],
    ['arrival rate', formatPerSec(r.arrivalRatePerSec)],
    ['throughput', formatPerSec(r.throughputPerSec)],
    ['outcomes', `${r.completed} completed, ${r.errors} errors, ${r.timeouts} timeouts`],
    ['mean latency', formatMs(r.latencyMeanMs)],
    ['mean in flight', formatNumber(r.inFlightMean)],
    ['latency', `p50 ${formatMs(l.p50Ms)} | p95 ${formatMs(l.p95Ms)} | p99 ${formatMs(l.p99Ms)} | max ${formatMs(l.maxMs)}`],
    ['observed', `${formatDuration(s.windowMs)} (run plus drain)`],
  ];
  const keyWidth = Math.max(...pairs.map(([key]) => key.length));
  return ['Key metrics', ...pairs.map(([key, value]) => `  ${key.padEnd(keyWidth)}  ${value}`)];
}

function renderRoutes(s: RunSummary): string[] {
  if (s.routes.length === 0) return [];
  const rows = s.routes.map((route) => [
    route.route,
    String(route.requests),
    String(route.ok),
    String(route.errors),
    String(route.timeouts),
    route.latency.p50Ms.toFixed(1),
    route.latency.p99Ms.toFixed(1),
    route.dbQueriesPerRequest.toFixed(2),
  ]);
  const numeric = (header: string) => ({ header, align: 'right' as const });
  const columns = [
    { header: 'route', flex: true },
    ...['requests', 'ok', 'errors', 'timeouts', 'p50 ms', 'p99 ms', 'db q/req'].map(numeric),
  ];
  return ['Routes', ...renderTable(columns, rows, { widthMax: REPORT_WIDTH_MAX })];
}

/**
 * Where the main thread's CPU went: the service's hottest lines, with the platform calls they
 * made, then the platform's own work no line called.
 */
function renderProfile(s: RunSummary): string[] {
  const p = s.profile;
  if (!p || p.busyMs <= 0) return [];
  const share = (ms: number): string => formatPercent(ms / p.busyMs);
  const rows = [
    ...p.lines
      .slice(0, PROFILE_LINES_SHOWN_MAX)
      .map((l) => [String(l.line), l.functionName, formatDuration(l.selfMs), share(l.selfMs), l.text]),
    ...p.platform.slice(0, PROFILE_BUCKETS_SHOWN_MAX).map((b) => ['-', b.label, formatDuration(b.ms), share(b.ms), '']),
  ];
  const columns = [
    { header: 'line', align: 'right' as const },
    { header: 'function or work', flex: true },
    { header: 'self', align: 'right' as const },
    { header: '%', align: 'right' as const },
    { header: 'code', flex: true },
  ];
  const title = `Where the CPU went (main thread busy ${formatDuration(p.busyMs)})`;
  return [title, ...renderTable(columns, rows, { widthMax: REPORT_WIDTH_MAX })];
}

/** With several instances: each one's share and gauges, and the database connections they opened. */
function renderReplicas(s: RunSummary): string[] {
  if (!s.replicas) return [];
  const rows = s.replicas.map((r) => [
    String(r.replica),
    String(r.requests),
    r.eventLoopDelayMaxMs.toFixed(1),
    String(r.poolInUseMax),
    String(r.leakedClients),
  ]);
  const headers = ['replica', 'requests', 'loop delay max ms', 'pool in use max', 'leaked clients'];
  const columns = headers.map((header) => ({ header, align: 'right' as const }));
  const c = s.databaseConnections;
  const refused = c && c.refused > 0 ? `, ${c.refused} refused (too many clients)` : '';
  const database = c ? [`  database connections: peak ${c.peak} of max_connections ${c.maxConnections}${refused}`] : [];
  return ['Replicas', ...renderTable(columns, rows, { widthMax: REPORT_WIDTH_MAX }), ...database];
}

function renderErrors(s: RunSummary): string[] {
  if (s.errors.length === 0) return [];
  const shown = s.errors.slice(0, ERRORS_SHOWN_MAX);
  const rows = shown.map((error) => [
    `${error.count}x`,
    error.line === undefined ? '-' : error.column === undefined ? String(error.line) : `${error.line}:${error.column}`,
    error.route ?? '-',
    // The first line is the error itself; a stack trace after it would crowd out the table.
    error.message.split('\n')[0],
  ]);
  const columns = [
    { header: 'count', align: 'right' as const },
    { header: 'line' },
    { header: 'route', flex: true },
    { header: 'message', flex: true },
  ];
  const title = s.errors.length > shown.length ? `Errors (first ${shown.length} of ${s.errors.length})` : 'Errors';
  return [title, ...renderTable(columns, rows, { widthMax: REPORT_WIDTH_MAX })];
}

/**
 * `PASS — every SLO met`, or `FAIL — ` and what failed. A failing functional check fails the
 * run as surely as a missed SLO (a fast wrong answer is no fix), and so does a run that stopped
 * early: SLOs over half a run prove nothing.
 */
function renderVerdict(s: RunSummary): string {
  const slosMissed = s.slos.filter((slo) => !slo.pass).length;
  const checksFailed = s.checks.filter((check) => !check.pass).length;
  const reasons: string[] = [];
  if (slosMissed > 0) reasons.push(`${slosMissed} of ${s.slos.length} SLOs missed`);
  if (checksFailed > 0) reasons.push(`${checksFailed} of ${s.checks.length} functional checks failed`);
  if (s.status !== 'completed') reasons.push(`run ${s.status === 'aborted' ? 'aborted' : 'stopped at a limit'}`);
  if (s.earlyStop) reasons.push(`settled at ${formatDuration(s.earlyStop.atMs)}`);
  if (reasons.length === 0 && s.passed) return 'PASS — every SLO met';
  // The runner said no for a reason this report does not know; do not contradict it.
  if (reasons.length === 0) reasons.push('the runner did not pass this run');
  return `FAIL — ${reasons.join(', ')}`;
}
