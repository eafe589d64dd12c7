/**
 * Everything about the current run: status and progress, the verdict with the SLO checklist,
 * what the run shows (its diagnosis), the exceptions (the most useful clue, so before anything long), where the CPU went,
 * charts (filling in live), a waterfall of sampled request traces, the before/after table and console output. A stopped run
 * is shown for the part that ran.
 */
import { type ReactNode, useState } from 'react';
import type { RunSnapshot } from './runState.ts';
import { runStateOf } from './runState.ts';
import { RunCharts } from './charts/RunCharts.tsx';
import { SloChecklist } from './SloChecklist.tsx';
import { Findings } from './Findings.tsx';
import { CpuProfile } from './CpuProfile.tsx';
import { TraceWaterfall } from './TraceWaterfall.tsx';
import { CompareTable } from './CompareTable.tsx';
import { ReplicaTable } from './ReplicaTable.tsx';
import { CompileErrors, ConsoleOutput, DiagnosticList, HandlerErrors } from './ProblemLists.tsx';
import { partThatRan, ranForMs } from './stoppedRun.ts';
import { SEED_EXPLAINED } from './seed.ts';
import type { RunSummary } from '../../runner/index.ts';
import type { ScenarioInfo } from '../lab/protocol.ts';
import { scaleTimeline } from './charts/timelineMarks.ts';

export interface RunPanelProps {
  snapshot: RunSnapshot;
  durationMs: number;
  /** Said beside the results: that the code changed since the run, what to do after a pass. */
  notes?: ReactNode;
  /** The scenario's SLOs, routes and timeline, for the charts' lines and marks while a run fills in. */
  scenario?: Pick<ScenarioInfo, 'slos' | 'routes' | 'timeline'>;
}

export function RunPanel({ snapshot, durationMs, notes, scenario }: RunPanelProps) {
  const state = runStateOf(snapshot);
  const ctx = snapshot.context;
  const stopped = state === 'stopped';
  const summary = ctx.summary && stopped ? partThatRan(ctx.summary) : ctx.summary;
  const totalMs = ctx.durationMs || durationMs;
  const hasResults = summary !== null && (state === 'done' || state === 'comparing' || stopped);
  const showCharts = state === 'simulating' || state === 'comparing' || hasResults;
  const comparing = state === 'comparing';
  // The starter's own run is its own baseline: a dashed copy under every line would say nothing.
  const ownStarterRun = ctx.request !== null && ctx.request.code === ctx.starter;
  // The trace a finding's link asked for, shown in the waterfall below.
  const [shownTrace, setShownTrace] = useState<{ traceId: string; click: number }>();

  return (
    <section className="run-panel" aria-live="polite" data-testid="run-panel" data-state={state}>
      <RunStatus snapshot={snapshot} totalMs={totalMs} />
      {state === 'compileFailed' && <CompileErrors diagnostics={ctx.diagnostics} />}
      {hasResults && notes}
      {hasResults && summary && (
        <div className="results">
          <SloChecklist summary={summary} baseline={ctx.baseline} comparing={comparing} judged={!stopped} />
          {ctx.baselineMessage && <p className="muted small">{ctx.baselineMessage}</p>}
          <Findings
            findings={summary.findings ?? []}
            onShowTrace={(traceId) => setShownTrace((c) => ({ traceId, click: (c?.click ?? 0) + 1 }))}
          />
          <HandlerErrors errors={summary.errors} />
          <CpuProfile profile={summary.profile} />
        </div>
      )}
      {showCharts && (
        <RunCharts
          buckets={summary?.series ?? ctx.buckets}
          baseline={ownStarterRun ? [] : ctx.baselineBuckets}
          ownStarterRun={ownStarterRun}
          durationMs={totalMs}
          slos={summary?.slos ?? scenario?.slos}
          routes={summary?.routes.map((r) => r.route) ?? scenario?.routes}
          timeline={summary?.timeline ?? (scenario?.timeline && scaleTimeline(scenario.timeline, ctx.request?.loadScale ?? 1))}
        />
      )}
      {hasResults && summary && (
        <>
          <TraceWaterfall traces={summary.traces ?? []} show={shownTrace} />
          <CompareTable summary={summary} baseline={ctx.baseline} comparing={comparing} />
          <ReplicaTable summary={summary} />
          <ConsoleOutput lines={summary.console} />
        </>
      )}
    </section>
  );
}

