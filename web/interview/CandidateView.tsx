/**
 * The round as the candidate works on it. Runs go through the lab's run machine, as in the
 * lab, and each one that ends is recorded with its code and summary; edits, pastes, hints
 * and the page losing focus are recorded as they happen.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useActorRef, useSelector } from '@xstate/react';
import { type InterviewSettings, sha256Hex, type TextChange } from '../../runner/interview/index.ts';
import type { RunSummary } from '../../runner/index.ts';
import { lab, warmWhenEditorReady } from '../app/lab.ts';
import type { CatalogEntry } from '../catalog/scenarios.ts';
import { getEditorHandle } from '../editor/editorHandle.ts';
import type { RunRequest } from '../lab/protocol.ts';
import { runMachine } from '../run/runMachine.ts';
import { RunPanel } from '../run/RunPanel.tsx';
import { isBusy, runStateOf } from '../run/runState.ts';
import { Brief } from '../scenario/Brief.tsx';
import { clampScale } from '../scenario/useScenarioRun.ts';
import { useUi } from '../store/uiStore.ts';
import { bindRun } from '../testHook.ts';
import { InterviewHints } from './InterviewHints.tsx';
import type { RoundRecorder } from './RoundRecorder.ts';
import { RoundTimer } from './RoundTimer.tsx';
import { SubmitPanel } from './SubmitPanel.tsx';
import { useFocusRecording } from './useFocusRecording.ts';

const CodeEditor = lazy(() => import('../editor/CodeEditor.tsx'));

/** Failed runs are recorded too (the re-run must fail the same way), and stopped ones (listed, not re-run). */
const ENDED_WITHOUT_SUMMARY = new Set(['compileFailed', 'failed', 'hung', 'stopped']);

export interface CandidateViewProps {
  settings: InterviewSettings;
  entry: CatalogEntry;
  recorder: RoundRecorder;
  /** False when the browser refused IndexedDB: a reload would lose the round. */
  durable: boolean;
}

