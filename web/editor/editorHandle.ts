/**
 * The mounted code editor, reachable from the toolbar, the run panel and the test hook
 * without threading refs through React. Only one code editor exists at a time.
 */
import type { editor } from 'monaco-editor/editor/editor.api';
import type { Diagnostic } from '../../runner/index.ts';

export interface EditorHandle {
  getCode(): string;
  /** Replaces the whole text as one undoable edit. */
  setCode(code: string): void;
  showDiagnostics(diagnostics: Diagnostic[]): void;
  /** Scrolls to a place and puts the cursor there; `focus` also moves the keyboard focus. */
  reveal(line: number, column?: number, focus?: boolean): void;
  /** The cursor, 1-based. */
  cursor(): { line: number; column: number };
  focus(): void;
  /** Markers currently shown, from the compiler and the TypeScript service. */
  markers(): editor.IMarker[];
  /** Marks the hottest lines of the last run in the gutter; an empty list clears them. */
  showHeat(marks: HeatMark[]): void;
  /** The lines marked hot now, for tests. */
  heat(): HeatMark[];
  /** Pastes text over the whole content as a paste from the clipboard would (for tests). */
  pasteOver(text: string): void;
  /** Turns off typing helpers (auto-indent, auto-closing, suggestions) so typed text lands verbatim. */
  plainTyping(): void;
}

/** A line of the last run's CPU profile, marked in the editor's gutter. */
export interface HeatMark {
  line: number;
  /** 1 (a little of the main thread's CPU) to 4 (a quarter of it or more). */
  level: 1 | 2 | 3 | 4;
  /** Shown on hover: the line's share and time. */
  note: string;
}

let current: EditorHandle | null = null;
const listeners = new Set<() => void>();

export function setEditorHandle(handle: EditorHandle | null): void {
  current = handle;
  for (const l of listeners) l();
}

export function getEditorHandle(): EditorHandle | null {
  return current;
}

export function onEditorHandleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
