import type { RunSummary } from '../../runner/index.ts';
import { sloTarget, sloValue } from './format.ts';
import { findingAnchor } from './Findings.tsx';

export interface SloChecklistProps {
  summary: RunSummary;
  baseline: RunSummary | null;
  /** The starter is being run for comparison: its column says so ("…") rather than "–". */
  comparing?: boolean;
  /** False for a stopped run: a part of a run neither meets nor misses a target set for the whole. */
  judged?: boolean;
}

/** Each SLO with its target, the measured value, the starter's value, and pass/fail. */
export function SloChecklist({ summary, baseline, comparing = false, judged = true }: SloChecklistProps) {
  const baseBy = new Map(baseline?.slos.map((s) => [`${s.metric} ${s.threshold}`, s]));
  const noStarter = comparing ? '…' : '–';
  const findings = summary.findings ?? [];
  const notJudged = <span className="verdict muted">not judged</span>;
  return (
    <div className="table-scroll">
      <table className="slo-table" data-testid="slo-checklist">
        <thead>
          <tr>
            <th scope="col">SLO</th>
            <th scope="col">Target</th>
            <th scope="col">Starter</th>
            <th scope="col">Yours</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {summary.slos.map((s) => {
            const b = baseBy.get(`${s.metric} ${s.threshold}`);
            return (
              <tr
                key={`${s.metric} ${s.threshold}`}
                className={judged ? (s.pass ? 'pass' : 'fail') : undefined}
                data-testid="slo-row"
                data-pass={judged ? s.pass : undefined}
              >
                <td>
                  {s.label}
                  <div className="metric-key">{s.metric}</div>
                  {judged && !s.pass && <ExplainedBy label={s.label} findings={findings} />}
                </td>
                <td title={s.threshold}>{sloTarget(s.metric, s.threshold)}</td>
                <td className="num">{b ? sloValue(b.metric, b.threshold, b.actual) : noStarter}</td>
                <td className="num strong">{sloValue(s.metric, s.threshold, s.actual)}</td>
                <td>
                  {judged ? (
                    <span className={s.pass ? 'verdict verdict-pass' : 'verdict verdict-fail'}>{s.pass ? '✓ met' : '✗ missed'}</span>
                  ) : (
                    notJudged
                  )}
                </td>
              </tr>
            );
          })}
          {summary.checks.map((c) => (
            <tr
              key={`check:${c.name}`}
              className={judged ? (c.pass ? 'pass' : 'fail') : undefined}
              data-testid="check-row"
              data-pass={judged ? c.pass : undefined}
            >
              <td>
                {c.name}
                <div className="metric-key">functional check</div>
                {c.problems.length > 0 && (
                  <ul className="problems">
                    {c.problems.slice(0, 3).map((p, i) => (
                      <li key={i}>{p}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td>every response correct</td>
              <td className="num">–</td>
              <td className="num strong">
                {c.checked - c.failed}/{c.checked} right
              </td>
              <td>
                {judged ? (
                  <span className={c.pass ? 'verdict verdict-pass' : 'verdict verdict-fail'}>{c.pass ? '✓ passed' : '✗ failed'}</span>
                ) : (
                  notJudged
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Beside a missed SLO: the findings of the diagnosis that explain it, each a link to it. */
function ExplainedBy({ label, findings }: { label: string; findings: RunSummary['findings'] }) {
  const why = findings.map((f, i) => ({ f, i })).filter(({ f }) => f.explains.includes(label));
  if (why.length === 0) return null;
  return (
    <div className="explained-by" data-testid="slo-explained-by">
      Why:{' '}
      {why.map(({ f, i }, n) => (
        <span key={i}>
          {n > 0 && '; '}
          <a href={`#${findingAnchor(i)}`}>{f.title}</a>
        </span>
      ))}
    </div>
  );
}
