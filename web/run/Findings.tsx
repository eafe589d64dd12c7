/**
 * The run's diagnosis (runner/diagnosis): what mechanism the run shows, in words, with its
 * evidence: the service's line (a click puts the cursor there), the repeated statement, the
 * chart and the seconds where it shows, a request's trace (a click shows it in the waterfall).
 * Each finding has an anchor the SLO table links to from the SLOs it explains.
 */
import type { Finding, FindingEvidence } from '../../runner/index.ts';
import { getEditorHandle } from '../editor/editorHandle.ts';

/** The charts' names for the series a finding cites. */
const CHART_NAMES: Record<string, string> = {
  eventLoopDelayMaxMs: 'Event-loop delay',
  poolWaitingMax: 'Database pool: waiting',
  poolInUseMax: 'Database pool: in use',
  dbQueries: 'Database statements',
  downstreamAttempts: 'Downstream calls and attempts: attempts',
  errors: 'Failures: errors',
};

export const findingAnchor = (i: number): string => `finding-${i + 1}`;

/** `onShowTrace` shows a trace in the page's waterfall; without one, a trace is named, not linked. */
export function Findings({ findings, onShowTrace }: { findings: Finding[]; onShowTrace?(traceId: string): void }) {
  if (findings.length === 0) return null;
  return (
    <section className="panel findings" data-testid="findings" aria-labelledby="findings-title">
      <h3 id="findings-title">What the run shows</h3>
      <ol className="finding-list">
        {findings.map((f, i) => (
          <li key={`${f.rule}-${i}`} id={findingAnchor(i)} data-testid="finding" data-rule={f.rule}>
            <strong>{f.title}</strong>
            <p>{f.detail}</p>
            {f.evidence.length > 0 && (
              <ul className="evidence-list">
                {f.evidence.map((e, j) => (
                  <li key={j}>
                    <Evidence e={e} onShowTrace={onShowTrace} />
                  </li>
                ))}
              </ul>
            )}
            {f.explains.length > 0 && <p className="muted small">Explains: {f.explains.join('; ')}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Evidence({ e, onShowTrace }: { e: FindingEvidence; onShowTrace?(traceId: string): void }) {
  switch (e.kind) {
    case 'line':
      return (
        <>
          <button className="link-button mono" onClick={() => getEditorHandle()?.reveal(e.line)} data-testid="finding-line">
            line {e.line}
          </button>{' '}
          {e.note}
        </>
      );
    case 'statement':
      return (
        <>
          {e.perRequest.toLocaleString('en-US')}× per {e.route} request: <code className="mono">{e.sql}</code>
        </>
      );
    case 'chart':
      return (
        <>
          {CHART_NAMES[e.series] ?? e.series} chart, {seconds(e.fromMs)}–{seconds(e.toMs)}: {e.note}
        </>
      );
    case 'trace':
      if (!onShowTrace)
        return (
          <>
            Trace <span className="mono">{e.traceId}</span> of {e.note}
          </>
        );
      return (
        <>
          <button className="link-button" onClick={() => onShowTrace(e.traceId)} data-testid="finding-trace" data-trace-id={e.traceId}>
            Trace
          </button>{' '}
          of {e.note}
        </>
      );
  }
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;
