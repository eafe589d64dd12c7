/**
 * The Monaco editor for the learner's code. Loaded lazily so the catalog never waits for it.
 */
import { useEffect, useRef } from 'react';
import Editor, { type OnMount } from '@monaco-editor/react';
import { monaco } from './monaco.ts';
import { type HeatMark, setEditorHandle } from './editorHandle.ts';
import { useUi } from '../store/uiStore.ts';
import { noteTiming } from '../testHook.ts';
import type { Diagnostic } from '../../runner/index.ts';

/** Markers of the lab's compiler, kept apart from the TypeScript service's own. */
const MARKER_OWNER = 'tailspin-compile';

export interface CodeEditorProps {
  /** One model per scenario, so undo history never crosses scenarios. */
  scenarioId: string;
  initialCode: string;
  onChange(code: string): void;
  /** Ctrl/Cmd+Enter. */
  onRunShortcut(): void;
  /** Each content change as Monaco reports it, with the text after it (interview recordings). */
  onContentChange?(changes: { rangeOffset: number; rangeLength: number; text: string }[], text: string): void;
  /** Each paste, with the pasted text. */
  onPaste?(text: string): void;
}

export default function CodeEditor({ scenarioId, initialCode, onChange, onRunShortcut, onContentChange, onPaste }: CodeEditorProps) {
  const shortcut = useRef(onRunShortcut);
  shortcut.current = onRunShortcut;
  const contentChange = useRef(onContentChange);
  contentChange.current = onContentChange;
  const paste = useRef(onPaste);
  paste.current = onPaste;
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(
    () => () => {
      setEditorHandle(null);
      useUi.getState().setEditorReady(false);
    },
    [],
  );

  const onMount: OnMount = (ed) => {
    editorRef.current = ed;
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => shortcut.current());
    const model = () => ed.getModel()!;
    // The last run's hot lines: decorations move with the text as the learner edits it.
    const heat = ed.createDecorationsCollection();
    let heatShown: HeatMark[] = [];
    setEditorHandle({
      getCode: () => model().getValue(),
      setCode: (code) => {
        ed.pushUndoStop();
        ed.executeEdits('tailspin', [{ range: model().getFullModelRange(), text: code }]);
        ed.pushUndoStop();
      },
      showDiagnostics: (diagnostics) =>
        monaco.editor.setModelMarkers(
          model(),
          MARKER_OWNER,
          diagnostics.map((d) => toMarker(model(), d)),
        ),
      reveal: (line, column = 1, focus = true) => {
        ed.revealLineInCenterIfOutsideViewport(line);
        ed.setPosition({ lineNumber: line, column });
        if (focus) ed.focus();
      },
      cursor: () => {
        const p = ed.getPosition();
        return { line: p?.lineNumber ?? 1, column: p?.column ?? 1 };
      },
      focus: () => ed.focus(),
      showHeat: (marks) => {
        heatShown = marks.filter((m) => m.line >= 1 && m.line <= model().getLineCount());
        heat.set(heatShown.map(toHeatDecoration));
      },
      heat: () => heatShown,
      markers: () => monaco.editor.getModelMarkers({ resource: model().uri }),
      pasteOver: (text) => {
        ed.setSelection(model().getFullModelRange());
        ed.trigger('keyboard', 'paste', { text, pasteOnNewLine: false, multicursorText: null, mode: null });
      },
      plainTyping: () =>
        ed.updateOptions({
          autoIndent: 'none',
          autoClosingBrackets: 'never',
          autoClosingQuotes: 'never',
          autoClosingComments: 'never',
          autoSurround: 'never',
          formatOnType: false,
          quickSuggestions: false,
          suggestOnTriggerCharacters: false,
          acceptSuggestionOnEnter: 'off',
          tabCompletion: 'off',
          wordBasedSuggestions: 'off',
          parameterHints: { enabled: false },
        }),
    });
    // A model kept from an earlier visit may hold other text than the draft now says.
    if (model().getValue() !== initialCode) model().setValue(initialCode);
    // Listened to after the first text is set, so only edits made from now on are reported.
    ed.onDidChangeModelContent((e) => contentChange.current?.(e.changes, model().getValue()));
    ed.onDidPaste((e) => paste.current?.(model().getValueInRange(e.range)));
    noteTiming('editorReadyMs');
    useUi.getState().setEditorReady(true);
  };

  return (
    <Editor
      path={`file:///scenarios/${scenarioId}/service.ts`}
      defaultLanguage="typescript"
      defaultValue={initialCode}
      theme="vs"
      onMount={onMount}
      onChange={(value) => {
        // An edit makes the previous compile errors stale.
        const ed = editorRef.current;
        if (ed?.getModel()) monaco.editor.setModelMarkers(ed.getModel()!, MARKER_OWNER, []);
        onChange(value ?? '');
      }}
      loading={<div className="editor-loading">Loading editor…</div>}
      options={{
        fontSize: 13,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        automaticLayout: true,
        tabSize: 2,
        renderLineHighlight: 'line',
        fixedOverflowWidgets: true,
        scrollbar: { alwaysConsumeMouseWheel: false },
      }}
    />
  );
}

/** Heat colours of the gutter marks, levels 1 to 4, for the overview ruler beside the scrollbar. */
const HEAT_COLOURS = ['#fcd34d', '#f59e0b', '#ea580c', '#b91c1c'] as const;

function toHeatDecoration(m: HeatMark): monaco.editor.IModelDeltaDecoration {
  return {
    range: new monaco.Range(m.line, 1, m.line, 1),
    options: {
      isWholeLine: true,
      linesDecorationsClassName: `heat-mark heat-${m.level}`,
      linesDecorationsTooltip: m.note,
      overviewRuler: { color: HEAT_COLOURS[m.level - 1], position: monaco.editor.OverviewRulerLane.Left },
      stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges,
    },
  };
}

/** A diagnostic at a point underlines the word there (or the rest of the line, when none). */
function toMarker(model: monaco.editor.ITextModel, d: Diagnostic): monaco.editor.IMarkerData {
  const line = Math.min(Math.max(d.line ?? 1, 1), model.getLineCount());
  const lineEnd = model.getLineMaxColumn(line);
  const column = Math.min(d.column ?? 1, lineEnd);
  const word = d.column === undefined ? null : model.getWordAtPosition({ lineNumber: line, column });
  return {
    severity: monaco.MarkerSeverity.Error,
    source: 'compile',
    message: d.message,
    startLineNumber: line,
    startColumn: word ? word.startColumn : d.column === undefined ? model.getLineFirstNonWhitespaceColumn(line) || 1 : column,
    endLineNumber: line,
    endColumn: word ? word.endColumn : Math.max(lineEnd, column + 1),
  };
}
