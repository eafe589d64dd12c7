/**
 * A scenario: the brief, past runs and drafts on the side; the editor, its controls and the
 * run on the main side.
 */
import { type KeyboardEvent, lazy, Suspense, useEffect, useRef, useState } from 'react';
import { findScenario, type CatalogEntry } from '../catalog/scenarios.ts';
import { RunPanel } from '../run/RunPanel.tsx';
import { type SideTab, useUi } from '../store/uiStore.ts';
import { leaveEditorOnEscapeTab } from '../editor/leaveEditor.ts';
import { runStateOf } from '../run/runState.ts';
import { Drafts } from './Drafts.tsx';
import { NextSteps, ResultsStale } from './RunNotes.tsx';
import { lab, warmWhenEditorReady } from '../app/lab.ts';
import { runStarterAhead } from './runStarterAhead.ts';
import { Brief } from './Brief.tsx';
import { History } from './History.tsx';
import { Toolbar } from './Toolbar.tsx';
import { ScenarioDialogs } from './ScenarioDialogs.tsx';
import { useScenarioCode } from './useScenarioCode.ts';
import { clampScale, useScenarioRun } from './useScenarioRun.ts';

const CodeEditor = lazy(() => import('../editor/CodeEditor.tsx'));

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

function Workspace({ entry }: { entry: CatalogEntry }) {
  const info = useUi((s) => s.scenarioInfo?.[entry.id]);
  const labError = useUi((s) => s.labError);
  const sideTab = useUi((s) => s.sideTab);
  const code = useScenarioCode(entry);
  const { snapshot, busy, history, runOrStop } = useScenarioRun(entry.id, entry.starter, code.currentCode);
  const [pendingCode, setPendingCode] = useState<string | null>(null);
  const editorBox = useRef<HTMLDivElement>(null);
  const runPanel = useRef<HTMLDivElement>(null);

  // The load scale stays within what this scenario allows.
  useEffect(() => {
    if (info) useUi.getState().setLoadScale(clampScale(useUi.getState().loadScale, info.loadScale));
  }, [info]);

  useEffect(() => () => useUi.getState().openDialog(null), []);
  // As soon as the worker has started, not after the editor: the database and the first
  // simulation run beside the editor's loading and the learner's reading (runStarterAhead.ts).
  useEffect(() => runStarterAhead(lab, entry.id, entry.starter), [entry.id, entry.starter]);
  useEffect(() => warmWhenEditorReady(entry.id), [entry.id]);
  useEffect(() => leaveEditorOnEscapeTab(editorBox.current!, () => runPanel.current), []);

  const runCode = snapshot.context.request?.code;
  const passed = runStateOf(snapshot) === 'done' && snapshot.context.summary?.passed === true;
  const title = entry.readme?.meta.title ?? entry.id;
  return (
    <main className="workspace" data-testid="scenario-page" data-scenario={entry.id}>
      <aside className="side-column">
        <div className="side">
          <nav className="crumbs">
            <a href="#/">← All scenarios</a>
          </nav>
          <h1>{title}</h1>
          <SideTabs runs={history.length} />
          <div role="tabpanel" id={`side-panel-${sideTab}`} aria-labelledby={`side-tab-${sideTab}`}>
            {sideTab === 'brief' ? (
              <Brief entry={entry} info={info} />
            ) : sideTab === 'history' ? (
              <History entries={history} onLoadCode={setPendingCode} />
            ) : (
              <Drafts scenarioId={entry.id} starter={entry.starter} onRestore={code.replaceCode} />
            )}
          </div>
        </div>
      </aside>
      <section className="main">
        <Toolbar busy={busy} info={info} onRunOrStop={runOrStop} />
        {labError && (
          <div className="panel panel-error" role="alert">
            {labError}
          </div>
        )}
        {/* From 1280 px wide the editor and the results sit side by side (app.css). */}
        <div className="editor-column">
          <div className="editor-box" data-testid="editor" ref={editorBox}>
            <Suspense fallback={<div className="editor-loading">Loading editor…</div>}>
              <CodeEditor scenarioId={entry.id} initialCode={code.initialCode} onChange={code.onEdit} onRunShortcut={runOrStop} />
            </Suspense>
          </div>
          <p className="editor-keys muted small" data-testid="editor-keys">
            In the editor, Tab indents. To leave it from the keyboard: <kbd>Esc</kbd>, then <kbd>Tab</kbd> (or <kbd>Shift</kbd>+
            <kbd>Tab</kbd>
            ).
          </p>
        </div>
        <div ref={runPanel} tabIndex={-1} className="run-panel-box">
          <RunPanel
            snapshot={snapshot}
            durationMs={info?.durationMs ?? 60_000}
            scenario={info}
            notes={
              <>
                {runCode !== undefined && <ResultsStale code={code} runCode={runCode} />}
                {passed && <NextSteps entry={entry} info={info} />}
              </>
            }
          />
        </div>
      </section>
      <ScenarioDialogs entry={entry} code={code} pendingCode={pendingCode} clearPendingCode={() => setPendingCode(null)} />
    </main>
  );
}

const SIDE_TABS: { id: SideTab; label: string }[] = [
  { id: 'brief', label: 'Brief' },
  { id: 'history', label: 'Runs' },
  { id: 'drafts', label: 'Drafts' },
];

/** The side column's tabs, with the keys of the WAI-ARIA tabs pattern (arrows, Home, End). */
function SideTabs({ runs }: { runs: number }) {
  const sideTab = useUi((s) => s.sideTab);
  const setSideTab = useUi((s) => s.setSideTab);
  const select = (index: number) => {
    const tab = SIDE_TABS[(index + SIDE_TABS.length) % SIDE_TABS.length];
    setSideTab(tab.id);
    document.getElementById(`side-tab-${tab.id}`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = SIDE_TABS.findIndex((t) => t.id === sideTab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: SIDE_TABS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select(to);
  };
  return (
    <div className="tabs" role="tablist" aria-label="About this scenario" onKeyDown={onKeyDown}>
      {SIDE_TABS.map((t) => (
        <button
          key={t.id}
          id={`side-tab-${t.id}`}
          role="tab"
          aria-selected={sideTab === t.id}
          aria-controls={`side-panel-${t.id}`}
          tabIndex={sideTab === t.id ? 0 : -1}
          className="tab"
          onClick={() => setSideTab(t.id)}
          data-testid={`${t.id}-tab`}
        >
          {t.label} {t.id === 'history' && runs > 0 && <span className="count">{runs}</span>}
        </button>
      ))}
    </div>
  );
}
