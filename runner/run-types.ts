/**
 * What a host passes to a run and hears back while it runs: the options, progress, and
 * compile diagnostics. Virtual time is always a number of milliseconds since the start of the run.
 */
import type { SeriesBucket } from './summary-schema.ts';

export interface Diagnostic {
  message: string;
  /** 1-based line and column in the learner's TypeScript, when known. */
  line?: number;
  column?: number;
}

export type CompileResult = { ok: true; js: string; sourceMap: string } | { ok: false; diagnostics: Diagnostic[] };

export interface RunOptions {
  code: string;
  seed: number;
  /**
   * The text of the scenario's definition module (its scenario.ts), recorded in the summary
   * by digest so a result names exactly what it was judged against.
   */
  scenarioSource?: string;
  /** Multiplies arrival rates; clamped to the scenario's bounds. */
  loadScale?: number;
  /** Called about every virtual second with the newly closed buckets. */
  onProgress?: (p: RunProgress) => void;
  /** Checked between events; when true the run stops with status `aborted`. */
  shouldStop?: () => boolean;
  /** Called every few wall milliseconds while the simulation runs, for a host's watchdog. */
  onHeartbeat?: () => void;
  /**
   * false: never end before the load does, even once the verdict is settled (run.ts
   * `SETTLE_EARLY_SERVICE_CPU_MS`); for tests that compare with the full run.
   */
  settleEarly?: boolean;
}

export interface RunProgress {
  virtualMs: number;
  durationMs: number;
  /** Buckets closed since the previous progress call. */
  buckets: SeriesBucket[];
}
