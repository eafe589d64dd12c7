/**
 * What a golden file keeps of a run: the verdict, the request counts, each SLO's measured
 * value and each check's counts. The contract test only asks whether an SLO passes, so a model
 * change that moves every number passes it unless a verdict flips; these few values, written
 * with every digit the summary has, make such a change show as a diff in review. The series,
 * routes and latency tables are left out: they follow from the model that these values
 * already pin, and would make the files too long to read.
 */
import type { RunSummary } from '../../runner/summary-schema.ts';

/**
 * The seed the golden files hold. One of the contract's seeds (CONTRACT_SEEDS in
 * tests/scenarios/contract.test.ts), so the golden test can use the contract's runs instead
 * of running every file of every scenario again (see run-records.ts).
 */
export const GOLDEN_SEED = 1;

/** One file's run, as a golden file holds it. */
export interface GoldenRun {
  status: RunSummary['status'];
  passed: boolean;
  requests: { arrivals: number; completed: number; errors: number; timeouts: number };
  /** `actual` exactly as the summary has it, not the rounded value in `metrics`. */
  slos: { label: string; threshold: string; actual: number | null; pass: boolean }[];
  checks: { name: string; checked: number; failed: number }[];
  /** When the run ended as soon as its verdict was settled: when, and on which SLO. */
  earlyStop?: { atMs: number; slo: string };
}

export function goldenRunOf(s: RunSummary): GoldenRun {
  const { arrivals, completed, errors, timeouts } = s.requests;
  return {
    status: s.status,
    passed: s.passed,
    requests: { arrivals, completed, errors, timeouts },
    slos: s.slos.map(({ label, threshold, actual, pass }) => ({ label, threshold, actual, pass })),
    checks: s.checks.map(({ name, checked, failed }) => ({ name, checked, failed })),
    ...(s.earlyStop ? { earlyStop: { atMs: s.earlyStop.atMs, slo: s.earlyStop.slo.label } } : {}),
  };
}
