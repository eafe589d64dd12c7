/**
 * What the HTML report shows, derived from the recording: runs with their verdicts, formatted
 * SLO values and the diff since the run before, the final run's findings, and the flagged
 * events. Derived in the runner, so `tailspin verify` derives it again from the recording and
 * refuses an HTML report whose display was edited.
 */
import { createTwoFilesPatch } from 'diff';
import { formatSloActual } from '../report/format.ts';
import type { Finding } from '../summary-schema.ts';
import type { RoundRecord, RunPurpose } from './events.ts';
import type { InterviewSettings } from './link.ts';

export interface ReportRunView {
  seq: number;
  atMs: number;
  purpose: RunPurpose;
  seed: number;
  loadScale: number;
  verdict: 'pass' | 'fail' | 'failed' | 'stopped';
  failure?: string;
  codeSha256: string;
  slos: { label: string; value: string; threshold: string; pass: boolean }[];
  /** Functional checks that failed, by name. */
  checksFailed: string[];
  /** Unified diff (hunks only) from the code of the run before (the starting code for the first); empty when unchanged. */
  diff: string;
  findings: Finding[];
}

export interface ReportView {
  title: string;
  settings: InterviewSettings;
  roundId: string;
  engine: string;
  startedAtMs: number;
  submittedAtMs: number | null;
  submitReason: 'candidate' | 'timeout' | null;
  note: string;
  runs: ReportRunView[];
  hintsOpened: { atMs: number; index: number }[];
  pastes: { atMs: number; lines: number; chars: number }[];
  focusAway: { atMs: number; backAtMs: number | null }[];
  edits: number;
}

export function reportView(records: readonly RoundRecord[], title: string): ReportView {
  const first = records[0].event;
  if (first.type !== 'settings') throw new Error('a recording starts with its settings');
  const view: ReportView = {
    title,
    settings: first.settings,
    roundId: first.settingsSha256,
    engine: first.engine,
    startedAtMs: records[1]?.atMs ?? records[0].atMs,
    submittedAtMs: null,
    submitReason: null,
    note: '',
    runs: [],
    hintsOpened: [],
    pastes: [],
    focusAway: [],
    edits: 0,
  };
  let previousCode = records[1]?.event.type === 'start' ? records[1].event.code : '';
  for (const r of records) {
    const e = r.event;
    if (e.type === 'edit') view.edits++;
    else if (e.type === 'hint') view.hintsOpened.push({ atMs: r.atMs, index: e.index });
    else if (e.type === 'paste') view.pastes.push({ atMs: r.atMs, lines: e.lines, chars: e.chars });
    else if (e.type === 'focus') {
      if (e.away) view.focusAway.push({ atMs: r.atMs, backAtMs: null });
      else if (view.focusAway.length) view.focusAway[view.focusAway.length - 1].backAtMs = r.atMs;
    } else if (e.type === 'submit') {
      view.submittedAtMs = r.atMs;
      view.submitReason = e.reason;
      view.note = e.note;
    } else if (e.type === 'run') {
      const s = e.summary;
      view.runs.push({
        seq: r.seq,
        atMs: r.atMs,
        purpose: e.purpose,
        seed: e.seed,
        loadScale: e.loadScale,
        verdict: e.stopped ? 'stopped' : s === null ? 'failed' : s.passed ? 'pass' : 'fail',
        failure: e.failure,
        codeSha256: e.codeSha256,
        slos: (s?.slos ?? []).map((x) => ({
          label: x.label,
          value: formatSloActual(x.metric, x.threshold, x.actual),
          threshold: x.threshold,
          pass: x.pass,
        })),
        checksFailed: (s?.checks ?? []).filter((c) => !c.pass).map((c) => c.name),
        diff: createTwoFilesPatch('before', 'this run', previousCode, e.code, '', '', { context: 2 }).split('\n').slice(3).join('\n'),
        findings: s?.findings ?? [],
      });
      previousCode = e.code;
    }
  }
  return view;
}