export function CandidateView({ settings, entry, recorder, durable }: CandidateViewProps) {
  const info = useUi((s) => s.scenarioInfo?.[entry.id]);
  const [seed, setSeed] = useState(settings.visibleSeeds[0]);
  // The note being written survives a reload too (it is recorded when the round is submitted).
  const noteKey = `tailspin:interview-note:${recorder.roundId}`;
  const note = useRef(readNote(noteKey));
  const visibleScale = clampScale(1, info?.loadScale ?? { min: 1, max: 1 });

  const onRunFinished = useCallback((summary: RunSummary, request: RunRequest) => recordRun(recorder, request, summary), [recorder]);
  const actor = useActorRef(runMachine, { input: { client: lab, starter: entry.starter, onRunFinished } });
  const snapshot = useSelector(actor, (s) => s);
  const state = runStateOf(snapshot);
  const busy = isBusy(state);

  // A run that could not finish is recorded once, with why.
  const recordedFailure = useRef<RunRequest | null>(null);
  useEffect(() => {
    const request = snapshot.context.request;
    if (!request || !ENDED_WITHOUT_SUMMARY.has(state) || recordedFailure.current === request) return;
    recordedFailure.current = request;
    if (state === 'stopped') {
      recordRun(recorder, request, null, 'stopped by the candidate', true);
      return;
    }
    const why =
      state === 'compileFailed' ? `compile error: ${snapshot.context.diagnostics[0]?.message ?? ''}` : (snapshot.context.message ?? state);
    recordRun(recorder, request, null, why);
  }, [state, snapshot.context.request, recorder]);

  const runOrStop = useCallback(() => {
    if (isBusy(runStateOf(actor.getSnapshot()))) {
      actor.send({ type: 'run.stop' });
      return;
    }
    getEditorHandle()?.showDiagnostics([]);
    // The recorded text is what runs: the report's replay then gives exactly the code of each run.
    actor.send({ type: 'run.start', request: { scenarioId: entry.id, code: recorder.code, seed, loadScale: visibleScale } });
  }, [actor, entry.id, recorder, seed, visibleScale]);

  const submit = useCallback(
    (reason: 'candidate' | 'timeout') => {
      if (recorder.submitted) return;
      if (isBusy(runStateOf(actor.getSnapshot()))) actor.send({ type: 'run.stop' });
      recorder.append({ type: 'submit', reason, note: note.current.trim() });
    },
    [actor, recorder],
  );

  useEffect(() => warmWhenEditorReady(entry.id), [entry.id]);
  useFocusRecording(recorder);
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

  const onContentChange = useCallback((changes: TextChange[], text: string) => recorder.edit(changes, text), [recorder]);
  const onPaste = useCallback((text: string) => recorder.paste(text), [recorder]);
  const outOfRange = info && (settings.hidden.loadScale < info.loadScale.min || settings.hidden.loadScale > info.loadScale.max);
  const title = entry.readme?.meta.title ?? entry.id;

  return (
    <main className="workspace interview" data-testid="interview-page" data-scenario={entry.id}>
      <aside className="side-column">
        <div className="side">
          <p className="interview-badge">Interview round</p>
          <h1>{title}</h1>
          <Brief entry={entry} info={info} hints={<InterviewHints entry={entry} recorder={recorder} allowed={settings.hintsAllowed} />} />
        </div>
      </aside>
      <section className="main">
        <div className="toolbar" role="toolbar" aria-label="Round controls">
          <button className={busy ? 'button button-stop' : 'button button-primary'} onClick={runOrStop} data-testid="run-button">
            {busy ? '■ Stop' : '▶ Run'}
          </button>
          {settings.visibleSeeds.length > 1 ? (
            <label className="control">
              Seed
              <select value={seed} disabled={busy} onChange={(e) => setSeed(Number(e.target.value))} data-testid="seed-select">
                {settings.visibleSeeds.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="control muted">Seed {seed}</span>
          )}
          <span className="toolbar-spacer" />
          <RoundTimer startedAtMs={recorder.startedAtMs} timeLimitMin={settings.timeLimitMin} onTimeUp={() => submit('timeout')} />
          <SubmitPanel noteRef={note} onNoteChange={(text) => writeNote(noteKey, text)} onSubmit={() => submit('candidate')} />
        </div>
        {durable && !recorder.saving && (
          <div className="panel panel-error" role="alert" data-testid="round-not-saving">
            This round could not be saved: it is probably open in another tab too. Keep working in one tab only; this page keeps its own
            recording until it is submitted.
          </div>
        )}
        {!durable && (
          <div className="panel panel-error" role="alert">
            This browser does not let the lab keep data: the round is recorded in this page only, so do not reload it.
          </div>
        )}
        {outOfRange && (
          <div className="panel panel-error" role="alert">
            This round's hidden checks use a load scale outside the scenario's range; ask the interviewer for a new link.
          </div>
        )}
        {/* From 1280 px wide the editor and the results sit side by side, as in the lab (app.css). */}
        <div className="editor-column">
          <div className="editor-box" data-testid="editor">
            <Suspense fallback={<div className="editor-loading">Loading editor…</div>}>
              <CodeEditor
                scenarioId={`interview-${recorder.roundId.slice(0, 16)}`}
                initialCode={recorder.code}
                onChange={() => {}}
                onRunShortcut={runOrStop}
                onContentChange={onContentChange}
                onPaste={onPaste}
              />
            </Suspense>
          </div>
        </div>
        <div className="run-panel-box">
          <RunPanel snapshot={snapshot} durationMs={info?.durationMs ?? 60_000} />
        </div>
      </section>
    </main>
  );
}

function recordRun(recorder: RoundRecorder, request: RunRequest, summary: RunSummary | null, failure?: string, stopped?: true): void {
  recorder.append({
    type: 'run',
    purpose: 'visible',
    code: request.code,
    codeSha256: sha256Hex(request.code),
    seed: request.seed,
    loadScale: request.loadScale,
    summary,
    ...(failure === undefined ? {} : { failure }),
    ...(stopped ? { stopped } : {}),
  });
}

function readNote(key: string): string {
  try {
    return sessionStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

function writeNote(key: string, text: string): void {
  try {
    sessionStorage.setItem(key, text);
  } catch {
    // Storage refused: the note lives in the page until it is submitted.
  }
}
