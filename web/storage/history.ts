/**
 * The last runs of each scenario with their numbers (not their time series, which would
 * fill the storage quota), newest first.
 */
import type { RunSummary, SloResult } from '../../runner/index.ts';
import { isRecord, readJson, writeJson } from './local.ts';

export const HISTORY_LIMIT = 10;
/** Code longer than this is not kept with a history entry. */
const CODE_LIMIT_CHARS = 50_000;

export interface HistoryEntry {
  at: number;
  seed: number;
  loadScale: number;
  status: RunSummary['status'];
  passed: boolean;
  latencyP50Ms: number;
  latencyP99Ms: number;
  throughputPerSec: number;
  errorRate: number;
  slos: SloResult[];
  /** Functional checks: how many there were and how many failed (absent in entries saved before). */
  checks?: { total: number; failed: number };
  code?: string;
}

const NUMBER_FIELDS = ['at', 'seed', 'loadScale', 'latencyP50Ms', 'latencyP99Ms', 'throughputPerSec', 'errorRate'] as const;

/** An entry the history panel can show; entries of another shape are dropped one by one. */
function isHistoryEntry(value: unknown): value is HistoryEntry {
  return (
    isRecord(value) &&
    NUMBER_FIELDS.every((k) => typeof value[k] === 'number') &&
    typeof value.status === 'string' &&
    typeof value.passed === 'boolean' &&
    Array.isArray(value.slos) &&
    value.slos.every((s) => isRecord(s) && typeof s.pass === 'boolean') &&
    (value.code === undefined || typeof value.code === 'string') &&
    (value.checks === undefined || (isRecord(value.checks) && Number.isFinite(value.checks.total) && Number.isFinite(value.checks.failed)))
  );
}

/** Targets of the run (SLOs and functional checks) and how many of them were missed. */
export function targetsMissed(entry: HistoryEntry): { missed: number; total: number } {
  const checks = entry.checks ?? { total: 0, failed: 0 };
  return { missed: entry.slos.filter((s) => !s.pass).length + checks.failed, total: entry.slos.length + checks.total };
}

export function loadHistory(scenarioId: string): HistoryEntry[] {
  return (readJson(`history:${scenarioId}`, Array.isArray) ?? []).filter(isHistoryEntry);
}

export function recordRun(scenarioId: string, summary: RunSummary, code: string): HistoryEntry[] {
  const r = summary.requests;
  const entry: HistoryEntry = {
    at: Date.now(),
    seed: summary.seed,
    loadScale: summary.loadScale,
    status: summary.status,
    passed: summary.passed,
    latencyP50Ms: r.latency.p50Ms,
    latencyP99Ms: r.latency.p99Ms,
    throughputPerSec: r.throughputPerSec,
    errorRate: r.arrivals ? (r.errors + r.timeouts) / r.arrivals : 0,
    slos: summary.slos,
    checks: { total: summary.checks.length, failed: summary.checks.filter((c) => !c.pass).length },
    code: code.length <= CODE_LIMIT_CHARS ? code : undefined,
  };
  const next = [entry, ...loadHistory(scenarioId)].slice(0, HISTORY_LIMIT);
  // When storage is full, keep the numbers and drop the code of older entries.
  if (!writeJson(`history:${scenarioId}`, next)) {
    writeJson(
      `history:${scenarioId}`,
      next.map((e, i) => (i === 0 ? e : { ...e, code: undefined })),
    );
  }
  return next;
}
