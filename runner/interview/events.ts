/**
 * What a round records, in order. The first event is the link's settings, the second the
 * text the editor started with; then edits, pastes, hints, focus changes and runs as they
 * happen; the last is the submission. Each is wrapped in a record that chains its hash to
 * the previous one (chain.ts).
 */
import type { RunSummary } from '../summary-schema.ts';
import type { InterviewSettings } from './link.ts';

/** One Monaco content change: `rangeLength` characters at `rangeOffset` replaced by `text`. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/** Why a run happened: the candidate pressed Run, or the submission ran the final checks. */
export type RunPurpose = 'visible' | 'final' | 'hidden';

export type RoundEvent =
  | { type: 'settings'; settings: InterviewSettings; settingsSha256: string; engine: string }
  | { type: 'start'; code: string }
  /** One content-change event of the editor; its changes refer to the text before it. */
  | { type: 'edit'; changes: TextChange[] }
  /** A paste of more than a few lines: flagged for the interviewer, never blocked. */
  | { type: 'paste'; chars: number; lines: number }
  | { type: 'hint'; index: number }
  /** The page lost (away) or regained the candidate's attention: another tab or window. */
  | { type: 'focus'; away: boolean }
  | {
      type: 'run';
      purpose: RunPurpose;
      code: string;
      codeSha256: string;
      seed: number;
      loadScale: number;
      /** Null when the code did not compile, the run failed or was stopped; `failure` says why. */
      summary: RunSummary | null;
      failure?: string;
      /** The candidate stopped it: a part of a run cannot be re-run, so verify lists it only. */
      stopped?: true;
    }
  | { type: 'submit'; reason: 'candidate' | 'timeout'; note: string };

export interface RoundRecord {
  /** 0 for the settings, then one more per event. */
  seq: number;
  /** Wall-clock epoch milliseconds: when it happened in the candidate's browser. */
  atMs: number;
  event: RoundEvent;
  /** The previous record's `sha256` (64 zeros for the first). */
  prevSha256: string;
  /** SHA-256 of `prevSha256` and the canonical JSON of `{ seq, atMs, event }`. */
  sha256: string;
}

/** A paste of at least this many lines is flagged. */
export const LARGE_PASTE_LINES = 5;
/** …or of at least this many characters (one long line). */
export const LARGE_PASTE_CHARS = 300;

export function isLargePaste(text: string): boolean {
  return text.length >= LARGE_PASTE_CHARS || text.split('\n').length >= LARGE_PASTE_LINES;
}
