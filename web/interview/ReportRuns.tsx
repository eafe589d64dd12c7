/** Runs as a table: when, why, seed and load, the verdict and each SLO's value. */
import type { ReportRunView } from '../../runner/interview/index.ts';

const PURPOSE: Record<ReportRunView['purpose'], string> = { visible: 'Run', final: 'Final check', hidden: 'Hidden check' };

export function ReportRuns({ runs }: { runs: ReportRunView[] }) {
  if (runs.length === 0) return null;
  return (
    <table className="report-runs" data-testid="report-runs">
      <thead>
        <tr>
          <th>Check</th>
          <th>Seed</th>
          <th>Load</th>
          <th>Verdict</th>
          <th>SLOs</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.seq} data-testid="report-run" data-purpose={r.purpose} data-verdict={r.verdict}>
            <td>{PURPOSE[r.purpose]}</td>
            <td className="mono">{r.seed}</td>
            <td className="mono">×{r.loadScale}</td>
            <td className={r.verdict === 'pass' ? 'pass' : 'fail'}>{r.verdict === 'failed' ? `failed: ${r.failure ?? ''}` : r.verdict}</td>
            <td>
              {r.slos.map((s) => (
                <span key={s.label} className={`slo-chip ${s.pass ? 'pass' : 'fail'}`} title={`target ${s.threshold}`}>
                  {s.label}: {s.value}
                </span>
              ))}
              {r.checksFailed.length > 0 && <span className="slo-chip fail">failed checks: {r.checksFailed.join(', ')}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
