/**
 * A finished run as the room sees it: verdict, SLO values, findings (rule and title), the
 * seed and the SHA-256 of the code. The code itself never leaves the browser. Every field is
 * cut to the server's bounds (server/schemas.ts) so a long label cannot get a run refused.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { RunSummary } from '../../runner/index.ts';
import type { RunReport } from './api.ts';

const BOUNDS = { slos: 20, findings: 10, labelChars: 80, titleChars: 200, errorChars: 1000 } as const;
const SEED_MAX = 0xffffffff;

/** No control characters: the server refuses them in labels and titles. */
const printable = (s: string, max: number): string => s.replace(/\p{Cc}+/gu, ' ').slice(0, max);

/**
 * A run's id, unique per run: 16 random bytes, base64url. `crypto.randomUUID` would do, but
 * only on https or localhost, and a room often reaches the host's laptop over plain http.
 */
export function newRunId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Hex SHA-256 of the code, in plain JavaScript: `crypto.subtle` is also missing on plain http. */
export function codeSha256(code: string): string {
  return bytesToHex(sha256(utf8ToBytes(code)));
}

const validSeed = (seed: number): number => (Number.isInteger(seed) && seed >= 0 && seed <= SEED_MAX ? seed : 0);

export function reportOfSummary(summary: RunSummary, code: string, runId: string): RunReport {
  const report: RunReport = {
    runId,
    scenarioId: summary.scenarioId,
    passed: summary.passed && summary.status === 'completed',
    slos: summary.slos.slice(0, BOUNDS.slos).map((s) => ({
      label: printable(s.label, BOUNDS.labelChars) || s.metric.slice(0, BOUNDS.labelChars),
      actual: s.actual !== null && Number.isFinite(s.actual) ? s.actual : null,
      pass: s.pass,
    })),
    findings: summary.findings
      .filter((f) => /^[a-z0-9-]{1,60}$/.test(f.rule))
      .slice(0, BOUNDS.findings)
      .map((f) => ({ rule: f.rule, title: printable(f.title, BOUNDS.titleChars) })),
    codeSha256: codeSha256(code),
    seed: validSeed(summary.seed),
  };
  if (summary.status !== 'completed') report.error = errorText(summary.statusReason ?? `the run ended early (${summary.status})`);
  return report;
}

/** A run that gave no summary (a compile error, a loop that never yields): only why. */
export function reportOfFailure(scenarioId: string, code: string, seed: number, message: string, runId: string): RunReport {
  return {
    runId,
    scenarioId,
    passed: false,
    slos: [],
    findings: [],
    error: errorText(message),
    codeSha256: codeSha256(code),
    seed: validSeed(seed),
  };
}

function errorText(message: string): string {
  return message.trim().slice(0, BOUNDS.errorChars) || 'the run failed';
}