function RunStatus({ snapshot, totalMs }: { snapshot: RunSnapshot; totalMs: number }) {
  const state = runStateOf(snapshot);
  const ctx = snapshot.context;
  switch (state) {
    case 'idle':
      return (
        <p className="run-status muted" data-testid="run-status">
          Press <strong>Run</strong> (<kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd>) to put {Math.round(totalMs / 1000)} seconds of
          simulated traffic through your code. {SEED_EXPLAINED}
        </p>
      );
    case 'compiling':
      return <Progress label="Compiling…" fraction={0} />;
    case 'simulating':
      // Between compiling and the first simulated second the worker may still be creating the
      // database or finishing an earlier run: nothing is simulated yet, and a stop says so.
      if (ctx.buckets.length === 0 && ctx.virtualMs === 0) return <Progress label="Getting the simulator ready…" fraction={0} />;
      return (
        <Progress
          label={`Simulating: ${(ctx.virtualMs / 1000).toFixed(0)} s of ${(totalMs / 1000).toFixed(0)} s (virtual time)`}
          fraction={totalMs ? ctx.virtualMs / totalMs : 0}
        />
      );
    case 'comparing':
      return <Verdict snapshot={snapshot} extra="Running the starter with the same seed for comparison…" />;
    case 'done':
      return <Verdict snapshot={snapshot} />;
    case 'failed': {
      const reason = ctx.failureReason;
      if (ctx.diagnostics.length > 0 && !reason) {
        return <CompileErrors diagnostics={ctx.diagnostics} title={ctx.message ?? 'The run failed'} testId="run-message" />;
      }
      return (
        <div className="panel panel-error" role="alert" data-testid="run-message" data-reason={reason ?? undefined}>
          <h3>{FAILURE_TITLES[reason ?? 'none']}</h3>
          <p>{ctx.message}</p>
          {ctx.diagnostics.length > 0 && <DiagnosticList diagnostics={ctx.diagnostics} />}
        </div>
      );
    }
    case 'stopped':
    case 'hung':
      return (
        <div className={`panel ${state === 'stopped' ? '' : 'panel-error'}`} role="alert" data-testid="run-message">
          {state === 'hung' && <h3>Stopped: your code stopped answering</h3>}
          <p>{state === 'stopped' && ctx.summary ? stoppedText(ctx.summary, totalMs) : ctx.message}</p>
        </div>
      );
    case 'compileFailed':
      return null;
  }
}

function stoppedText(summary: RunSummary, totalMs: number): string {
  const ranSec = Math.round(ranForMs(summary) / 1000);
  return (
    `Run stopped after ${ranSec} s of ${Math.round(totalMs / 1000)} s of simulated traffic. The numbers below cover that part, ` +
    'rates included; the targets are judged on whole runs only.'
  );
}

const FAILURE_TITLES: Record<NonNullable<RunSnapshot['context']['failureReason']> | 'none', string> = {
  none: 'The run failed',
  memory: 'Stopped: your code used too much memory',
  realm: "Stopped: your code changed JavaScript's built-ins",
  crash: 'The simulator stopped',
};

function Progress({ label, fraction }: { label: string; fraction: number }) {
  const pct = Math.max(0, Math.min(100, fraction * 100));
  return (
    <div className="run-status" data-testid="run-status">
      <div className="progress-label">{label}</div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

function Verdict({ snapshot, extra }: { snapshot: RunSnapshot; extra?: string }) {
  const s = snapshot.context.summary!;
  const missed = s.slos.filter((x) => !x.pass).length + s.checks.filter((c) => !c.pass).length;
  const total = s.slos.length + s.checks.length;
  const timing = snapshot.context.simulateMs != null ? ` Simulated in ${(snapshot.context.simulateMs / 1000).toFixed(1)} s.` : '';
  return (
    <div
      className={`verdict-banner ${s.passed ? 'verdict-banner-pass' : 'verdict-banner-fail'}`}
      data-testid="verdict"
      data-passed={s.passed}
    >
      <strong>{verdictText(s.passed, missed, total)}</strong>
      <span className="muted">
        {' '}
        Seed {s.seed}, load ×{s.loadScale}, {s.requests.arrivals.toLocaleString('en-US')} requests.{timing}
      </span>
      {s.status === 'limit' && <div>The run hit a safety limit: {s.statusReason}</div>}
      {extra && <div className="muted small">{extra}</div>}
    </div>
  );
}

function verdictText(passed: boolean, missed: number, total: number): string {
  if (total === 1) return passed ? 'The target is met. Nicely done.' : 'The target is missed.';
  return passed ? `All ${total} targets met. Nicely done.` : `${missed} of ${total} targets missed.`;
}
