/**
 * Everything about the current run: status and progress, the verdict with the SLO checklist,
 * charts (filling in live), the before/after table, exceptions and console output.
 */
import type { RunSnapshot } from './runState.ts';
import { runStateOf } from './runState.ts';
import { RunCharts } from './charts/RunCharts.tsx';
import { SloChecklist } from './SloChecklist.tsx';
import { CompareTable } from './CompareTable.tsx';
import { ReplicaTable } from './ReplicaTable.tsx';
import { CompileErrors, ConsoleOutput, DiagnosticList, HandlerErrors } from './ProblemLists.tsx';

export function RunPanel({ snapshot, durationMs }: { snapshot: RunSnapshot; durationMs: number }) {
  const state = runStateOf(snapshot);
  const ctx = snapshot.context;
  const summary = ctx.summary;
  const totalMs = ctx.durationMs || durationMs;
  const showCharts = state === 'simulating' || state === 'comparing' || ((state === 'done' || state === 'stopped') && summary);

  return (
    <section className="run-panel" aria-live="polite" data-testid="run-panel" data-state={state}>
      <RunStatus snapshot={snapshot} totalMs={totalMs} />
      {state === 'compileFailed' && <CompileErrors diagnostics={ctx.diagnostics} />}
      {summary && (state === 'done' || state === 'comparing' || state === 'stopped') && (
        <div className="results">
          <SloChecklist summary={summary} baseline={ctx.baseline} />
          {ctx.baselineMessage && <p className="muted small">{ctx.baselineMessage}</p>}
        </div>
      )}
      {showCharts && <RunCharts buckets={ctx.buckets} baseline={ctx.baselineBuckets} durationMs={totalMs} />}
      {summary && (state === 'done' || state === 'comparing' || state === 'stopped') && (
        <>
          <CompareTable summary={summary} baseline={ctx.baseline} />
          <ReplicaTable summary={summary} />
          <HandlerErrors errors={summary.errors} />
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
          simulated traffic through your code.
        </p>
      );
    case 'compiling':
      return <Progress label="Compiling…" fraction={0} />;
    case 'simulating':
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
          <p>{ctx.message}</p>
        </div>
      );
    case 'compileFailed':
      return null;
  }
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
