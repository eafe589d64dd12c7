/**
 * Checks a report: the hash chain, the settings, that every run's code is what the recorded
 * edits give at that moment (the final checks: the text at submission) and that its hash is
 * the code's, then re-runs every run and compares the summary's bytes. Re-running is
 * injected: the CLI runs each in a child process as `tailspin run` does.
 */
import { sha256Hex } from '../provenance.ts';
import { chainProblem, describeEvent } from './chain.ts';
import type { RoundEvent, RoundRecord } from './events.ts';
import { settingsSha256, validateSettings, type InterviewSettings } from './link.ts';
import { textAt } from './replay.ts';
import type { InterviewReport } from './report.ts';
import type { RunSummary } from '../summary-schema.ts';

export type RunEvent = Extract<RoundEvent, { type: 'run' }>;

export interface RerunRequest {
  scenarioId: string;
  code: string;
  seed: number;
  loadScale: number;
}

/** A re-run's outcome: its summary, or why it produced none. */
export type Rerun = { summary: RunSummary } | { failure: string };

/** One recorded run as verified; a run the candidate stopped is listed, not re-run. */
export interface VerifyRow {
  seq: number;
  purpose: RunEvent['purpose'];
  seed: number;
  loadScale: number;
  codeSha256: string;
  recorded: string;
  rerun: string;
  ok: boolean;
}

export interface VerifyResult {
  settings: InterviewSettings | null;
  rows: VerifyRow[];
  /** Each problem on one line; empty when the report is verified. */
  problems: string[];
}

/** The summary's bytes as compared: JSON of the value as recorded or as re-run. */
export function summaryBytes(summary: RunSummary | null): string {
  return summary === null ? 'null' : JSON.stringify(summary);
}

/** Everything but the re-runs; problems in order. Stops at a broken chain (nothing after it can be trusted). */
export function checkRecording(report: InterviewReport): { settings: InterviewSettings | null; problems: string[] } {
  const records = report.records;
  const broken = chainProblem(records);
  if (broken) return { settings: null, problems: [`hash chain: ${broken}`] };
  const problems: string[] = [];
  const first = records[0].event;
  let settings: InterviewSettings | null = null;
  if (first.type !== 'settings') problems.push('settings: the first record is not the round’s settings');
  else {
    try {
      settings = validateSettings(first.settings);
      if (first.settingsSha256 !== settingsSha256(settings)) problems.push('settings: they do not match their recorded hash');
    } catch (e) {
      problems.push(`settings: ${(e as Error).message}`);
    }
  }
  if (records[1].event.type !== 'start') problems.push('edits: the second record is not the starting text');
  let finalText: string | null = null;
  try {
    finalText = textAt(records);
  } catch (e) {
    problems.push(`edits: ${(e as Error).message}`);
  }
  for (const r of records) {
    if (r.event.type !== 'run') continue;
    const run = r.event;
    const where = `record ${r.seq} (${describeEvent(run)})`;
    if (sha256Hex(run.code) !== run.codeSha256) problems.push(`code: ${where}: the code does not match its recorded SHA-256`);
    let expected: string | null = null;
    try {
      expected = run.purpose === 'visible' ? textAt(records, r.seq) : finalText;
    } catch {
      // Reported above.
    }
    if (expected !== null && expected !== run.code) {
      problems.push(`edits: ${where}: the recorded edits do not give the code that ran (${firstDifference(expected, run.code)})`);
    }
    const allowed = settings && seedsFor(settings, run.purpose);
    if (allowed && (!allowed.seeds.includes(run.seed) || (allowed.loadScale !== undefined && run.loadScale !== allowed.loadScale))) {
      problems.push(`round: ${where}: the round does not run its ${run.purpose} checks with seed ${run.seed} at load ×${run.loadScale}`);
    }
    if (settings && run.summary && run.summary.scenarioId !== settings.scenarioId) {
      problems.push(`summary: ${where}: the summary is of another scenario (${run.summary.scenarioId})`);
    }
  }
  const hints = records.filter((r) => r.event.type === 'hint').length;
  if (settings && hints > settings.hintsAllowed)
    problems.push(`round: ${hints} hint${hints === 1 ? ' was' : 's were'} opened; the round allows ${settings.hintsAllowed}`);
  return { settings, problems };
}

/** The seeds (and, for hidden checks, the load scale) a run of this purpose may use. */
function seedsFor(settings: InterviewSettings, purpose: RunEvent['purpose']): { seeds: number[]; loadScale?: number } {
  return purpose === 'hidden' ? settings.hidden : { seeds: settings.visibleSeeds };
}

/** Checks the recording, then re-runs every recorded run one after another. */
export async function verifyReport(
  report: InterviewReport,
  rerun: (req: RerunRequest) => Promise<Rerun>,
  onRow?: (row: VerifyRow) => void,
): Promise<VerifyResult> {
  const { settings, problems } = checkRecording(report);
  const rows: VerifyRow[] = [];
  if (!settings || problems.some((p) => p.startsWith('hash chain') || p.startsWith('settings'))) return { settings, rows, problems };
  for (const r of report.records as RoundRecord[]) {
    if (r.event.type !== 'run') continue;
    const run = r.event;
    if (run.stopped) {
      const row: VerifyRow = {
        seq: r.seq,
        purpose: run.purpose,
        seed: run.seed,
        loadScale: run.loadScale,
        codeSha256: run.codeSha256,
        recorded: 'stopped',
        rerun: '-',
        ok: true,
      };
      rows.push(row);
      onRow?.(row);
      continue;
    }
    const again = await rerun({ scenarioId: settings.scenarioId, code: run.code, seed: run.seed, loadScale: run.loadScale });
    const recorded = summaryBytes(run.summary);
    const rerunBytes = 'summary' in again ? summaryBytes(again.summary) : 'null';
    const ok = run.summary === null ? 'failure' in again : recorded === rerunBytes;
    const row: VerifyRow = {
      seq: r.seq,
      purpose: run.purpose,
      seed: run.seed,
      loadScale: run.loadScale,
      codeSha256: run.codeSha256,
      recorded: run.summary === null ? 'failed' : verdictWord(run.summary),
      rerun: 'summary' in again ? verdictWord(again.summary) : 'failed',
      ok,
    };
    rows.push(row);
    onRow?.(row);
    if (!ok) {
      const why =
        run.summary === null
          ? 'it was recorded as failing but runs'
          : 'summary' in again
            ? `its summary differs from the recorded one at ${firstDifference(recorded, rerunBytes)}`
            : `it was recorded with a summary but now fails: ${again.failure}`;
      problems.push(`run: record ${r.seq} (${describeEvent(run)}): ${why}`);
    }
  }
  return { settings, rows, problems };
}

function verdictWord(s: RunSummary): string {
  return s.passed ? 'pass' : 'fail';
}

/** Where two texts first differ, with a little context from each. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 20), i + 20));
  return `character ${i}: ${around(a)} recorded, ${around(b)} found`;
}
