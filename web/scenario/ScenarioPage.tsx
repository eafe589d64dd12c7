/**
 * A scenario: the brief on the side; the editor, its controls and the run on the main side.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useActorRef, useSelector } from '@xstate/react';
import type { RunSummary } from '../../runner/index.ts';
import { findScenario, type CatalogEntry } from '../catalog/scenarios.ts';
import { lab } from '../app/lab.ts';
import { runMachine } from '../run/runMachine.ts';
import { isBusy, runStateOf } from '../run/runState.ts';
import { RunPanel } from '../run/RunPanel.tsx';
import { getEditorHandle } from '../editor/editorHandle.ts';
import { clearStash, loadDraft, loadStash, saveDraft } from '../storage/drafts.ts';
import { loadHistory, recordRun, type HistoryEntry } from '../storage/history.ts';
import { updateProgress } from '../storage/progress.ts';
import { useUi } from '../store/uiStore.ts';
import { bindRun, noteTiming } from '../testHook.ts';
import type { RunRequest } from '../worker/protocol.ts';
import { Brief } from './Brief.tsx';
import { History } from './History.tsx';
import { Toolbar } from './Toolbar.tsx';
import { ConfirmDialog, Modal } from './Modal.tsx';
import { ShareDialog } from './ShareDialog.tsx';

const CodeEditor = lazy(() => import('../editor/CodeEditor.tsx'));
const DiffView = lazy(() => import('../editor/DiffView.tsx'));

export function ScenarioPage({ id }: { id: string }) {
  const entry = findScenario(id);
  if (!entry) {
    return (
      <main className="catalog">
        <h1>No such scenario</h1>
        <p>
          This lab has no scenario called “{id}”. <a href="#/">Back to all scenarios</a>
        </p>
      </main>
    );
  }
  return <Workspace entry={entry} />;
}

function clamp(v: number, b: { min: number; max: number }): number {
  return Math.min(b.max, Math.max(b.min, v));
}

function Workspace({ entry }: { entry: CatalogEntry }) {
  const info = useUi((s) => s.scenarioInfo?.[entry.id]);
  const labError = useUi((s) => s.labError);
  const dialog = useUi((s) => s.dialog);
  const openDialog = useUi((s) => s.openDialog);
  const sideTab = useUi((s) => s.sideTab);
  const setSideTab = useUi((s) => s.setSideTab);
  const initialCode = useMemo(() => loadDraft(entry.id)?.code ?? entry.starter, [entry]);
  const codeRef = useRef(initialCode);
  const [history, setHistory] = useState<HistoryEntry[]>(() => loadHistory(entry.id));
  /** Code of a past run the learner asked to load, waiting for confirmation. */
  const [pendingCode, setPendingCode] = useState<string | null>(null);

  const onRunFinished = useCallback(
    (summary: RunSummary, request: RunRequest) => {
      noteTiming('firstResultMs');
      setHistory(recordRun(entry.id, summary, request.code));
      if (summary.passed && summary.status === 'completed') {
        useUi.getState().setProgress(updateProgress(entry.id, { solvedAt: Date.now() }));
      }
    },
    [entry.id],
  );
  const actor = useActorRef(runMachine, { input: { client: lab, starter: entry.starter, onRunFinished } });
  const snapshot = useSelector(actor, (s) => s);
  const state = runStateOf(snapshot);
  const busy = isBusy(state);

  const currentCode = () => getEditorHandle()?.getCode() ?? codeRef.current;

  const runOrStop = useCallback(() => {
    if (isBusy(runStateOf(actor.getSnapshot()))) {
      actor.send({ type: 'run.stop' });
      return;
    }
    const { seed, loadScale } = useUi.getState();
    const bounds = useUi.getState().scenarioInfo?.[entry.id]?.loadScale ?? { min: 1, max: 1 };
    getEditorHandle()?.showDiagnostics([]);
    actor.send({
      type: 'run.start',
      request: { scenarioId: entry.id, code: currentCode(), seed, loadScale: clamp(loadScale, bounds) },
    });
  }, [actor, entry.id]);

  const replaceCode = useCallback(
    (code: string) => {
      codeRef.current = code;
      getEditorHandle()?.setCode(code);
      saveDraft(entry.id, code);
    },
    [entry.id],
  );

  // Compile errors become editor markers.
  useEffect(() => {
    if (state === 'compileFailed') getEditorHandle()?.showDiagnostics(snapshot.context.diagnostics);
  }, [state, snapshot.context.diagnostics]);

  // The load scale stays within what this scenario allows.
  useEffect(() => {
    if (info) useUi.getState().setLoadScale(clamp(useUi.getState().loadScale, info.loadScale));
  }, [info]);

  // A shared link replaced this scenario's draft: the notice offers to put it back.
  useEffect(() => {
    const restore = () => {
      const stash = loadStash(entry.id);
      if (stash) replaceCode(stash.code);
      clearStash(entry.id);
      useUi.getState().setNotice({ kind: 'info', text: 'Your previous code is back in the editor.' });
    };
    window.addEventListener('tailspin:restore-stash', restore);
    return () => window.removeEventListener('tailspin:restore-stash', restore);
  }, [entry.id, replaceCode]);

  useEffect(() => {
    bindRun({
      state: () => runStateOf(actor.getSnapshot()),
      summary: () => actor.getSnapshot().context.summary,
      baseline: () => actor.getSnapshot().context.baseline,
      run: () => {
        if (!isBusy(runStateOf(actor.getSnapshot()))) runOrStop();
      },
      stop: () => actor.send({ type: 'run.stop' }),
    });
    return () => bindRun(null);
  }, [actor, runOrStop]);

  useEffect(() => () => useUi.getState().openDialog(null), []);

  // Ctrl/Cmd+Enter runs or stops from anywhere on the page; inside the editor, the editor's
  // own binding has already handled it.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.defaultPrevented) return;
      if (useUi.getState().dialog !== null) return;
      e.preventDefault();
      runOrStop();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [runOrStop]);

  const title = entry.readme?.meta.title ?? entry.id;
  return (
    <main className="workspace" data-testid="scenario-page" data-scenario={entry.id}>
      <aside className="side-column">
        <div className="side">
          <nav className="crumbs">
            <a href="#/">← All scenarios</a>
          </nav>
          <h1>{title}</h1>
          <div className="tabs" role="tablist">
            <button role="tab" aria-selected={sideTab === 'brief'} className="tab" onClick={() => setSideTab('brief')}>
              Brief
            </button>
            <button role="tab" aria-selected={sideTab === 'history'} className="tab" onClick={() => setSideTab('history')} data-testid="history-tab">
              Runs {history.length > 0 && <span className="count">{history.length}</span>}
            </button>
          </div>
          {sideTab === 'brief' ? <Brief entry={entry} info={info} /> : <History entries={history} onLoadCode={setPendingCode} />}
        </div>
      </aside>
      <section className="main">
        <Toolbar busy={busy} info={info} onRunOrStop={runOrStop} />
        {labError && (
          <div className="panel panel-error" role="alert">
            {labError}
          </div>
        )}
        <div className="editor-box" data-testid="editor">
          <Suspense fallback={<div className="editor-loading">Loading editor…</div>}>
            <CodeEditor
              scenarioId={entry.id}
              initialCode={initialCode}
              onChange={(code) => {
                codeRef.current = code;
                saveDraft(entry.id, code);
              }}
              onRunShortcut={runOrStop}
            />
          </Suspense>
        </div>
        <RunPanel snapshot={snapshot} durationMs={info?.durationMs ?? 60_000} />
      </section>
      {dialog === 'confirm-reset' && (
        <ConfirmDialog
          title="Reset to the starter code?"
          text="Your code is replaced by the original starter. You can still undo with Ctrl+Z in the editor."
          confirmLabel="Reset"
          onConfirm={() => replaceCode(entry.starter)}
          onClose={() => openDialog(null)}
        />
      )}
      {dialog === 'confirm-solution' && (
        <ConfirmDialog
          title="Reveal the reference solution?"
          text="Your code is replaced by a reference fix with notes on why it works. Trying a little longer teaches more; you can undo with Ctrl+Z."
          confirmLabel="Show me the solution"
          onConfirm={() => {
            replaceCode(entry.solution);
            useUi.getState().setProgress(updateProgress(entry.id, { solutionRevealed: true }));
          }}
          onClose={() => openDialog(null)}
        />
      )}
      {pendingCode !== null && (
        <ConfirmDialog
          title="Load the code of that run?"
          text="Your current code is replaced by the code of that run. You can undo with Ctrl+Z in the editor."
          confirmLabel="Load it"
          onConfirm={() => replaceCode(pendingCode)}
          onClose={() => setPendingCode(null)}
        />
      )}
      {dialog === 'diff' && (
        <Modal title="Your code vs the starter" wide onClose={() => openDialog(null)}>
          <Suspense fallback={<div className="editor-loading">Loading diff…</div>}>
            <DiffView starter={entry.starter} code={currentCode()} />
          </Suspense>
        </Modal>
      )}
      {dialog === 'share' && (
        <ShareDialog
          scenarioId={entry.id}
          code={currentCode()}
          seed={useUi.getState().seed}
          loadScale={useUi.getState().loadScale}
          onClose={() => openDialog(null)}
        />
      )}
    </main>
  );
}
