/**
 * A scenario: the brief on the side; the editor, its controls and the run on the main side.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { findScenario, type CatalogEntry } from '../catalog/scenarios.ts';
import { RunPanel } from '../run/RunPanel.tsx';
import { useUi } from '../store/uiStore.ts';
import { warmWhenEditorReady } from '../app/lab.ts';
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
  const setSideTab = useUi((s) => s.setSideTab);
  const code = useScenarioCode(entry);
  const { snapshot, busy, history, runOrStop } = useScenarioRun(entry.id, entry.starter, code.currentCode);
  const [pendingCode, setPendingCode] = useState<string | null>(null);

  // The load scale stays within what this scenario allows.
  useEffect(() => {
    if (info) useUi.getState().setLoadScale(clampScale(useUi.getState().loadScale, info.loadScale));
  }, [info]);

  useEffect(() => () => useUi.getState().openDialog(null), []);
  useEffect(() => warmWhenEditorReady(entry.id), [entry.id]);

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
            <button
              role="tab"
              aria-selected={sideTab === 'history'}
              className="tab"
              onClick={() => setSideTab('history')}
              data-testid="history-tab"
            >
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
            <CodeEditor scenarioId={entry.id} initialCode={code.initialCode} onChange={code.onEdit} onRunShortcut={runOrStop} />
          </Suspense>
        </div>
        <RunPanel snapshot={snapshot} durationMs={info?.durationMs ?? 60_000} />
      </section>
      <ScenarioDialogs entry={entry} code={code} pendingCode={pendingCode} clearPendingCode={() => setPendingCode(null)} />
    </main>
  );
}
