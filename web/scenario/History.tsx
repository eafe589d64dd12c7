import { type HistoryEntry, targetsMissed } from '../storage/history.ts';
import { ms, pct, perSec } from '../run/format.ts';

/** The last runs of this scenario with their numbers; a run's code can be loaded back. */
export function History({ entries, onLoadCode }: { entries: HistoryEntry[]; onLoadCode(code: string): void }) {
  if (entries.length === 0) return <p className="muted">No runs yet. Your last runs and their numbers will be kept here.</p>;
  return (
    <ol className="history" data-testid="history">
      {entries.map((e) => (
        <li key={e.at} className={e.passed ? 'pass' : 'fail'}>
          <div className="history-head">
            <span className={e.passed ? 'verdict verdict-pass' : 'verdict verdict-fail'}>{verdictOf(e)}</span>
            <time className="muted small">{new Date(e.at).toLocaleString()}</time>
          </div>
          <div className="history-numbers small">
            p50 {ms(e.latencyP50Ms)} · p99 {ms(e.latencyP99Ms)} · {perSec(e.throughputPerSec)} · errors {pct(e.errorRate)}
          </div>
          <div className="muted small">
            seed {e.seed} · load ×{e.loadScale}
            {e.code !== undefined && (
              <>
                {' · '}
                <button className="link-button" onClick={() => onLoadCode(e.code!)}>
                  load this code
                </button>
              </>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** The same count as the run's own verdict: missed SLOs and failed functional checks, of all targets. */
function verdictOf(e: HistoryEntry): string {
  if (e.status === 'aborted') return 'stopped';
  if (e.passed) return '✓ all met';
  const { missed, total } = targetsMissed(e);
  return `✗ ${missed} of ${total} missed`;
}
