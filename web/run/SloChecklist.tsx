import type { RunSummary } from '../../runner/index.ts';
import { sloValue } from './format.ts';

/** Each SLO with its target, the measured value, the starter's value, and pass/fail. */
export function SloChecklist({ summary, baseline }: { summary: RunSummary; baseline: RunSummary | null }) {
  const baseBy = new Map(baseline?.slos.map((s) => [`${s.metric} ${s.threshold}`, s]));
  return (
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
            <tr key={`${s.metric} ${s.threshold}`} className={s.pass ? 'pass' : 'fail'} data-testid="slo-row" data-pass={s.pass}>
              <td>
                {s.label}
                <div className="metric-key">{s.metric}</div>
              </td>
              <td className="mono">{s.threshold}</td>
              <td className="num">{b ? sloValue(b.metric, b.threshold, b.actual) : '…'}</td>
              <td className="num strong">{sloValue(s.metric, s.threshold, s.actual)}</td>
              <td>
                <span className={s.pass ? 'verdict verdict-pass' : 'verdict verdict-fail'}>{s.pass ? '✓ met' : '✗ missed'}</span>
              </td>
            </tr>
          );
        })}
        {summary.checks.map((c) => (
          <tr key={`check:${c.name}`} className={c.pass ? 'pass' : 'fail'} data-testid="check-row" data-pass={c.pass}>
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
            <td className="mono">correct responses</td>
            <td className="num">–</td>
            <td className="num strong">
              {c.checked - c.failed}/{c.checked} right
            </td>
            <td>
              <span className={c.pass ? 'verdict verdict-pass' : 'verdict verdict-fail'}>{c.pass ? '✓ passed' : '✗ failed'}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
