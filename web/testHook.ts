/**
 * A small typed hook on `window.__tailspin` for end-to-end tests and measurements: set the
 * seed, read the last summary, wait for states, without clicking through the page.
 */
import type { RunSummary } from '../runner/index.ts';
import { getEditorHandle } from './editor/editorHandle.ts';
import { useUi } from './store/uiStore.ts';
import { catalog } from './catalog/scenarios.ts';
import type { WorkerMilestone } from './lab/protocol.ts';
import { roundClock } from './interview/roundClock.ts';

export interface RunBinding {
  state(): string;
  summary(): RunSummary | null;
  baseline(): RunSummary | null;
  run(): void;
  stop(): void;
}

export interface TailspinTestHook {
  readonly version: 1;
  scenarioIds(): string[];
  setSeed(seed: number): void;
  setLoadScale(scale: number): void;
  editorReady(): boolean;
  getCode(): string | null;
  setCode(code: string): void;
  /** Pastes over the whole text, as Ctrl+V after select-all would (the editor reports a paste). */
  pasteCode(code: string): void;
  /** Editor typing helpers off, so keyboard input lands verbatim (for tests that type code). */
  plainTyping(): void;
  /** The editor's cursor, 1-based (null before the editor loads). */
  cursor(): { line: number; column: number } | null;
  /** Lines marked hot in the editor's gutter by the last run's CPU profile, with their level. */
  heat(): { line: number; level: number }[];
  /** Editor markers (compile errors and TypeScript diagnostics), 1-based lines. */
  markers(): { message: string; line: number; owner: string }[];
  /** The run state of the open scenario page, or 'none'. */
  runState(): string;
  run(): void;
  stop(): void;
  lastSummary(): RunSummary | null;
  baselineSummary(): RunSummary | null;
  /** Moves an interview round's clock forward (to reach its time-out without waiting). */
  advanceRoundClock(ms: number): void;
  /**
   * Milliseconds since navigation start, for the speed measurements: the page's own, and the
   * lab worker's start-up milestones (first of each).
   */
  readonly timings: Partial<Record<PageMilestone | WorkerMilestone, number>>;
}

declare global {
  interface Window {
    __tailspin?: TailspinTestHook;
  }
}

/** The page's own milestones: the editor usable, the first Run asked for, its result shown. */
export type PageMilestone = 'editorReadyMs' | 'runRequestedMs' | 'firstResultMs';

let binding: RunBinding | null = null;
const timings: TailspinTestHook['timings'] = {};

export function bindRun(b: RunBinding | null): void {
  binding = b;
}

export function noteTiming(key: keyof TailspinTestHook['timings'], atMs = performance.now()): void {
  if (timings[key] !== undefined) return;
  timings[key] = atMs;
  // Also on the page's performance timeline, where a DevTools recording shows it.
  performance.mark(`tailspin:${key}`, { startTime: Math.max(0, atMs) });
}

export function installTestHook(): void {
  window.__tailspin = {
    version: 1,
    scenarioIds: () => catalog.map((e) => e.id),
    setSeed: (seed) => useUi.getState().setSeed(seed),
    setLoadScale: (scale) => useUi.getState().setLoadScale(scale),
    editorReady: () => useUi.getState().editorReady,
    getCode: () => getEditorHandle()?.getCode() ?? null,
    setCode: (code) => getEditorHandle()?.setCode(code),
    pasteCode: (code) => getEditorHandle()?.pasteOver(code),
    plainTyping: () => getEditorHandle()?.plainTyping(),
    cursor: () => getEditorHandle()?.cursor() ?? null,
    heat: () => (getEditorHandle()?.heat() ?? []).map((m) => ({ line: m.line, level: m.level })),
    markers: () => (getEditorHandle()?.markers() ?? []).map((m) => ({ message: m.message, line: m.startLineNumber, owner: m.owner })),
    runState: () => binding?.state() ?? 'none',
    run: () => binding?.run(),
    stop: () => binding?.stop(),
    lastSummary: () => binding?.summary() ?? null,
    baselineSummary: () => binding?.baseline() ?? null,
    advanceRoundClock: (ms) => roundClock.advance(ms),
    timings,
  };
}
