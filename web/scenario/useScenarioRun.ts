/**
 * The run machine of one scenario page, wired to the page: Run/Stop (button, Ctrl/Cmd+Enter,
 * test hook), compile errors shown as editor markers, finished runs recorded in the history
 * and the solved list, and reported to the workshop room when the lab has joined one.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useActorRef, useSelector } from '@xstate/react';
import type { RunSummary } from '../../runner/index.ts';
import { lab } from '../app/lab.ts';
import { getEditorHandle } from '../editor/editorHandle.ts';
import { runMachine } from '../run/runMachine.ts';
import { isBusy, runStateOf, type RunSnapshot } from '../run/runState.ts';
import { loadHistory, recordRun, type HistoryEntry } from '../storage/history.ts';
import { updateProgress } from '../storage/progress.ts';
import { draftHistory } from '../storage/draftHistory.ts';
import { markRunEnded, markRunStarted } from '../storage/runInFlight.ts';
import { useUi } from '../store/uiStore.ts';
import { bindRun, noteTiming } from '../testHook.ts';
import type { RunRequest } from '../lab/protocol.ts';
import { reportFailedRun, reportFinishedRun } from '../workshop/reportRun.ts';

export function clampScale(v: number, b: { min: number; max: number }): number {
  return Math.min(b.max, Math.max(b.min, v));
}

export interface ScenarioRun {
  snapshot: RunSnapshot;
  busy: boolean;
  history: HistoryEntry[];
  runOrStop(): void;
}

export function useScenarioRun(scenarioId: string, starter: string, currentCode: () => string): ScenarioRun {
  const [history, setHistory] = useState<HistoryEntry[]>(() => loadHistory(scenarioId));
  const onRunFinished = useCallback(
    (summary: RunSummary, request: RunRequest) => {
      noteTiming('firstResultMs');
      setHistory(recordRun(scenarioId, summary, request.code));
      reportFinishedRun(summary, request.code);
      if (summary.passed && summary.status === 'completed') {
        useUi.getState().setProgress(updateProgress(scenarioId, { solvedAt: Date.now() }));
      }
    },
    [scenarioId],
  );
  const actor = useActorRef(runMachine, { input: { client: lab, starter, onRunFinished } });
  const snapshot = useSelector(actor, (s) => s);
  const state = runStateOf(snapshot);

  const runOrStop = useCallback(() => {
    if (isBusy(runStateOf(actor.getSnapshot()))) {
      actor.send({ type: 'run.stop' });
      return;
    }
    const { seed, loadScale, scenarioInfo } = useUi.getState();
    const bounds = scenarioInfo?.[scenarioId]?.loadScale ?? { min: 1, max: 1 };
    getEditorHandle()?.showDiagnostics([]);
    const code = currentCode();
    noteTiming('runRequestedMs');
    // Each run's code is a version worth finding again in the Drafts tab.
    void draftHistory.keep(scenarioId, code, 'run');
    actor.send({
      type: 'run.start',
      request: { scenarioId, code, seed, loadScale: clampScale(loadScale, bounds) },
    });
  }, [actor, scenarioId, currentCode]);

  // While a run is in flight, a mark says so: if the page dies meanwhile, the next load explains.
  const busy = isBusy(state);
  useEffect(() => {
    if (busy) markRunStarted(scenarioId);
    else markRunEnded();
  }, [busy, scenarioId]);
  useEffect(() => markRunEnded, []);

  // Compile errors become editor markers, and the editor shows the first one.
  useEffect(() => {
    if (state !== 'compileFailed') return;
    const diagnostics = snapshot.context.diagnostics;
    getEditorHandle()?.showDiagnostics(diagnostics);
    const first = diagnostics.find((d) => d.line);
    if (first?.line) getEditorHandle()?.reveal(first.line, first.column, false);
  }, [state, snapshot.context.diagnostics]);

  // A run that ends without a summary still counts in a workshop: the host sees why it failed.
  // Once per run, even when React runs the effect twice (StrictMode in development).
  const request = snapshot.context.request;
  const failureReported = useRef<RunRequest | null>(null);
  useEffect(() => {
    if (!request || (state !== 'compileFailed' && state !== 'failed' && state !== 'hung')) return;
    if (failureReported.current === request) return;
    failureReported.current = request;
    const { message, diagnostics } = actor.getSnapshot().context;
    const why = message ?? (diagnostics[0] ? `compile error: ${diagnostics[0].message}` : 'the code did not compile');
    reportFailedRun(scenarioId, request.code, request.seed, why);
  }, [state, request, scenarioId, actor]);

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

  return { snapshot, busy, history, runOrStop };
}
